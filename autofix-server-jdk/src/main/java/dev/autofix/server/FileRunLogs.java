package dev.autofix.server;

import dev.autofix.core.model.RunId;
import dev.autofix.core.port.RunLogs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RunLogs} as one file a run under {@code <data dir>/logs}, readable while it grows. Each
 * log is capped; past the cap, lines are dropped with one note saying so.
 */
final class FileRunLogs implements RunLogs {
  private static final Logger LOG = LoggerFactory.getLogger(FileRunLogs.class);

  private final Path directory;
  private final long maxBytes;
  private final Clock clock;

  private FileRunLogs(Path directory, long maxBytes, Clock clock) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  /** Logs under {@code directory}, each capped at {@code maxBytes}. */
  static RunLogs create(Path directory, long maxBytes, Clock clock) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run log directory " + directory, e);
    }
    return new FileRunLogs(directory, maxBytes, clock);
  }

  @Override
  public RunLog open(RunId id) {
    Path file = file(id);
    return line -> append(file, line);
  }

  private synchronized void append(Path file, String line) {
    try {
      long size = Files.exists(file) ? Files.size(file) : 0;
      if (size >= maxBytes) {
        return;
      }
      // One entry per line, every physical line stamped: a text with a line break in it (a reason
      // that carries the agent's summary, a progress bar's bare \r) goes on in lines indented
      // under its first, so that nothing written inside one entry can pass for an entry of its
      // own (a step of the timeline, a diff line) on the run's page.
      String at = clock.instant().toString();
      StringBuilder entry = new StringBuilder(line.length() + 40);
      String[] pieces = line.split("\r\n|\r|\n");
      for (int i = 0; i < pieces.length; i++) {
        entry.append(at).append(i == 0 ? " " : "   ").append(pieces[i]).append('\n');
      }
      String text = entry.toString();
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      if (size + bytes.length > maxBytes) {
        bytes = ("… log truncated at " + maxBytes + " bytes\n").getBytes(StandardCharsets.UTF_8);
      }
      Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.warn("cannot append to run log {}: {}", file, e.getMessage());
    }
  }

  @Override
  public String tail(RunId id, int maxChars) {
    Path file = file(id);
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      long start = Math.max(0, length - (long) maxChars * 4);
      in.seek(start);
      byte[] bytes = new byte[(int) (length - start)];
      in.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      return text.length() <= maxChars ? text : text.substring(text.length() - maxChars);
    } catch (IOException e) {
      LOG.warn("cannot read run log {}: {}", file, e.getMessage());
      return "";
    }
  }

  private Path file(RunId id) {
    return directory.resolve("run-" + id.value() + ".log");
  }
}
