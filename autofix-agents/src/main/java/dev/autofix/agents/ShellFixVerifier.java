package dev.autofix.agents;

import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.RunLogs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link FixVerifier} that runs the repository's test command ({@code /bin/sh -c}) in the worktree,
 * with its own timeout, in the agent's sandbox (it runs the agent's code) without the agent's model
 * credentials, or trusted with the user's environment minus autofix's secrets. Exit 0 passes; any
 * other exit fails; a timeout fails with exit code {@code -1}; no command is {@link NotConfigured}.
 */
final class ShellFixVerifier implements FixVerifier {
  private static final int OUTPUT_TAIL = 4_000;

  private final String command;
  private final Duration timeout;
  private final UntrustedProcesses processes;
  private final ProcessRunner runner;

  private ShellFixVerifier(AgentsConfig config, Map<String, String> environment) {
    this.command = config.testCommand();
    this.timeout = config.testTimeout();
    this.processes = new UntrustedProcesses(config, environment);
    this.runner = new ProcessRunner(config.logLimitBytes(), OUTPUT_TAIL, Duration.ofSeconds(3));
  }

  /**
   * A verifier for {@code config.testCommand()}.
   *
   * @param environment the user's environment; autofix's secrets are removed from it
   */
  public static FixVerifier create(AgentsConfig config, Map<String, String> environment) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(environment, "environment == null");
    return new ShellFixVerifier(config, environment);
  }

  @Override
  public Verification verify(Workspace workspace, RunLogs.RunLog log) {
    if (command == null) {
      log.append("verification: no test command configured");
      return new NotConfigured();
    }
    log.append("verification: " + command);
    ProcessRunner.Result result =
        processes.run(
            runner,
            new UntrustedProcesses.Launch(
                workspace.runId(),
                "test",
                List.of("/bin/sh", "-c", command),
                workspace.directory(),
                Map.of(),
                List.of(),
                Map.of(),
                List.of(),
                null,
                timeout,
                null),
            log);
    String tail = AgentSupport.tail(result.outputTail(), OUTPUT_TAIL);
    Verification verdict =
        switch (result.outcome()) {
          case ProcessRunner.Exited exited when exited.code() == 0 ->
              new Passed(command, result.took(), tail);
          case ProcessRunner.Exited exited -> new Failed(command, exited.code(), tail);
          case ProcessRunner.TimedOut timedOut ->
              new Failed(command, -1, "timed out after " + timeout + "\n" + tail);
          case ProcessRunner.NotStarted notStarted ->
              new Failed(command, 127, notStarted.message());
        };
    log.append("verification: " + (verdict instanceof Passed ? "passed" : "failed"));
    return verdict;
  }
}
