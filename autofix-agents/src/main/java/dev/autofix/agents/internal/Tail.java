package dev.autofix.agents.internal;

/** The last {@code max} characters of a growing text; thread-safe. */
public final class Tail {
  private final int max;
  private final StringBuilder text = new StringBuilder();

  public Tail(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max < 1: " + max);
    }
    this.max = max;
  }

  /** Appends {@code line} and a newline. */
  public synchronized void appendLine(String line) {
    text.append(line).append('\n');
    if (text.length() > 2 * max) {
      text.delete(0, text.length() - max);
    }
  }

  @Override
  public synchronized String toString() {
    return text.length() <= max ? text.toString() : text.substring(text.length() - max);
  }
}
