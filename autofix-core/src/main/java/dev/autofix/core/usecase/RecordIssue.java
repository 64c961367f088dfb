package dev.autofix.core.usecase;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.port.WorkSignal;
import java.time.Clock;
import java.util.Objects;

/**
 * Records an issue that may be new: only the call that creates its run wakes the workers. The one
 * path into the queue, shared by webhook deliveries ({@link ReceiveDelivery}) and the poller that
 * backs them up, so a delivery and a poll racing on one issue still give one run.
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

  /** Inserts the issue's run unless it has one. */
  public Result execute(Command command) {
    return switch (store.insertIfAbsent(command.issue(), clock.instant())) {
      case RunStore.Inserted inserted -> {
        signal.wake();
        yield new Created(inserted.run());
      }
      case RunStore.AlreadyExists existing -> new Known(existing.id(), existing.status());
      case RunStore.Unavailable unavailable -> new NotRecorded(unavailable.reason());
    };
  }

  /** An issue to record. */
  public record Command(Issue issue) {
    public Command {
      Objects.requireNonNull(issue, "issue == null");
    }
  }

  /** The outcome. */
  public sealed interface Result permits Created, Known, NotRecorded {}

  /** The issue was new: its run is queued. */
  public record Created(FixRun run) implements Result {}

  /** The issue already has a run. */
  public record Known(RunId runId, RunStatus status) implements Result {}

  /** The run could not be recorded durably. */
  public record NotRecorded(String reason) implements Result {}
}
