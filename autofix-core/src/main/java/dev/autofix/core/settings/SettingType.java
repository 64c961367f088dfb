package dev.autofix.core.settings;

import dev.autofix.core.Durations;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a setting's text becomes a value, and how the text is described to someone who got it wrong.
 * One dialect everywhere: booleans are {@code true/false, yes/no, on/off, 1/0}; durations are
 * {@link Durations}'; lists are comma-separated, and a comma inside quotes, braces or brackets does
 * not split (so a TOML inline table stays one item).
 *
 * @param name the type's name in tables and help ({@code duration}, {@code int}, ...)
 * @param expected what a valid value looks like, completing "must be ..."
 * @param parser turns a non-blank text into the value, throwing {@link IllegalArgumentException}
 *     when it cannot
 * @param masked whether values are masked wherever they are shown (a secret)
 */
public record SettingType<T>(
    String name, String expected, Function<String, T> parser, boolean masked) {
  public SettingType {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(expected, "expected == null");
    Objects.requireNonNull(parser, "parser == null");
  }

  /** Any text, trimmed. */
  public static SettingType<String> string() {
    return new SettingType<>("string", "a text", String::strip, false);
  }

  /** Text never shown: tokens, passwords. */
  public static SettingType<String> secret() {
    return new SettingType<>("secret", "a text", String::strip, true);
  }

  /** A whole number from {@code min} to {@code max}. */
  public static SettingType<Integer> integer(int min, int max) {
    String expected = "a whole number from " + min + " to " + max;
    return new SettingType<>(
        "int",
        expected,
        text -> {
          int value;
          try {
            value = Integer.parseInt(text.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(expected);
          }
          if (value < min || value > max) {
            throw new IllegalArgumentException(expected);
          }
          return value;
        },
        false);
  }

  /** A positive duration: {@code 500ms}, {@code 90s}, {@code 30m}, {@code 2h}, {@code PT30M}. */
  public static SettingType<Duration> duration() {
    String expected = "a positive duration such as 500ms, 90s, 30m, 2h or PT30M";
    return new SettingType<>(
        "duration",
        expected,
        text -> {
          Duration value = Durations.parse(text);
          if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(expected);
          }
          return value;
        },
        false);
  }

  /** {@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}, in any case. */
  public static SettingType<Boolean> bool() {
    String expected = "true or false (also yes/no, on/off, 1/0)";
    return new SettingType<>(
        "boolean",
        expected,
        text ->
            switch (text.strip().toLowerCase(Locale.ROOT)) {
              case "true", "yes", "on", "1" -> true;
              case "false", "no", "off", "0" -> false;
              default -> throw new IllegalArgumentException(expected);
            },
        false);
  }

  /** One of {@code values}' names, in any case. */
  public static <E extends Enum<E>> SettingType<E> oneOf(Class<E> values) {
    List<String> names = new ArrayList<>();
    for (E value : values.getEnumConstants()) {
      names.add(value.name().toLowerCase(Locale.ROOT));
    }
    String expected = "one of " + String.join(", ", names);
    return new SettingType<>(
        "enum",
        expected,
        text -> {
          for (E value : values.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(text.strip())) {
              return value;
            }
          }
          throw new IllegalArgumentException(expected);
        },
        false);
  }

  /** Comma-separated items, blank ones dropped (see the class comment for commas inside items). */
  public static SettingType<List<String>> list() {
    return new SettingType<>("list", "comma-separated values", SettingType::split, false);
  }

  /** A file-system path; {@code ~/} is the home directory given to {@link Settings}. */
  public static SettingType<Path> path() {
    return new SettingType<>("path", "a path", text -> Path.of(text.strip()), false);
  }

  /** A time zone such as {@code UTC} or {@code Europe/Berlin}. */
  public static SettingType<ZoneId> zone() {
    String expected = "a time zone such as UTC or Europe/Berlin";
    return new SettingType<>(
        "zone",
        expected,
        text -> {
          try {
            return ZoneId.of(text.strip());
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(expected);
          }
        },
        false);
  }

  /** A positive amount of US dollars, such as {@code 25} or {@code $7.50}. */
  public static SettingType<BigDecimal> dollars() {
    String expected = "a positive amount of US dollars such as 25 or 7.50";
    return new SettingType<>(
        "dollars",
        expected,
        text -> {
          BigDecimal value;
          try {
            value = new BigDecimal(text.strip().replaceFirst("^\\$", ""));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(expected);
          }
          if (value.signum() <= 0) {
            throw new IllegalArgumentException(expected);
          }
          return value;
        },
        false);
  }

  /**
   * The list syntax: split on commas that are not inside quotes, braces or brackets; a backslash in
   * a quoted part escapes the next character. When the quotes or brackets do not balance (an
   * apostrophe in a path, say), every comma splits.
   */
  static List<String> split(String text) {
    List<String> items = new ArrayList<>();
    StringBuilder item = new StringBuilder();
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\' && i + 1 < text.length()) {
          item.append(c).append(text.charAt(++i));
          continue;
        }
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        add(items, item);
        item.setLength(0);
        continue;
      }
      item.append(c);
    }
    add(items, item);
    if (quote != 0 || depth != 0) {
      List<String> plain = new ArrayList<>();
      for (String part : text.split(",", -1)) {
        add(plain, new StringBuilder(part));
      }
      return List.copyOf(plain);
    }
    return List.copyOf(items);
  }

  private static void add(List<String> items, StringBuilder item) {
    String value = item.toString().strip();
    if (!value.isEmpty()) {
      items.add(value);
    }
  }
}
