package dev.autofix.core.port;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunEvent;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Durable fix runs: the de-duplication guarantee and the work queue.
 *
 * <p>The unique key on {@link IssueId} is the guarantee that an issue gets one run, ever. Every
 * change of status is guarded by the status the caller expects (and, for a running run, by the
 * lease owner), and is appended to the run's history. Implementations apply the domain rules of
 * {@link FixRun#claimed} and {@link FixRun#transitioned}.
 */
public interface RunStore {

  /**
   * Records a {@code queued} run for {@code issue} unless its issue already has one, as one atomic
   * step. Only the call that created the row gets {@link Inserted}.
   */
  InsertResult insertIfAbsent(Issue issue, Instant now);

  /**
   * Claims the oldest runnable run ({@code queued} or {@code deferred}, whose {@code notBefore} has
   * passed): it becomes {@code running} with the claim's lease and one more attempt. Empty when
   * nothing is runnable, or when {@link Claim#maxRunning()} runs are already {@code running}
   * (across every process that shares the store).
   */
  Optional<FixRun> claimNext(Claim claim);

  /** Moves a run from {@link Transition#from()} to {@link Transition#to()}, or says why not. */
  TransitionResult transition(Transition transition);

  /** Extends the lease of a running run held by {@code owner}; false if it no longer holds it. */
  boolean renewLease(RunId id, String owner, Instant until, Instant now);

  /**
   * Recovers runs whose lease expired before {@code now} (their worker died): back to {@code
   * queued}, or to {@code failed} once they have had {@code maxAttempts} attempts. Each run is
   * recovered by one caller only.
   *
   * @return the recovered runs, in their new status
   */
  List<FixRun> recoverExpired(Instant now, int maxAttempts);

  /** The run with this id. */
  Optional<FixRun> find(RunId id);

  /** The run of this issue. */
  Optional<FixRun> findByIssue(IssueId issueId);

  /** Runs, newest first. */
  List<FixRun> list(RunQuery query);

  /** A run's history, oldest first; empty for an unknown run. */
  List<RunEvent> history(RunId id);

  /** How many runs are in each status (every status is a key). */
  Map<RunStatus, Long> countByStatus();

  /**
   * What the agent attempts that ended at or after {@code from} cost, summed over every attempt (a
   * retried run counts each of its attempts; an attempt of unknown cost counts nothing): the figure
   * of the status page's "spent today" and of {@code autofix_agent_cost_usd_total}.
   */
  BigDecimal attemptCostSince(Instant from);

  /**
   * What each of {@code runs}' agent attempts cost together (the list's cost column); a run none of
   * whose attempts reported a cost is absent. One query for a page of runs.
   */
  Map<RunId, BigDecimal> attemptCosts(List<RunId> runs);

  /** The outcome of {@link #insertIfAbsent}. */
  sealed interface InsertResult permits Inserted, AlreadyExists, Unavailable {}

  /** This call created the run. */
  record Inserted(FixRun run) implements InsertResult {
    public Inserted {
      Objects.requireNonNull(run, "run == null");
    }
  }

  /**
   * The issue already has a run; nothing was written. The status is informational: a store may
   * answer a storm of repeats from memory, so it can lag a change made elsewhere by a moment.
   */
  record AlreadyExists(RunId id, RunStatus status) implements InsertResult {
    public AlreadyExists {
      Objects.requireNonNull(id, "id == null");
      Objects.requireNonNull(status, "status == null");
    }
  }

  /** The store could not record the run durably (database down); nothing was written. */
  record Unavailable(String reason) implements InsertResult {
    public Unavailable {
      Objects.requireNonNull(reason, "reason == null");
    }
  }

  /**
   * A worker's request for work.
   *
   * @param owner the worker's id, recorded as the lease owner
   * @param now the current time
   * @param lease how long the lease lasts before the run counts as abandoned
   * @param maxRunning the global cap on running runs
   */
  record Claim(String owner, Instant now, Duration lease, int maxRunning) {
    public Claim {
      Objects.requireNonNull(owner, "owner == null");
      Objects.requireNonNull(now, "now == null");
      Objects.requireNonNull(lease, "lease == null");
      if (owner.isBlank()) {
        throw new IllegalArgumentException("owner is blank");
      }
      if (lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("lease must be positive: " + lease);
      }
      if (maxRunning < 1) {
        throw new IllegalArgumentException("maxRunning must be at least 1: " + maxRunning);
      }
    }
  }

  /**
   * A guarded change of status.
   *
   * @param id the run
   * @param from the status the caller expects the run to be in
   * @param to the new status; the state machine must allow {@code from -> to}
   * @param at when it happens
   * @param leaseOwner when not {@code null}, the run must also be leased by this owner
   * @param change what else to record
   */
  record Transition(
      RunId id, RunStatus from, RunStatus to, Instant at, String leaseOwner, RunChange change) {
    public Transition {
      Objects.requireNonNull(id, "id == null");
      Objects.requireNonNull(from, "from == null");
      Objects.requireNonNull(to, "to == null");
      Objects.requireNonNull(at, "at == null");
      Objects.requireNonNull(change, "change == null");
      if (!from.canTransitionTo(to)) {
        throw new IllegalArgumentException(
            "illegal transition " + from.wireName() + " -> " + to.wireName());
      }
    }
  }

  /** The outcome of {@link #transition}. */
  sealed interface TransitionResult permits Applied, Conflict, NotFound {}

  /** The run moved; here it is as it is now. */
  record Applied(FixRun run) implements TransitionResult {}

  /** The run was not in the expected status (or not leased by the expected owner). */
  record Conflict(FixRun actual) implements TransitionResult {}

  /** No run has this id. */
  record NotFound(RunId id) implements TransitionResult {}

  /**
   * A page of runs, newest first.
   *
   * @param status only runs in this status, or {@code null} for all
   * @param before only runs with an id below this one (the last id of the previous page), or {@code
   *     null} for the first page
   * @param limit at most this many runs, 1 to 500
   * @param project only runs of issues of this project (exactly), or {@code null} for all
   * @param shortId only runs whose issue's short id contains this, case aside (a search: {@code 4z}
   *     finds {@code BACKEND-4Z}), or {@code null} for all
   */
  record RunQuery(RunStatus status, RunId before, int limit, String project, String shortId) {
    public static final int MAX_LIMIT = 500;

    /** The most characters a filter may have: more than a project slug or a short id has. */
    public static final int MAX_FILTER = 200;

    public RunQuery {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ": " + limit);
      }
      project = project == null || project.isBlank() ? null : project.strip();
      shortId = shortId == null || shortId.isBlank() ? null : shortId.strip();
      for (String filter : new String[] {project, shortId}) {
        if (filter != null && filter.length() > MAX_FILTER) {
          throw new IllegalArgumentException("a filter is at most " + MAX_FILTER + " characters");
        }
      }
    }

    /** Runs of any project and short id. */
    public RunQuery(RunStatus status, RunId before, int limit) {
      this(status, before, limit, null, null);
    }

    /** The first page of all runs. */
    public static RunQuery firstPage(int limit) {
      return new RunQuery(null, null, limit);
    }
  }
}
