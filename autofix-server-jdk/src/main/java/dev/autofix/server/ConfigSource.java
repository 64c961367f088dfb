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

  /** The merged configuration; {@code yaml} may be null. */
  static Map<String, String> load(Path yaml, Map<String, String> environment) throws IOException {
    Map<String, String> merged = new LinkedHashMap<>();
    if (yaml != null) {
      merged.putAll(readYaml(yaml));
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
    flatten("AUTOFIX", root, flat);
    return flat;
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
