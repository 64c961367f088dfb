package dev.autofix.agents.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs the {@code git} CLI for autofix's own operations (never for the agent). */
public final class Git {
  private final ProcessRunner runner;
  private final Map<String, String> environment;
  private final Duration timeout;

  /**
   * @param runner runs the processes
   * @param environment the environment git runs with; prompts for credentials are switched off
   * @param timeout one git command's timeout
   */
  public Git(ProcessRunner runner, Map<String, String> environment, Duration timeout) {
    this.runner = runner;
    Map<String, String> env = new TreeMap<>(environment);
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GCM_INTERACTIVE", "never");
    env.put("LC_ALL", "C");
    this.environment = Map.copyOf(env);
    this.timeout = timeout;
  }

  /** One git command's result. */
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

  /** Runs {@code git args} in {@code directory}. */
  public Outcome run(Path directory, String stdin, Map<String, String> extraEnv, String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    Map<String, String> env = environment;
    if (!extraEnv.isEmpty()) {
      Map<String, String> merged = new TreeMap<>(environment);
      merged.putAll(extraEnv);
      env = merged;
    }
    ProcessRunner.Result result =
        runner.run(
            new ProcessRunner.Spec("git", command, directory, env, stdin, timeout, null),
            line -> {});
    int code =
        switch (result.outcome()) {
          case ProcessRunner.Exited exited -> exited.code();
          case ProcessRunner.TimedOut timedOut -> -1;
          case ProcessRunner.NotStarted notStarted -> -2;
        };
    String stderr =
        switch (result.outcome()) {
          case ProcessRunner.NotStarted notStarted -> notStarted.message();
          case ProcessRunner.TimedOut timedOut -> "git timed out after " + timeout;
          case ProcessRunner.Exited exited -> result.stderrTail();
        };
    return new Outcome(code, result.stdoutTail(), stderr);
  }

  /** Runs {@code git args} in {@code directory} with no stdin and no extra environment. */
  public Outcome run(Path directory, String... args) {
    return run(directory, null, Map.of(), args);
  }
}
