package dev.autofix.agents;

import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.core.model.AgentReport;
import dev.autofix.core.port.AgentRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link AgentRunner} for any command line (aider, gemini, opencode, a team's own script): run with
 * {@code /bin/sh -c} in the worktree, the prompt on stdin, {@code AUTOFIX_SUMMARY_FILE} naming
 * where its summary goes.
 *
 * <p>Exit 0 is {@link Completed}, with the summary file as the report; whether it changed anything
 * is for {@code Workspaces.commit} to say. Any other exit is {@link Failed} with the end of stderr,
 * and the timeout is {@link TimedOut}.
 */
final class CommandAgentRunner implements AgentRunner {
  private static final int MESSAGE_TAIL = 2_000;

  private final AgentSupport support;

  private CommandAgentRunner(AgentSupport support) {
    this.support = support;
  }

  /**
   * A runner for {@code config.command()}.
   *
   * @param environment the user's environment; autofix's secrets are removed from it
   */
  public static AgentRunner create(AgentsConfig config, Map<String, String> environment) {
    Objects.requireNonNull(config, "config == null");
    if (config.command() == null) {
      throw new IllegalArgumentException("the command agent needs a command");
    }
    return new CommandAgentRunner(new AgentSupport(config, environment));
  }

  @Override
  public String name() {
    return "command";
  }

  @Override
  public AgentResult run(AgentTask task) {
    String prompt = support.prepare(task);
    Path dir = task.workspace().directory();
    String command = support.config().command();
    task.log().append("agent command: " + command);
    ProcessRunner.Result result =
        support.run(
            task,
            "agent",
            List.of("/bin/sh", "-c", command),
            Map.of(),
            List.of(),
            Map.of(),
            List.of(),
            prompt,
            null);
    return switch (result.outcome()) {
      case ProcessRunner.Exited exited when exited.code() == 0 ->
          new Completed(new AgentReport(AgentSupport.readSummary(dir), null, null, null));
      case ProcessRunner.Exited exited ->
          new Failed(
              exited.code(),
              AgentSupport.tail(
                  result.stderrTail().isBlank() ? result.outputTail() : result.stderrTail(),
                  MESSAGE_TAIL));
      case ProcessRunner.TimedOut timedOut ->
          new TimedOut(timedOut.after(), AgentSupport.tail(result.outputTail(), MESSAGE_TAIL));
      case ProcessRunner.NotStarted notStarted -> new Failed(127, notStarted.message());
    };
  }
}
