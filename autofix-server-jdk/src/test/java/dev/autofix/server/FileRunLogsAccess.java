package dev.autofix.server;

import dev.autofix.core.port.RunLogs;
import java.nio.file.Path;
import java.time.Clock;

/** {@link FileRunLogs} for the tests of other packages. */
public final class FileRunLogsAccess {
  private FileRunLogsAccess() {}

  public static RunLogs create(Path directory, long maxBytes, Clock clock) {
    return FileRunLogs.create(directory, maxBytes, clock);
  }
}
