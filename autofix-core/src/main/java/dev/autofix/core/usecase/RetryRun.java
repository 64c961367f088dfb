package dev.autofix.core.usecase;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.port.WorkSignal;
import java.time.Clock;
import java.util.Objects;

/**
 * An operator's retry: the only way an issue whose run has ended runs again. On a {@code deferred}
 * run it is "run now": the run is queued at once if today's cap has room (the operator raised it,
 * say), else refused with the cap's figures.
 */
public final class RetryRun {
  private final RunStore store;
  private final RateLimiter limiter;
  private final WorkSignal signal;
  private final Clock clock;

  public RetryRun(RunStore store, RateLimiter limiter, WorkSignal signal, Clock clock) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.limiter = Objects.requireNonNull(limiter, "limiter == null");
    this.signal = Objects.requireNonNull(signal, "signal == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** Queues the run again if it has ended, or at once if it is deferred and the cap has room. */
  public Result execute(Command command) {
    FixRun run = store.find(command.runId()).orElse(null);
    if (run == null) {
      return new NotFound(command.runId());
    }
    String why;
    if (run.status() == RunStatus.DEFERRED) {
      // The permit itself is taken by the attempt when a worker claims the run, as for any run.
      RateLimiter.Usage usage = limiter.usage();
      if (usage.used() >= usage.limit()) {
        return new NoPermit(
            run.id(),
            "today's cap is used up ("
                + usage.used()
                + " of "
                + usage.limit()
                + " fix attempts on "
                + usage.day()
                + "); raise AUTOFIX_MAX_FIXES_PER_DAY, or the run starts when the next day does");
      }
      // A check, not a reservation: should another run take the last permit first, this one is
      // deferred again, with the cap's reason.
      why =
          "run now by " + command.requestedBy() + ", if today's cap still has room when it starts";
    } else if (run.status().isTerminal()) {
      why = "retried by " + command.requestedBy();
    } else {
      return new NotRetryable(run.id(), run.status());
    }
    var transition =
        new RunStore.Transition(
            run.id(),
            run.status(),
            RunStatus.QUEUED,
            clock.instant(),
            null,
            RunChange.because(why));
    return switch (store.transition(transition)) {
      case RunStore.Applied applied -> {
        signal.wake();
        yield new Requeued(applied.run());
      }
      case RunStore.Conflict conflict ->
          new NotRetryable(conflict.actual().id(), conflict.actual().status());
      case RunStore.NotFound notFound -> new NotFound(notFound.id());
    };
  }

  /**
   * A retry request.
   *
   * @param runId the run
   * @param requestedBy who asked, for the run's history
   */
  public record Command(RunId runId, String requestedBy) {
    public Command {
      Objects.requireNonNull(runId, "runId == null");
      Objects.requireNonNull(requestedBy, "requestedBy == null");
    }
  }

  /** The outcome. */
  public sealed interface Result permits Requeued, NotFound, NotRetryable, NoPermit {}

  /** The run is queued again. */
  public record Requeued(FixRun run) implements Result {}

  /** No such run. */
  public record NotFound(RunId runId) implements Result {}

  /** The run has not ended yet (queued or running). */
  public record NotRetryable(RunId runId, RunStatus status) implements Result {}

  /** A deferred run, but today's cap has no room: {@code reason} gives its figures. */
  public record NoPermit(RunId runId, String reason) implements Result {}
}
