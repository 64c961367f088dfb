package dev.autofix.core.model;

/**
 * Text that came from outside (an event's title, an agent's output in a reason) as every store can
 * keep it: PostgreSQL's {@code text} cannot hold U+0000, so a NUL in a hostile event or an agent's
 * output would fail the write, answer the webhook 500 or leave a run unrecorded. It becomes U+FFFD,
 * the replacement character, and nothing else changes.
 */
public final class Texts {
  private Texts() {}

  /** {@code text} with every U+0000 replaced by U+FFFD; {@code null} stays {@code null}. */
  public static String storable(String text) {
    return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
  }
}
