package dev.autofix.core.model;

/**
 * Text that came from outside (an event's title, an agent's output in a reason) as every store can
 * keep it: PostgreSQL's {@code text} cannot hold U+0000, and a lone surrogate (half of a UTF-16
 * pair, which JSON's {@code \ud800} escapes can carry) is no character at all, so either would fail
 * the write, answer the webhook 500 or leave a run unrecorded, or be turned into {@code ?} by the
 * driver without a word. Each becomes U+FFFD, the replacement character, and nothing else changes.
 */
public final class Texts {
  /** What a run's history says when its issue's text had to be made storable. */
  public static final String REPLACED =
      "text the database cannot store (U+0000, lone surrogates) was replaced by U+FFFD";

  private Texts() {}

  /** Whether every store can keep {@code text} as it is ({@code null} can). */
  public static boolean isStorable(String text) {
    if (text == null) {
      return true;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        return false;
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++; // a pair: one character
        } else {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * {@code text} with every U+0000 and every lone surrogate replaced by U+FFFD; {@code null} stays
   * {@code null}.
   */
  public static String storable(String text) {
    if (isStorable(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else if (c == '\0' || Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
