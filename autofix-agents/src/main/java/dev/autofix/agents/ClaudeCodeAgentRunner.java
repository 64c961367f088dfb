package dev.autofix.agents;

import dev.autofix.agents.internal.AgentFiles;
import dev.autofix.agents.internal.ClaudeStream;
import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.core.model.AgentReport;
import dev.autofix.core.port.AgentRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link AgentRunner} for Claude Code: {@code claude -p} in the worktree with the prompt on stdin,
 * {@code --output-format stream-json --verbose} (the transcript streams into the run's log), {@code
 * --permission-mode acceptEdits} plus the configured {@code --allowedTools}, {@code --max-turns},
 * {@code --max-budget-usd} and {@code --append-system-prompt}.
 *
 * <p>Success is read from the final {@code result} line: exit 0, {@code is_error} false and {@code
 * terminal_reason} {@code completed}. Never from the exit code or {@code subtype} alone, since API
 * errors print {@code subtype: success}. {@code CLAUDE_CODE_MAX_RETRIES} and {@code API_TIMEOUT_MS}
 * are set so a bad key fails in seconds rather than after ten retries.
 */
final class ClaudeCodeAgentRunner implements AgentRunner {
  static final String DEFAULT_SYSTEM_PROMPT =
      "You run unattended inside autofix, on a git worktree made for this fix. Never commit,"
          + " push or switch branches: autofix commits your changes itself. Before you finish,"
          + " write your summary (root cause, fix, how you verified it) to "
          + AgentFiles.SUMMARY
          + ".";
  private static final int MESSAGE_TAIL = 2_000;

  private final AgentSupport support;

  private ClaudeCodeAgentRunner(AgentSupport support) {
    this.support = support;
  }

  /**
   * A runner for {@code config.claude()}.
   *
   * @param environment the user's environment (their Claude login or {@code ANTHROPIC_API_KEY});
   *     autofix's secrets are removed from it
   */
  public static AgentRunner create(AgentsConfig config, Map<String, String> environment) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(environment, "environment == null");
    return new ClaudeCodeAgentRunner(new AgentSupport(config, environment));
  }

  @Override
  public String name() {
    return "claude";
  }

  /** The argv, without the prompt (it goes on stdin). */
  static List<String> command(AgentsConfig.ClaudeOptions options) {
    List<String> argv = new ArrayList<>();
    argv.add(options.binary());
    argv.add("-p");
    argv.addAll(List.of("--output-format", "stream-json", "--verbose"));
    argv.addAll(List.of("--permission-mode", "acceptEdits"));
    argv.addAll(List.of("--max-turns", Integer.toString(options.maxTurns())));
    argv.addAll(List.of("--max-budget-usd", options.maxBudgetUsd().toPlainString()));
    argv.add("--append-system-prompt");
    argv.add(
        options.appendSystemPrompt() != null
            ? options.appendSystemPrompt()
            : DEFAULT_SYSTEM_PROMPT);
    argv.add("--no-session-persistence");
    if (options.model() != null) {
      argv.addAll(List.of("--model", options.model()));
    }
    if (!options.allowedTools().isEmpty()) {
      // Last, because the option takes every following argument as one more tool.
      argv.add("--allowedTools");
      argv.addAll(options.allowedTools());
    }
    return argv;
  }

  /** The variables autofix sets on top of the user's environment. */
  static Map<String, String> environment(AgentsConfig.ClaudeOptions options) {
    return Map.of(
        "CLAUDE_CODE_MAX_RETRIES", Integer.toString(options.maxRetries()),
        "API_TIMEOUT_MS", Long.toString(options.apiTimeout().toMillis()),
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
  }

  @Override
  public AgentResult run(AgentTask task) {
    String prompt = support.prepare(task);
    Path dir = task.workspace().directory();
    AgentsConfig.ClaudeOptions options = support.config().claude();
    ClaudeStream stream = new ClaudeStream();
    ProcessRunner.Result result =
        support
            .runner()
            .run(
                new ProcessRunner.Spec(
                    "claude",
                    command(options),
                    dir,
                    support.environment(dir, environment(options)),
                    prompt,
                    support.config().agentTimeout(),
                    stream::accept),
                task.log());
    ClaudeStream.Result line = stream.result();
    if (line != null) {
      task.log()
          .append(
              "claude: "
                  + (line.succeeded() ? "completed" : line.describeFailure())
                  + ", turns "
                  + line.turns()
                  + ", cost $"
                  + line.costUsd()
                  + (line.permissionDenials() > 0
                      ? ", " + line.permissionDenials() + " tool uses refused"
                      : ""));
    }
    return decide(result, line, AgentSupport.readSummary(dir));
  }

  /** The outcome from the process's end, the result line (or {@code null}) and the summary. */
  static AgentResult decide(
      ProcessRunner.Result process, ClaudeStream.Result line, String summaryFile) {
    return switch (process.outcome()) {
      case ProcessRunner.TimedOut timedOut ->
          new TimedOut(timedOut.after(), AgentSupport.tail(process.outputTail(), MESSAGE_TAIL));
      case ProcessRunner.NotStarted notStarted -> new Failed(127, notStarted.message());
      case ProcessRunner.Exited exited -> {
        if (line == null) {
          String why =
              process.stderrTail().isBlank()
                  ? "claude printed no result line"
                  : AgentSupport.tail(process.stderrTail(), MESSAGE_TAIL);
          yield new Failed(exited.code() == 0 ? 1 : exited.code(), why);
        }
        if (exited.code() == 0 && line.succeeded()) {
          yield new Completed(
              new AgentReport(
                  summaryFile != null ? summaryFile : blankToNull(line.text()),
                  line.costUsd(),
                  line.turns(),
                  line.sessionId()));
        }
        yield new Failed(
            exited.code() == 0 ? 1 : exited.code(),
            AgentSupport.tail(line.describeFailure(), MESSAGE_TAIL));
      }
    };
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }
}
