package dev.autofix.core.usecase;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import java.util.Objects;
import java.util.Optional;

/**
 * A run follows its issue's life in the source. Resolved, ignored or archived while the run has not
 * ended: the run is cancelled, with the reason "resolved in Sentry" (a queued or deferred run never
 * starts its agent; a running one's worker loses its lease at its next heartbeat, which stops the
 * agent, and it publishes nothing). After the run ended nothing is touched. Unresolved again after
 * the run was cancelled that way: it is queued again; after any other end, nothing happens (a
 * person retries it).
 */
public final class FollowIssue {
  /** The reasons this records, which an unresolve looks for. */
  static final String RESOLVED = "resolved in ";

  static final String IGNORED = "ignored or archived in ";

  private final RunStore store;
  private final CancelRun cancel;
  private final RetryRun retry;

  public FollowIssue(RunStore store, CancelRun cancel, RetryRun retry) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.cancel = Objects.requireNonNull(cancel, "cancel == null");
    this.retry = Objects.requireNonNull(retry, "retry == null");
  }

  /** What following the change came to. */
  public sealed interface Result permits Cancelled, Requeued, Unchanged {}

  /** The run was cancelled: its issue needs no fix now. */
  public record Cancelled(FixRun run) implements Result {}

  /** The run was queued again: its issue came back after it had been cancelled for it. */
  public record Requeued(FixRun run) implements Result {}

  /** Nothing changed, and why (no run, the run ended, ...). */
  public record Unchanged(String reason, Optional<FixRun> run) implements Result {}

  /** Follows {@code changed}; throws only for a defect. */
  public Result execute(IssueSource.Changed changed, String source) {
    Optional<FixRun> found = store.findByIssue(changed.issue());
    if (found.isEmpty()) {
      return new Unchanged("autofix has no run for issue " + changed.issue().value(), found);
    }
    FixRun run = found.get();
    return switch (changed.change()) {
      case RESOLVED, IGNORED -> {
        if (run.status().isTerminal()) {
          yield new Unchanged("run " + run.id() + " has ended: " + run.status().wireName(), found);
        }
        String by = (changed.change() == IssueSource.Change.RESOLVED ? RESOLVED : IGNORED) + source;
        yield switch (cancel.execute(new CancelRun.Command(run.id(), source, by))) {
          case CancelRun.Cancelled cancelled -> new Cancelled(cancelled.run());
          case CancelRun.AlreadyEnded ended ->
              new Unchanged("run " + run.id() + " has ended: " + ended.status().wireName(), found);
          case CancelRun.NotFound notFound -> new Unchanged("no run " + run.id(), Optional.empty());
        };
      }
      case UNRESOLVED -> {
        boolean cancelledForIt =
            run.status() == RunStatus.CANCELLED
                && run.reason() != null
                && (run.reason().contains(RESOLVED + source)
                    || run.reason().contains(IGNORED + source));
        if (!cancelledForIt) {
          yield new Unchanged(
              "run "
                  + run.id()
                  + " is "
                  + run.status().wireName()
                  + "; only a run cancelled because its issue was resolved is queued again",
              found);
        }
        yield switch (retry.execute(
            new RetryRun.Command(run.id(), "its issue, unresolved in " + source))) {
          case RetryRun.Requeued requeued -> new Requeued(requeued.run());
          case RetryRun.NoPermit noPermit ->
              new Unchanged("run " + run.id() + " stays: " + noPermit.reason(), found);
          case RetryRun.NotRetryable notRetryable ->
              new Unchanged("run " + run.id() + " is " + notRetryable.status().wireName(), found);
          case RetryRun.NotFound notFound -> new Unchanged("no run " + run.id(), Optional.empty());
        };
      }
    };
  }
}
