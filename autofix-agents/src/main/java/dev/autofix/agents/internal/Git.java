package dev.autofix.agents.internal;

import dev.autofix.support.git.GitRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs the {@code git} CLI for autofix's own operations in the user's repository (never for the
 * agent), through the shared {@link GitRunner}: every failure is an {@link Outcome} with an exit
 * code, which is all its callers tell apart.
 */
public final class Git {
  private static final int MAX_OUTPUT = 1 << 20;

  private final GitRunner runner;
  private final Map<String, String> environment;

  /**
   * @param environment the environment git runs with (the runner adds {@code LC_ALL=C} and switches
   *     prompts for credentials off)
   * @param timeout one git command's timeout
   * @param temporaryDirectory where git's output is kept while it runs: a directory of autofix's
   */
  public Git(Map<String, String> environment, Duration timeout, Path temporaryDirectory) {
    this.runner = GitRunner.create(timeout, temporaryDirectory, MAX_OUTPUT, MAX_OUTPUT);
    this.environment = Map.copyOf(environment);
  }

  /**
   * One git command's result.
   *
   * @param exitCode git's, or -1 when it timed out or was interrupted, -2 when it did not start
   */
  public record Outcome(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** The first non-blank line of stderr, or of stdout when stderr has none. */
    public String firstError() {
      for (String text : List.of(stderr, stdout)) {
        for (String line : text.split("\n")) {
          if (!line.isBlank()) {
            return line.strip();
          }
        }
      }
      return "exit code " + exitCode;
    }
  }

  /** Runs {@code git args} in {@code directory}, with no stdin. */
  public Outcome run(Path directory, String... args) {
    return switch (runner.run(directory, environment, null, List.of(args))) {
      case GitRunner.Exited exited ->
          new Outcome(exited.exitCode(), exited.stdoutText(), exited.stderr());
      case GitRunner.TimedOut timedOut ->
          new Outcome(-1, "", "git timed out after " + timedOut.after());
      case GitRunner.Interrupted interrupted ->
          new Outcome(-1, "", "interrupted while running git");
      case GitRunner.CannotRun cannotRun -> new Outcome(-2, "", cannotRun.message());
    };
  }
}
