package dev.autofix.agents.internal;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines like {@code BufferedReader.readLine}, but keeps at most {@code max} characters of
 * each: the rest of a longer line is read and dropped, so a process that prints a line of 300 MB
 * neither fills the server's heap nor blocks on a full pipe (and dies of SIGPIPE).
 */
final class LineReader {
  private final Reader in;
  private final int max;
  private final char[] buffer = new char[8_192];
  private int position;
  private int limit;
  private long dropped;

  LineReader(Reader in, int max) {
    this.in = in;
    this.max = max;
  }

  /** The next line without its terminator, cut at {@code max} characters; null at the end. */
  String next() throws IOException {
    StringBuilder line = null;
    dropped = 0;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer, 0, buffer.length);
        position = 0;
        if (limit < 0) {
          limit = 0;
          return line == null ? null : line.toString();
        }
      }
      if (line == null) {
        line = new StringBuilder(Math.min(max, 256));
      }
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      int end = position;
      int room = max - line.length();
      int take = Math.min(room, end - start);
      line.append(buffer, start, take);
      dropped += (end - start) - take;
      if (position < limit) {
        position++; // the \n
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') {
          line.setLength(length - 1); // a \r\n line end
        }
        return line.toString();
      }
    }
  }

  /** How many characters of the line {@link #next} returned last were dropped. */
  long dropped() {
    return dropped;
  }
}
