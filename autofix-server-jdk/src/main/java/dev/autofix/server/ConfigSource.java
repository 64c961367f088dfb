package dev.autofix.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where configuration comes from: an optional YAML file, then {@code AUTOFIX_*} environment
 * variables, which win. Both end up as one map of {@code AUTOFIX_*} names, the form every adapter's
 * {@code fromEnv} reads.
 *
 * <p>YAML keys map to names by upper-casing and joining nesting with {@code _}: {@code port: 8080}
 * is {@code AUTOFIX_PORT}, and {@code sentry: {client_secret: x}} is {@code
 * AUTOFIX_SENTRY_CLIENT_SECRET}. Lists become comma-separated values.
 */
final class ConfigSource {
  private ConfigSource() {}

  /** The prefix of the settings of one project in the merged map (see {@link #projects}). */
  static final String PROJECT_PREFIX = "AUTOFIX_PROJECT.";

  /** Where the merged configuration says its file was, so that agents are kept from reading it. */
  static final String CONFIG_FILE = "AUTOFIX_CONFIG_FILE";

  /** The names the file gave, so that a typo in it is an error ({@link SettingsTable#unknown}). */
  static final String FILE_KEYS = "AUTOFIX_CONFIG_FILE_KEYS";

  /**
   * The merged configuration; {@code yaml} may be null. The YAML {@code projects:} mapping (Sentry
   * project slug to its repository's settings) becomes entries named {@code
   * AUTOFIX_PROJECT.<slug>.AUTOFIX_<KEY>}; {@link #projects} reads them back.
   */
  static Map<String, String> load(Path yaml, Map<String, String> environment) throws IOException {
    Map<String, String> merged = new LinkedHashMap<>();
    if (yaml != null) {
      Map<String, String> file = readYaml(yaml);
      merged.putAll(file);
      merged.put(CONFIG_FILE, yaml.toAbsolutePath().normalize().toString());
      merged.put(FILE_KEYS, String.join(",", file.keySet()));
    }
    environment.forEach(
        (name, value) -> {
          if (name.startsWith("AUTOFIX_")) {
            merged.put(name, value);
          }
        });
    // Everything else in the environment stays visible to adapters that need it (PATH, HOME).
    environment.forEach(merged::putIfAbsent);
    return merged;
  }

  static Map<String, String> readYaml(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("the configuration file " + file + " does not exist");
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(
          "the configuration file " + file + " is not valid YAML: " + e.getMessage(), e);
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return flat;
    }
    if (!root.isObject()) {
      throw new IOException("the configuration file " + file + " must be a YAML mapping");
    }
    JsonNode projects = ((com.fasterxml.jackson.databind.node.ObjectNode) root).remove("projects");
    flatten("AUTOFIX", root, flat);
    if (projects != null && !projects.isNull()) {
      if (!projects.isObject()) {
        throw new IOException(
            "projects: in " + file + " must map Sentry project slugs to repository settings");
      }
      for (Map.Entry<String, JsonNode> project : projects.properties()) {
        if (!project.getValue().isObject()) {
          throw new IOException(
              "projects." + project.getKey() + " in " + file + " must be a mapping of settings");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        flatten("AUTOFIX", project.getValue(), settings);
        settings.forEach(
            (key, value) -> flat.put(PROJECT_PREFIX + project.getKey() + "." + key, value));
      }
    }
    return flat;
  }

  /**
   * The per-project settings of a merged map: slug to {@code AUTOFIX_*} overrides, in the order the
   * file gave them.
   */
  static Map<String, Map<String, String>> projects(Map<String, String> merged) {
    Map<String, Map<String, String>> projects = new LinkedHashMap<>();
    merged.forEach(
        (key, value) -> {
          if (key.startsWith(PROJECT_PREFIX)) {
            String rest = key.substring(PROJECT_PREFIX.length());
            int dot = rest.lastIndexOf(".AUTOFIX_");
            projects
                .computeIfAbsent(rest.substring(0, dot), k -> new LinkedHashMap<>())
                .put(rest.substring(dot + 1), value);
          }
        });
    return projects;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String key = field.getKey().replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT);
        flatten(prefix + "_" + key, field.getValue(), out);
      }
    } else if (node.isArray()) {
      List<String> values = new ArrayList<>();
      node.forEach(element -> values.add(element.asText()));
      out.put(prefix, String.join(",", values));
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }
}
