package dev.autofix.core.usecase;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.port.WorkSignal;
import java.time.Clock;
import java.util.Objects;

/** An operator's retry: the only way an issue whose run has ended runs again. */
public final class RetryRun {
  private final RunStore store;
  private final WorkSignal signal;
  private final Clock clock;

  public RetryRun(RunStore store, WorkSignal signal, Clock clock) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.signal = Objects.requireNonNull(signal, "signal == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** Queues the run again if it has ended. */
  public Result execute(Command command) {
    FixRun run = store.find(command.runId()).orElse(null);
    if (run == null) {
      return new NotFound(command.runId());
    }
    if (!run.status().isTerminal()) {
      return new NotRetryable(run.id(), run.status());
    }
    var transition =
        new RunStore.Transition(
            run.id(),
            run.status(),
            RunStatus.QUEUED,
            clock.instant(),
            null,
            RunChange.because("retried by " + command.requestedBy()));
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
  public sealed interface Result permits Requeued, NotFound, NotRetryable {}

  /** The run is queued again. */
  public record Requeued(FixRun run) implements Result {}

  /** No such run. */
  public record NotFound(RunId runId) implements Result {}

  /** The run has not ended yet (queued, deferred or running). */
  public record NotRetryable(RunId runId, RunStatus status) implements Result {}
}
