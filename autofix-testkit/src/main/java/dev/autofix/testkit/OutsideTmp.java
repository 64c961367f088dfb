package dev.autofix.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Test directories outside {@code /tmp}: the agent sandbox hides the host's {@code /tmp} whole, so
 * a fake user home or checkout there would be hidden without exercising the mounts under test. They
 * go under {@code ~/.cache/autofix-tests}; the test removes its own.
 */
public final class OutsideTmp {
  private OutsideTmp() {}

  /** A new, empty directory {@code ~/.cache/autofix-tests/<prefix>-<random>}. */
  public static Path newDirectory(String prefix) throws IOException {
    return Files.createDirectories(
        Path.of(
            System.getProperty("user.home"),
            ".cache",
            "autofix-tests",
            prefix + "-" + UUID.randomUUID()));
  }
}
