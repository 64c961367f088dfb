package dev.autofix.core.model;

import java.util.Locale;

/** The severity of an issue, ordered from least to most severe, spelled as Sentry spells it. */
public enum Level {
  DEBUG,
  INFO,
  WARNING,
  ERROR,
  FATAL;

  /** The lower-case name used on the wire, for example {@code warning}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a level as sources spell it; {@code warn} and {@code critical} are accepted aliases.
   *
   * @throws IllegalArgumentException for an unknown level
   */
  public static Level fromWire(String value) {
    if (value == null) {
      throw new IllegalArgumentException("level == null");
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "debug" -> DEBUG;
      case "info" -> INFO;
      case "warning", "warn" -> WARNING;
      case "error" -> ERROR;
      case "fatal", "critical" -> FATAL;
      default -> throw new IllegalArgumentException("unknown level: " + value);
    };
  }

  /** Whether this level is at least as severe as {@code minimum}. */
  public boolean isAtLeast(Level minimum) {
    return compareTo(minimum) >= 0;
  }
}
