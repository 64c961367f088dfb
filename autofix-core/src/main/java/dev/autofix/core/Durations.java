package dev.autofix.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration as people write it in configuration, the same way in every adapter: ISO-8601
 * ({@code PT30M}), whole seconds ({@code 90}), or a number with a unit ({@code 500ms}, {@code 90s},
 * {@code 30m}, {@code 2h}, {@code 1d}).
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException when {@code text} is none of the accepted forms
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("not a duration: an empty value");
    }
    String value = text.strip();
    if (value.charAt(0) == 'P' || value.charAt(0) == 'p') {
      try {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(message(text), e);
      }
    }
    Matcher m = SHORT.matcher(value.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(message(text));
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(message(text), e);
    }
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  private static String message(String text) {
    return "not a duration (use 500ms, 90s, 30m, 2h or PT30M): " + text;
  }
}
