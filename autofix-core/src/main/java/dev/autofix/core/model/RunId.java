package dev.autofix.core.model;

/**
 * The id of a fix run, assigned by the run store; positive and increasing with creation time.
 *
 * @param value the numeric id
 */
public record RunId(long value) {
  public RunId {
    if (value <= 0) {
      throw new IllegalArgumentException("run id must be positive: " + value);
    }
  }

  /**
   * Parses the decimal form used in URLs.
   *
   * @throws IllegalArgumentException when {@code text} is not a positive decimal number
   */
  public static RunId parse(String text) {
    try {
      return new RunId(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a run id: " + text, e);
    }
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
