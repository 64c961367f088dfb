package dev.autofix.store.jooq.internal;

import dev.autofix.core.model.IssueId;
import java.util.Iterator;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues known to have a run, with the run's id, so that a repeated delivery of one issue (an alert
 * rule firing thousands of times a minute) needs no insert. Only a hint: the unique key on the
 * table stays the one guarantee, and a caller must check that the run still exists.
 *
 * <p>Bounded: past {@code capacity} entries each new one evicts an arbitrary old one (a hot issue
 * comes straight back at the price of one insert attempt). Concurrent callers may overshoot the
 * bound by at most one entry each.
 */
public final class KnownIssues {
  private final int capacity;
  private final ConcurrentHashMap<IssueId, Long> runs;

  public KnownIssues(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    this.runs = new ConcurrentHashMap<>(Math.min(capacity, 1024));
  }

  /** The id of {@code issue}'s run, if it is known. */
  public OptionalLong runOf(IssueId issue) {
    Long run = runs.get(issue);
    return run == null ? OptionalLong.empty() : OptionalLong.of(run);
  }

  /** Remembers that {@code issue} has the run {@code runId}. */
  public void remember(IssueId issue, long runId) {
    Objects.requireNonNull(issue, "issue == null");
    if (runs.size() >= capacity && !runs.containsKey(issue)) {
      Iterator<IssueId> oldest = runs.keySet().iterator();
      if (oldest.hasNext()) {
        runs.remove(oldest.next());
      }
    }
    runs.put(issue, runId);
  }

  /** Forgets {@code issue} (its run is gone). */
  public void forget(IssueId issue) {
    runs.remove(issue);
  }

  /** How many issues are remembered. */
  public int size() {
    return runs.size();
  }
}
