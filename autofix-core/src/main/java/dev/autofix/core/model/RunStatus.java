package dev.autofix.core.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where a fix run stands. The wire names ({@link #wireName()}) are the HTTP API's.
 *
 * <p>Transitions are explicit: {@link #canTransitionTo(RunStatus)} is the whole state machine, and
 * every store rejects the others.
 *
 * <pre>
 *   queued ──claim──▶ running ──▶ pr_opened | branch_pushed | no_fix | failed
 *     ▲  ▲              │  │
 *     │  └─ postponed ──┘  └──▶ deferred (over the daily cap) ──claim──▶ running
 *     └──── retry ◀── pr_opened | branch_pushed | no_fix | failed | cancelled
 *   queued | deferred | running ──cancel──▶ cancelled
 * </pre>
 */
public enum RunStatus {
  /** Waiting for a worker. */
  QUEUED,
  /** Over the daily cap: waits for the next day; not lost, not billed. */
  DEFERRED,
  /** Claimed by a worker that holds its lease. */
  RUNNING,
  /** Finished with a draft pull request. */
  PR_OPENED,
  /**
   * Finished with the verified branch pushed and no pull request opened: the branch publishing mode
   * ({@code AUTOFIX_PUBLISH=branch}).
   */
  BRANCH_PUSHED,
  /** Finished without a pull request: no change, or the change failed verification. */
  NO_FIX,
  /** Finished by an error: the agent failed or timed out, publishing was rejected, or a defect. */
  FAILED,
  /** Cancelled by an operator. */
  CANCELLED;

  private static final Set<RunStatus> TERMINAL =
      EnumSet.of(PR_OPENED, BRANCH_PUSHED, NO_FIX, FAILED, CANCELLED);

  /** The name used by the HTTP API and the database, for example {@code pr_opened}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name.
   *
   * @throws IllegalArgumentException for an unknown status
   */
  public static RunStatus fromWire(String value) {
    for (RunStatus status : values()) {
      if (status.wireName().equals(value)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "unknown run status: "
            + value
            + " (expected one of queued, deferred, running, pr_opened, branch_pushed,"
            + " no_fix, failed, cancelled)");
  }

  /** Whether the run has ended; only a retry moves it again. */
  public boolean isTerminal() {
    return TERMINAL.contains(this);
  }

  /** Whether a worker may claim a run in this status (when its retry time has come). */
  public boolean isRunnable() {
    return this == QUEUED || this == DEFERRED;
  }

  /** Whether the state machine allows going from this status to {@code target}. */
  public boolean canTransitionTo(RunStatus target) {
    return switch (this) {
      case QUEUED -> target == RUNNING || target == CANCELLED;
      // an operator's "run now", when the daily cap has room again
      case DEFERRED -> target == RUNNING || target == CANCELLED || target == QUEUED;
      case RUNNING ->
          target == QUEUED
              || target == DEFERRED
              || target == PR_OPENED
              || target == BRANCH_PUSHED
              || target == NO_FIX
              || target == FAILED
              || target == CANCELLED;
      case PR_OPENED, BRANCH_PUSHED, NO_FIX, FAILED, CANCELLED -> target == QUEUED;
    };
  }
}
