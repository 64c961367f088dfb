package dev.autofix.core.usecase;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import java.time.Clock;
import java.util.Objects;

/**
 * An operator's cancel of a run that has not ended. A running run's worker finds the run cancelled
 * when it tries to record its result, and records nothing.
 */
public final class CancelRun {
  private final RunStore store;
  private final Clock clock;

  public CancelRun(RunStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** Cancels the run if it has not ended. */
  public Result execute(Command command) {
    FixRun run = store.find(command.runId()).orElse(null);
    if (run == null) {
      return new NotFound(command.runId());
    }
    if (run.status().isTerminal()) {
      return new AlreadyEnded(run.id(), run.status());
    }
    var transition =
        new RunStore.Transition(
            run.id(),
            run.status(),
            RunStatus.CANCELLED,
            clock.instant(),
            null,
            RunChange.because(command.reason()));
    return switch (store.transition(transition)) {
      case RunStore.Applied applied -> new Cancelled(applied.run());
      case RunStore.Conflict conflict ->
          conflict.actual().status().isTerminal()
              ? new AlreadyEnded(conflict.actual().id(), conflict.actual().status())
              : execute(command);
      case RunStore.NotFound notFound -> new NotFound(notFound.id());
    };
  }

  /**
   * A cancel request.
   *
   * @param runId the run
   * @param requestedBy who asked
   * @param reason what the run's history says, {@code cancelled by <requestedBy>} unless told
   */
  public record Command(RunId runId, String requestedBy, String reason) {
    public Command {
      Objects.requireNonNull(runId, "runId == null");
      Objects.requireNonNull(requestedBy, "requestedBy == null");
      reason = reason == null ? "cancelled by " + requestedBy : reason;
    }

    public Command(RunId runId, String requestedBy) {
      this(runId, requestedBy, null);
    }
  }

  /** The outcome. */
  public sealed interface Result permits Cancelled, NotFound, AlreadyEnded {}

  /** The run is cancelled. */
  public record Cancelled(FixRun run) implements Result {}

  /** No such run. */
  public record NotFound(RunId runId) implements Result {}

  /** The run had already ended. */
  public record AlreadyEnded(RunId runId, RunStatus status) implements Result {}
}
