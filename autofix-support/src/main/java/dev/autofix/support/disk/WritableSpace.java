package dev.autofix.support.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a folder can take writes now: its file system has a minimum of usable space, and a byte
 * can be written there. A full disk and a read-only file system are outages to wait out, not
 * defects; this says which, in words, so that a caller can postpone and a readiness check can name
 * it.
 */
public final class WritableSpace {
  /** The usable space below which a folder counts as full: 16 MiB. */
  public static final long MIN_FREE_BYTES = 16L << 20;

  private WritableSpace() {}

  /**
   * Empty when {@code dir} (or, while it does not exist yet, its nearest existing parent) has at
   * least {@code minFreeBytes} usable and takes a one-byte file; else why not, in one line.
   */
  public static Optional<String> problem(Path dir, long minFreeBytes) {
    Objects.requireNonNull(dir, "dir == null");
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return Optional.of("no folder of " + dir + " exists");
    }
    long usable;
    try {
      usable = Files.getFileStore(existing).getUsableSpace();
    } catch (IOException e) {
      return Optional.of("cannot read the free space of " + existing + ": " + e.getMessage());
    }
    if (usable < minFreeBytes) {
      return Optional.of(
          "the file system of "
              + existing
              + " is full: "
              + mebibytes(usable)
              + " free, below the "
              + mebibytes(minFreeBytes)
              + " autofix needs");
    }
    Path probe = null;
    try {
      probe = Files.createTempFile(existing, ".autofix-write-probe", "");
      Files.write(probe, new byte[] {'.'});
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot write in " + existing + ": " + reason(e));
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException e) {
          // A probe left on a file system that just failed a write goes with the next check's.
        }
      }
    }
  }

  private static String reason(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String mebibytes(long bytes) {
    return (bytes >> 20) + " MiB";
  }
}
