package dev.autofix.core.usecase;

import dev.autofix.core.model.Issue;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.port.WorkSignal;
import java.time.Clock;
import java.util.Objects;

/**
 * Records an issue that may be new: the one path into the queue. A webhook's parsed delivery and
 * the poller that backs it up both come here, so a delivery and a poll racing on one issue still
 * give one run; only the call that creates the run wakes the workers.
 *
 * <p>The webhook path reads as one chain: HTTP, then the issue source parses the delivery ({@link
 * dev.autofix.core.port.IssueSource#receive}), then this, then the store. Its answer is the store's
 * own: {@link RunStore.Inserted} (durable before it returns, so a {@code 2xx} is never lost),
 * {@link RunStore.AlreadyExists}, or {@link RunStore.Unavailable}.
 */
public final class RecordIssue {
  private final RunStore store;
  private final WorkSignal signal;
  private final Clock clock;

  public RecordIssue(RunStore store, WorkSignal signal, Clock clock) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.signal = Objects.requireNonNull(signal, "signal == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** Inserts the issue's run unless it has one; throws only for a defect. */
  public RunStore.InsertResult execute(Issue issue) {
    Objects.requireNonNull(issue, "issue == null");
    RunStore.InsertResult result = store.insertIfAbsent(issue, clock.instant());
    if (result instanceof RunStore.Inserted) {
      signal.wake();
    }
    return result;
  }
}
