package dev.autofix.core.port;

import dev.autofix.core.model.AgentReport;
import dev.autofix.core.model.ErrorDetails;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.Workspace;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a coding agent (Claude Code, Codex, any command) on a prepared workspace.
 *
 * <p>The agent edits files; it never commits or pushes. Whether it changed anything is decided by
 * {@link Workspaces#commit}, and whether the change works by {@link FixVerifier}: the agent's own
 * claim of success is never enough.
 */
public interface AgentRunner {

  /** The agent's name as runs record it, for example {@code claude}. */
  String name();

  /** Runs the agent to completion, timeout or failure. Throws only for a defect. */
  AgentResult run(AgentTask task);

  /**
   * Why this agent cannot start here, naming the fix (it is not logged in, say), or empty when it
   * can. Asked at start-up, by readiness, and before an attempt takes its permit: an agent that
   * could not start is never billed against the daily cap.
   */
  default Optional<String> unavailable() {
    return Optional.empty();
  }

  /**
   * The most one run of this agent may cost, when the agent enforces a budget of its own (Claude
   * Code's {@code --max-budget-usd}); the daily spend ceiling counts it for every running agent.
   */
  default Optional<BigDecimal> budgetPerRunUsd() {
    return Optional.empty();
  }

  /**
   * Everything an agent gets for one run.
   *
   * @param run the run
   * @param issue the issue to fix
   * @param details the error details (untrusted data)
   * @param workspace where to work
   * @param log the run's log, for the agent's transcript
   */
  record AgentTask(
      FixRun run, Issue issue, ErrorDetails details, Workspace workspace, RunLogs.RunLog log) {
    public AgentTask {
      Objects.requireNonNull(run, "run == null");
      Objects.requireNonNull(issue, "issue == null");
      Objects.requireNonNull(details, "details == null");
      Objects.requireNonNull(workspace, "workspace == null");
      Objects.requireNonNull(log, "log == null");
    }
  }

  /** How the agent ended. */
  sealed interface AgentResult permits Completed, TimedOut, Failed {}

  /** The agent finished normally; {@code report} is its own account. */
  record Completed(AgentReport report) implements AgentResult {
    public Completed {
      Objects.requireNonNull(report, "report == null");
    }
  }

  /** The agent ran past its wall-clock timeout and was killed with its whole process tree. */
  record TimedOut(Duration after, String outputTail) implements AgentResult {
    public TimedOut {
      Objects.requireNonNull(after, "after == null");
      outputTail = outputTail == null ? "" : outputTail;
    }
  }

  /**
   * The agent failed: a non-zero exit, or an error it reported (an API error, say). {@code costUsd}
   * is what it reported it spent before failing (Claude Code's max-turns and max-budget ends do),
   * or {@code null}: the daily spend ceiling counts it.
   */
  record Failed(int exitCode, String message, BigDecimal costUsd) implements AgentResult {
    public Failed {
      message = message == null ? "" : message;
    }

    /** A failure that reported no cost. */
    public Failed(int exitCode, String message) {
      this(exitCode, message, null);
    }
  }
}
