package dev.autofix.agents;

import dev.autofix.agents.internal.CodexEvents;
import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.core.model.AgentReport;
import dev.autofix.core.port.AgentRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AgentRunner} for Codex: {@code codex exec --json --sandbox workspace-write -C <worktree>
 * -o <last message> --skip-git-repo-check -} with the prompt on stdin, {@code CODEX_HOME} in the
 * data directory, and the shell's environment filtered of keys, tokens and secrets.
 *
 * <p>Codex exits 0 even when its patch was rejected or nothing changed, and 1 after a {@code
 * turn.failed}: the run is {@link Completed} when it exited 0 with a completed turn and no failed
 * one, {@link Failed} otherwise; the diff is judged by {@code Workspaces.commit}. Codex cannot
 * write {@code .git} in its sandbox, which suits autofix: it commits itself.
 */
final class CodexAgentRunner implements AgentRunner {
  /** Keeps keys, tokens and secrets out of the shell the model's commands run in. */
  static final String SHELL_POLICY = "shell_environment_policy.ignore_default_excludes=false";

  private static final Logger LOG = LoggerFactory.getLogger(CodexAgentRunner.class);
  private static final int MESSAGE_TAIL = 2_000;

  private final AgentSupport support;

  private CodexAgentRunner(AgentSupport support) {
    this.support = support;
  }

  /**
   * A runner for {@code config.codex()}.
   *
   * @param environment the user's environment (for example {@code CODEX_API_KEY}); autofix's
   *     secrets are removed from it
   */
  public static AgentRunner create(AgentsConfig config, Map<String, String> environment) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(environment, "environment == null");
    if (config.codexHome().startsWith(Path.of("/tmp"))) {
      // Codex then skips its helper aliases, and with a system bubblewrap every sandboxed
      // command fails (harness/codex/NOTES.md, pitfall 3).
      LOG.warn("CODEX_HOME {} is under /tmp; Codex's sandbox may fail there", config.codexHome());
    }
    return new CodexAgentRunner(new AgentSupport(config, environment));
  }

  @Override
  public String name() {
    return "codex";
  }

  /** The argv; {@code -} makes codex read the prompt from stdin. */
  static List<String> command(AgentsConfig.CodexOptions options, Path worktree, Path lastMessage) {
    List<String> argv = new ArrayList<>();
    argv.add(options.binary());
    argv.add("exec");
    argv.add("--json");
    argv.addAll(List.of("--sandbox", options.sandbox()));
    argv.add("--skip-git-repo-check");
    argv.add("--ephemeral");
    argv.addAll(List.of("-C", worktree.toString()));
    argv.addAll(List.of("-o", lastMessage.toString()));
    if (options.model() != null) {
      argv.addAll(List.of("-m", options.model()));
    }
    argv.addAll(List.of("-c", SHELL_POLICY));
    for (String override : options.configOverrides()) {
      argv.addAll(List.of("-c", override));
    }
    argv.add("-");
    return argv;
  }

  @Override
  public AgentResult run(AgentTask task) {
    String prompt = support.prepare(task);
    Path dir = task.workspace().directory();
    AgentsConfig config = support.config();
    Path home = config.codexHome();
    // The -o file is only written on success: a stale one must not pass for this run's answer.
    Path lastMessage = support.runDirectory(task).resolve("codex-last-message.txt");
    try {
      Files.createDirectories(home);
      Files.deleteIfExists(lastMessage);
    } catch (IOException e) {
      throw new WorkspaceException("cannot prepare CODEX_HOME " + home, e);
    }
    CodexEvents events = new CodexEvents();
    ProcessRunner.Result result =
        support
            .runner()
            .run(
                new ProcessRunner.Spec(
                    "codex",
                    command(config.codex(), dir, lastMessage),
                    dir,
                    support.environment(dir, Map.of("CODEX_HOME", home.toString())),
                    prompt,
                    config.agentTimeout(),
                    events::accept),
                task.log());
    task.log()
        .append(
            "codex: "
                + events.turnsCompleted()
                + " turns completed, tokens in/out "
                + events.inputTokens()
                + "/"
                + events.outputTokens()
                + (events.failure() != null ? ", turn failed: " + events.failure() : ""));
    String summary = AgentSupport.readSummary(dir);
    if (summary == null) {
      summary = AgentSupport.readCapped(lastMessage);
    }
    return decide(result, events, summary);
  }

  /** The outcome from the process's end, the events and the summary (or {@code null}). */
  static AgentResult decide(ProcessRunner.Result process, CodexEvents events, String summary) {
    return switch (process.outcome()) {
      case ProcessRunner.TimedOut timedOut ->
          new TimedOut(timedOut.after(), AgentSupport.tail(process.outputTail(), MESSAGE_TAIL));
      case ProcessRunner.NotStarted notStarted -> new Failed(127, notStarted.message());
      case ProcessRunner.Exited exited -> {
        if (events.failure() != null) {
          yield new Failed(exited.code() == 0 ? 1 : exited.code(), events.failure());
        }
        if (exited.code() != 0) {
          String why =
              events.lastError() != null
                  ? events.lastError()
                  : AgentSupport.tail(process.stderrTail(), MESSAGE_TAIL);
          yield new Failed(exited.code(), why);
        }
        if (events.turnsCompleted() == 0) {
          yield new Failed(1, "codex exited 0 without completing a turn");
        }
        String text = summary != null ? summary : events.lastMessage();
        yield new Completed(
            new AgentReport(text, null, events.turnsCompleted(), events.threadId()));
      }
    };
  }
}
