package dev.autofix.core.settings;

import java.util.Objects;

/**
 * One row of the key table: a setting's name, type, default, module and meaning.
 *
 * @param key the environment name, {@code AUTOFIX_*}; the YAML key is the same without the prefix,
 *     in lower case
 * @param type how its text is read
 * @param defaultValue the value when it is not set, or {@code null} for none
 * @param defaultText the default as the table and help show it ({@code ~/.autofix}, {@code none:
 *     retry and cancel are refused}); {@code null} shows {@code defaultValue}
 * @param module the module that reads it ({@code server}, {@code sentry}, ...)
 * @param meaning one line saying what it does
 * @param perProject whether a YAML {@code projects.<slug>} entry may set it for one repository
 */
public record Setting<T>(
    String key,
    SettingType<T> type,
    T defaultValue,
    String defaultText,
    String module,
    String meaning,
    boolean perProject) {
  public Setting {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(module, "module == null");
    Objects.requireNonNull(meaning, "meaning == null");
    if (!key.matches("AUTOFIX_[A-Z0-9_]+")) {
      throw new IllegalArgumentException("a setting's key is AUTOFIX_ and capitals: " + key);
    }
  }

  /** A setting with {@code defaultValue} shown as itself. */
  public static <T> Setting<T> of(
      String key, SettingType<T> type, T defaultValue, String module, String meaning) {
    return new Setting<>(key, type, defaultValue, null, module, meaning, false);
  }

  /** The same setting, which a project may also set. */
  public Setting<T> forProjects() {
    return new Setting<>(key, type, defaultValue, defaultText, module, meaning, true);
  }

  /** The same setting, its default shown as {@code text}. */
  public Setting<T> shownAs(String text) {
    return new Setting<>(key, type, defaultValue, text, module, meaning, perProject);
  }

  /** The YAML key: {@code AUTOFIX_MAX_FIXES_PER_DAY} is {@code max_fixes_per_day}. */
  public String yamlKey() {
    return key.substring("AUTOFIX_".length()).toLowerCase(java.util.Locale.ROOT);
  }

  /** The default as tables show it. */
  public String describeDefault() {
    if (defaultText != null) {
      return defaultText;
    }
    if (defaultValue == null) {
      return "none";
    }
    if (defaultValue instanceof java.util.Collection<?> items) {
      return items.isEmpty()
          ? "none"
          : String.join(",", items.stream().map(String::valueOf).toList());
    }
    if (type.masked()) {
      return "(secret)";
    }
    if (defaultValue instanceof Enum<?> value) {
      return value.name().toLowerCase(java.util.Locale.ROOT);
    }
    return String.valueOf(defaultValue);
  }
}
