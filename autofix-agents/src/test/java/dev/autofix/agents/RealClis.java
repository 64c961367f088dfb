package dev.autofix.agents;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the real agent CLIs for the offline tests: {@code AUTOFIX_TEST_<NAME>_BIN}, else the
 * program on PATH. The tests install nothing: without the CLI they are skipped, unless {@code
 * AUTOFIX_REQUIRE_AGENT_CLIS=true} (as CI sets it), which makes a missing CLI a failure.
 */
final class RealClis {
  private RealClis() {}

  static Path require(String name) {
    Optional<Path> found = find(name);
    if (found.isEmpty() && "true".equalsIgnoreCase(System.getenv("AUTOFIX_REQUIRE_AGENT_CLIS"))) {
      fail(name + " is not installed, and AUTOFIX_REQUIRE_AGENT_CLIS=true");
    }
    assumeTrue(
        found.isPresent(), name + " is not on PATH; set AUTOFIX_TEST_" + upper(name) + "_BIN");
    return found.get();
  }

  static Optional<Path> find(String name) {
    String override = System.getenv("AUTOFIX_TEST_" + upper(name) + "_BIN");
    if (override != null && !override.isBlank()) {
      Path path = Path.of(override);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static String upper(String name) {
    return name.toUpperCase(java.util.Locale.ROOT);
  }
}
