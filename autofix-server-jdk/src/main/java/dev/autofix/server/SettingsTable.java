package dev.autofix.server;

import dev.autofix.agents.AgentsConfig;
import dev.autofix.core.settings.Setting;
import dev.autofix.core.settings.SettingType;
import dev.autofix.core.settings.Settings;
import dev.autofix.github.GitHubConfig;
import dev.autofix.redis.RedisConfig;
import dev.autofix.sentry.SentryConfig;
import dev.autofix.store.jooq.StoreConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The whole key table: every module's rows, each key once. {@code --help} and the README's settings
 * table are rendered from it, and a key it does not know is a typo: an error in the YAML file, a
 * warning in the environment, both with the closest key it does know.
 */
final class SettingsTable {
  private SettingsTable() {}

  /** Read by logback's configuration rather than by a config record. */
  static final Setting<String> LOG_LEVEL =
      Setting.of(
          "AUTOFIX_LOG_LEVEL",
          SettingType.string(),
          "INFO",
          "server",
          "the server's log level: DEBUG, INFO, WARN or ERROR");

  /** Names in the merged map that are autofix's own bookkeeping, not settings. */
  private static final List<String> INTERNAL =
      List.of(ConfigSource.CONFIG_FILE, ConfigSource.FILE_KEYS);

  /** Every row, in module order, each key once. */
  static List<Setting<?>> all() {
    Map<String, Setting<?>> rows = new LinkedHashMap<>();
    List<List<Setting<?>>> tables =
        List.of(
            ServerConfig.TABLE,
            List.of(LOG_LEVEL),
            StoreConfig.TABLE,
            RedisConfig.TABLE,
            SentryConfig.TABLE,
            AgentsConfig.TABLE,
            GitHubConfig.TABLE);
    for (List<Setting<?>> table : tables) {
      for (Setting<?> row : table) {
        rows.putIfAbsent(row.key(), row);
      }
    }
    return List.copyOf(rows.values());
  }

  /**
   * The keys of {@code merged} that are not settings: those from the YAML file (and its projects)
   * are problems added to {@code settings}; those from the environment come back as warnings.
   */
  static List<String> unknown(Map<String, String> merged, Settings settings) {
    List<Setting<?>> table = all();
    List<String> fromFile =
        Optional.ofNullable(merged.get(ConfigSource.FILE_KEYS))
            .map(k -> List.of(k.split(",")))
            .orElse(List.of());
    List<String> warnings = new ArrayList<>();
    for (String name : fromFile) {
      String key = name;
      String where = "";
      if (name.startsWith(ConfigSource.PROJECT_PREFIX)) {
        String rest = name.substring(ConfigSource.PROJECT_PREFIX.length());
        int dot = rest.lastIndexOf(".AUTOFIX_");
        where = "projects." + rest.substring(0, dot) + ".";
        key = rest.substring(dot + 1);
      }
      String project = where;
      String written = where + yaml(key);
      Optional<Setting<?>> known = find(table, key);
      if (known.isEmpty()) {
        settings.problem(
            written,
            "in the configuration file is not a setting"
                + Settings.closest(key, table)
                    .map(s -> "; did you mean " + project + s.yamlKey() + "?")
                    .orElse(" (see --help)"));
      } else if (!where.isEmpty() && !known.get().perProject()) {
        settings.problem(
            written, "cannot be set per project; set " + yaml(key) + " at the top of the file");
      }
    }
    for (String name : merged.keySet()) {
      if (name.startsWith("AUTOFIX_")
          && !name.startsWith(ConfigSource.PROJECT_PREFIX)
          && !INTERNAL.contains(name)
          && !fromFile.contains(name)
          && find(table, name).isEmpty()) {
        warnings.add(
            "the environment variable "
                + name
                + " is not an autofix setting and is ignored"
                + Settings.closest(name, table)
                    .map(s -> "; did you mean " + s.key() + "?")
                    .orElse(""));
      }
    }
    return warnings;
  }

  /** {@code --help}'s settings part: every key by module, with its default and meaning. */
  static String help() {
    StringBuilder text = new StringBuilder();
    String module = null;
    for (Setting<?> row : all()) {
      if (!row.module().equals(module)) {
        module = row.module();
        text.append('\n').append(module).append('\n');
      }
      text.append("  ")
          .append(row.key())
          .append(" (")
          .append(row.describeDefault())
          .append(")")
          .append(row.perProject() ? " [per project]" : "")
          .append("\n      ")
          .append(row.meaning())
          .append('\n');
    }
    return text.toString();
  }

  /** The README's settings table, as Markdown. */
  static String markdown() {
    StringBuilder text =
        new StringBuilder("| variable | default | module | meaning |\n|---|---|---|---|\n");
    for (Setting<?> row : all()) {
      text.append("| `")
          .append(row.key())
          .append("` | ")
          .append(row.describeDefault().replace("|", "\\|"))
          .append(" | ")
          .append(row.module())
          .append(row.perProject() ? ", per project" : "")
          .append(" | ")
          .append(row.meaning().replace("|", "\\|"))
          .append(" |\n");
    }
    return text.toString();
  }

  private static Optional<Setting<?>> find(List<Setting<?>> table, String key) {
    return table.stream().filter(s -> s.key().equals(key)).findFirst();
  }

  private static String yaml(String key) {
    return key.substring("AUTOFIX_".length()).toLowerCase(Locale.ROOT);
  }
}
