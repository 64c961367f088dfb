package dev.autofix.store.jooq.internal;

import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.RunStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * Issues known to have a run, with the run's id and its status as last seen, so that a repeated
 * delivery of one issue (an alert rule firing thousands of times a minute) needs no insert, and
 * within {@code trustFor} of the last look not even a read. Only a hint: the unique key on the
 * table stays the one guarantee, and past {@code trustFor} a caller checks that the run still
 * exists and what its status is.
 *
 * <p>Bounded: past {@code capacity} entries each new one evicts the oldest (first remembered); a
 * hot issue that was evicted comes straight back at the price of one insert attempt. Concurrent
 * callers may overshoot the bound by at most one entry each, for a moment.
 */
public final class KnownIssues {
  /** An issue's run as last seen, {@code seenAt} on the {@code nanoTime} clock. */
  public record Known(long runId, RunStatus status, long seenAt) {}

  private final int capacity;
  private final long trustForNanos;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<IssueId, Known> runs;
  // the remembered issues, oldest first (may still name issues forgotten since)
  private final ConcurrentLinkedQueue<IssueId> order = new ConcurrentLinkedQueue<>();

  /**
   * @param capacity how many issues to remember at most
   * @param trustFor how long a remembered status is answered without reading it again; zero reads
   *     it on every repeat
   * @param nanoTime the monotonic clock ({@code System::nanoTime} outside tests)
   */
  public KnownIssues(int capacity, Duration trustFor, LongSupplier nanoTime) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    if (trustFor.isNegative()) {
      throw new IllegalArgumentException("trustFor must not be negative: " + trustFor);
    }
    this.capacity = capacity;
    this.trustForNanos = trustFor.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime == null");
    this.runs = new ConcurrentHashMap<>(Math.min(capacity, 1024));
  }

  /** What is remembered of {@code issue}'s run, however old. */
  public Optional<Known> runOf(IssueId issue) {
    return Optional.ofNullable(runs.get(issue));
  }

  /** {@code issue}'s run, if it was seen less than {@code trustFor} ago. */
  public Optional<Known> recent(IssueId issue) {
    Known known = runs.get(issue);
    if (known == null || nanoTime.getAsLong() - known.seenAt() >= trustForNanos) {
      return Optional.empty();
    }
    return Optional.of(known);
  }

  /** Remembers that {@code issue} has the run {@code runId}, seen now with {@code status}. */
  public void remember(IssueId issue, long runId, RunStatus status) {
    Objects.requireNonNull(issue, "issue == null");
    Objects.requireNonNull(status, "status == null");
    if (runs.put(issue, new Known(runId, status, nanoTime.getAsLong())) == null) {
      order.add(issue);
      // evicting by order is O(1); walking the map for "some" key slowed as its front emptied
      while (runs.size() > capacity) {
        IssueId oldest = order.poll();
        if (oldest == null) {
          break;
        }
        runs.remove(oldest);
      }
    }
  }

  /** The time on this cache's clock, to pass to {@link #read} as the start of a read. */
  public long now() {
    return nanoTime.getAsLong();
  }

  /**
   * Remembers {@code status}, read from the database in a read that started at {@code
   * readStartedAt} ({@link #now()}), unless what is remembered was seen after that start (a change
   * this store made meanwhile is newer than the read).
   */
  public void read(IssueId issue, long runId, RunStatus status, long readStartedAt) {
    Objects.requireNonNull(status, "status == null");
    if (!runs.containsKey(issue)) {
      remember(issue, runId, status);
      return;
    }
    long now = nanoTime.getAsLong();
    runs.computeIfPresent(
        issue,
        (key, known) ->
            known.runId() == runId && known.seenAt() > readStartedAt
                ? known
                : new Known(runId, status, now));
  }

  /**
   * Records that {@code issue}'s run {@code runId} moved to {@code status}, if the issue is
   * remembered (a run this store moved: the answer to the next repeat is then current).
   */
  public void moved(IssueId issue, long runId, RunStatus status) {
    long now = nanoTime.getAsLong();
    runs.computeIfPresent(
        issue, (key, known) -> known.runId() == runId ? new Known(runId, status, now) : known);
  }

  /** Forgets {@code issue} (its run is gone). */
  public void forget(IssueId issue) {
    runs.remove(issue);
    order.remove(issue); // rare: a run that is gone
  }

  /** How many issues are remembered. */
  public int size() {
    return runs.size();
  }
}
