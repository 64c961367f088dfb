package dev.autofix.core.model;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One fix attempt for one issue: the unit of work, and the only one an issue ever gets.
 *
 * @param id the run's id
 * @param issue the issue being fixed
 * @param status where the run stands
 * @param attempts how many times a worker took the run (deferrals and clean shutdowns excluded;
 *     reset by a retry)
 * @param createdAt when the run was recorded
 * @param updatedAt when the run last changed
 * @param startedAt when the current or last attempt started, or {@code null}
 * @param finishedAt when the run ended, or {@code null} while it has not
 * @param notBefore the earliest time a worker may claim the run, or {@code null} for now
 * @param leaseOwner the worker that holds the run while it is {@code running}, or {@code null}
 * @param leaseUntil when that worker's lease expires, or {@code null}
 * @param agent the agent that ran, or {@code null}
 * @param branch the fix branch, or {@code null}
 * @param pullRequestUrl the draft pull request, or {@code null}
 * @param summary the agent's summary of its fix, or {@code null}
 * @param costUsd what the agent reported it cost, or {@code null}
 * @param reason why the run is in its status (the error text for a failure), or {@code null}
 * @param verifiedFix the verified commit a later attempt publishes without running the agent again,
 *     while the host is unavailable; {@code null} otherwise
 */
public record FixRun(
    RunId id,
    Issue issue,
    RunStatus status,
    int attempts,
    Instant createdAt,
    Instant updatedAt,
    Instant startedAt,
    Instant finishedAt,
    Instant notBefore,
    String leaseOwner,
    Instant leaseUntil,
    String agent,
    String branch,
    URI pullRequestUrl,
    String summary,
    BigDecimal costUsd,
    String reason,
    VerifiedFix verifiedFix) {
  public FixRun {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(issue, "issue == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(createdAt, "createdAt == null");
    Objects.requireNonNull(updatedAt, "updatedAt == null");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts < 0: " + attempts);
    }
    if (status == RunStatus.RUNNING && (leaseOwner == null || leaseUntil == null)) {
      throw new IllegalArgumentException("a running run needs a lease owner and expiry");
    }
  }

  /** The reason of a new run whose issue's text was replaced ({@link Issue#textReplaced}). */
  public static final String NEW_ISSUE_TEXT_REPLACED = "new issue; its " + Texts.REPLACED;

  /**
   * What a new run of {@code issue} records as its reason and in its first history entry: {@code
   * null} (the stores write "new issue"), or {@link #NEW_ISSUE_TEXT_REPLACED}.
   */
  public static String queuedReason(Issue issue) {
    return issue.textReplaced() ? NEW_ISSUE_TEXT_REPLACED : null;
  }

  /**
   * A new run for {@code issue}, {@code queued} at {@code now}; its reason says when the issue's
   * text had to be replaced, and it keeps the issue {@linkplain Issue#unmarked() unmarked}.
   */
  public static FixRun queued(RunId id, Issue issue, Instant now) {
    return new FixRun(
        id,
        issue.unmarked(),
        RunStatus.QUEUED,
        0,
        now,
        now,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        queuedReason(issue),
        null);
  }

  /** Whether a worker may claim this run at {@code now}. */
  public boolean isClaimableAt(Instant now) {
    return status.isRunnable() && (notBefore == null || !notBefore.isAfter(now));
  }

  /** Whether this run is {@code running} with a lease that expired before {@code now}. */
  public boolean leaseExpiredAt(Instant now) {
    return status == RunStatus.RUNNING && leaseUntil.isBefore(now);
  }

  /** This run claimed by {@code owner} at {@code now}, with its lease and the attempt counted. */
  public FixRun claimed(String owner, Instant now, Duration lease) {
    Objects.requireNonNull(owner, "owner == null");
    if (!status.canTransitionTo(RunStatus.RUNNING)) {
      throw new IllegalStateException("run " + id + " is " + status.wireName() + ", not runnable");
    }
    return new FixRun(
        id,
        issue,
        RunStatus.RUNNING,
        attempts + 1,
        createdAt,
        now,
        now,
        null,
        null,
        owner,
        now.plus(lease),
        agent,
        branch,
        pullRequestUrl,
        summary,
        costUsd,
        null,
        verifiedFix);
  }

  /** This run with its lease extended to {@code until}. */
  public FixRun leaseRenewed(Instant until, Instant now) {
    return new FixRun(
        id,
        issue,
        status,
        attempts,
        createdAt,
        now,
        startedAt,
        finishedAt,
        notBefore,
        leaseOwner,
        until,
        agent,
        branch,
        pullRequestUrl,
        summary,
        costUsd,
        reason,
        verifiedFix);
  }

  /**
   * This run moved to {@code target} at {@code now}: the domain's rules for what a transition
   * records, shared by every store.
   *
   * @throws IllegalArgumentException when the state machine does not allow the transition
   */
  public FixRun transitioned(RunStatus target, RunChange change, Instant now) {
    Objects.requireNonNull(target, "target == null");
    Objects.requireNonNull(change, "change == null");
    if (!status.canTransitionTo(target)) {
      throw new IllegalArgumentException(
          "illegal transition " + status.wireName() + " -> " + target.wireName());
    }
    int newAttempts = attempts;
    if (status.isTerminal() && target == RunStatus.QUEUED) {
      newAttempts = 0; // a retry starts a fresh budget of attempts
    } else if (change.refundAttempt() && attempts > 0) {
      newAttempts = attempts - 1;
    }
    boolean keepsLease = target == RunStatus.RUNNING;
    // A verified fix waits to be published only while the run has not ended; a retry of an ended
    // run starts over from the agent.
    VerifiedFix fix =
        target.isTerminal() || status.isTerminal()
            ? null
            : change.verifiedFix() != null ? change.verifiedFix() : verifiedFix;
    return new FixRun(
        id,
        issue,
        target,
        newAttempts,
        createdAt,
        now,
        startedAt,
        target.isTerminal() ? now : null,
        change.notBefore(),
        keepsLease ? leaseOwner : null,
        keepsLease ? leaseUntil : null,
        change.agent() != null ? change.agent() : agent,
        // a verified fix waiting to be published names its branch
        change.verifiedFix() != null
            ? change.verifiedFix().patch().branch()
            : change.branch() != null ? change.branch() : branch,
        change.pullRequestUrl() != null ? change.pullRequestUrl() : pullRequestUrl,
        change.summary() != null ? change.summary() : summary,
        change.costUsd() != null ? change.costUsd() : costUsd,
        change.reason(),
        fix);
  }
}
