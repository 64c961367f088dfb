package dev.autofix.core.port;

import dev.autofix.core.model.Workspace;
import java.time.Duration;
import java.util.Objects;

/** The harness's own check of a fix: runs the repository's test command in the workspace. */
public interface FixVerifier {

  /** Verifies the workspace as it is after the agent. */
  Verification verify(Workspace workspace, RunLogs.RunLog log);

  /** The verdict. */
  sealed interface Verification permits NotConfigured, Passed, Failed {}

  /** No test command is configured for this repository. */
  record NotConfigured() implements Verification {}

  /** The test command passed. */
  record Passed(String command, Duration took, String outputTail) implements Verification {
    public Passed {
      Objects.requireNonNull(command, "command == null");
      Objects.requireNonNull(took, "took == null");
      outputTail = outputTail == null ? "" : outputTail;
    }
  }

  /**
   * The test command failed or timed out.
   *
   * @param command the command
   * @param exitCode its exit code, or {@code -1} when it timed out
   * @param outputTail the end of its output
   */
  record Failed(String command, int exitCode, String outputTail) implements Verification {
    public Failed {
      Objects.requireNonNull(command, "command == null");
      outputTail = outputTail == null ? "" : outputTail;
    }
  }
}
