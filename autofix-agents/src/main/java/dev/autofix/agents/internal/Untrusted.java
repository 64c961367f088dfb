package dev.autofix.agents.internal;

/**
 * Makes untrusted text safe to quote inside a prompt's data block: control characters and invisible
 * Unicode removed, length capped, and the result written as a JSON string literal so that no value
 * can ever start a line of its own (and so never close the block).
 */
public final class Untrusted {
  private Untrusted() {}

  /**
   * {@code text} without control characters (newlines and tabs are kept), invisible or
   * direction-changing Unicode, private-use and unassigned code points, cut to {@code max} code
   * points; {@code null} stays {@code null}.
   */
  public static String clean(String text, int max) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), max + 32));
    int kept = 0;
    int dropped = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '\r') {
        continue;
      }
      if (cp != '\n' && cp != '\t' && isInvisible(cp)) {
        continue;
      }
      if (kept >= max) {
        dropped++;
        continue;
      }
      if (cp != '\n' && cp != '\t' && cp != ' ' && Character.isSpaceChar(cp)) {
        cp = ' '; // no-break and other exotic spaces look like spaces: make them plain ones
      }
      out.appendCodePoint(cp);
      kept++;
    }
    if (dropped > 0) {
      out.append("…[").append(dropped).append(" more characters cut]");
    }
    return out.toString();
  }

  /**
   * {@link #clean} then quoted as a JSON string; runs of {@code <} or {@code >} (which the block's
   * markers are made of) are written as JSON unicode escapes, single ones stay readable for code
   * such as {@code List<String>}.
   */
  public static String quote(String text, int max) {
    if (text == null) {
      return "null";
    }
    String clean = clean(text, max);
    StringBuilder out = new StringBuilder(clean.length() + 2).append('"');
    for (int i = 0; i < clean.length(); i++) {
      char c = clean.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '<', '>' -> {
          boolean run =
              (i > 0 && clean.charAt(i - 1) == c)
                  || (i + 1 < clean.length() && clean.charAt(i + 1) == c);
          out.append(run ? (c == '<' ? "\\u003c" : "\\u003e") : String.valueOf(c));
        }
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** Whether {@code cp} is a control, format, separator, private-use or otherwise unseen. */
  static boolean isInvisible(int cp) {
    int type = Character.getType(cp);
    if (type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.PRIVATE_USE
        || type == Character.SURROGATE
        || type == Character.UNASSIGNED) {
      return true;
    }
    return (cp >= 0xFE00 && cp <= 0xFE0F) // variation selectors
        || (cp >= 0xE0100 && cp <= 0xE01EF) // variation selectors supplement
        || cp == 0x034F // combining grapheme joiner
        || cp == 0x115F
        || cp == 0x1160
        || cp == 0x3164
        || cp == 0xFFA0 // Hangul fillers, rendered blank
        || cp == 0x2800 // braille blank
        || cp == 0x180E; // Mongolian vowel separator
  }
}
