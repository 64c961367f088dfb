package dev.autofix.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a run's append-only history.
 *
 * @param runId the run
 * @param from the status before, or {@code null} for the run's creation
 * @param to the status after
 * @param at when it happened
 * @param reason why, or {@code null}
 * @param cost what the agent attempt this transition ended cost, or {@code null} when no agent ran
 *     in it
 */
public record RunEvent(
    RunId runId, RunStatus from, RunStatus to, Instant at, String reason, AttemptCost cost) {
  /** An entry no agent attempt ended in. */
  public RunEvent(RunId runId, RunStatus from, RunStatus to, Instant at, String reason) {
    this(runId, from, to, at, reason, null);
  }

  public RunEvent {
    Objects.requireNonNull(runId, "runId == null");
    Objects.requireNonNull(to, "to == null");
    Objects.requireNonNull(at, "at == null");
  }
}
