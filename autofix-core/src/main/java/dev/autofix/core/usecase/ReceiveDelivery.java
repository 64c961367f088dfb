package dev.autofix.core.usecase;

import dev.autofix.core.model.Delivery;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.port.WorkSignal;
import java.time.Clock;
import java.util.Objects;

/**
 * Receives one webhook delivery: verifies and parses it, and turns a genuinely new issue into a
 * {@code queued} run that wakes the workers. A duplicate is a no-op.
 *
 * <p>The run is durably recorded before this returns {@link Accepted}, so a delivery answered
 * {@code 2xx} is never lost. Nothing here waits on an agent.
 */
public final class ReceiveDelivery {
  private final IssueSource source;
  private final RecordIssue record;

  public ReceiveDelivery(IssueSource source, RunStore store, WorkSignal signal, Clock clock) {
    this.source = Objects.requireNonNull(source, "source == null");
    this.record = new RecordIssue(store, signal, clock);
  }

  /** Handles one delivery; throws only for a defect. */
  public Result execute(Command command) {
    return switch (source.receive(command.delivery())) {
      case IssueSource.Received received -> record(received);
      case IssueSource.Ignored ignored -> new Ignored(ignored.reason());
      case IssueSource.BadSignature bad -> new Unauthorized(bad.reason());
      case IssueSource.Malformed malformed -> new Malformed(malformed.reason());
      case IssueSource.TooLarge tooLarge -> new TooLarge(tooLarge.limitBytes());
    };
  }

  private Result record(IssueSource.Received received) {
    return switch (record.execute(new RecordIssue.Command(received.issue()))) {
      case RecordIssue.Created created -> new Accepted(created.run());
      case RecordIssue.Known known -> new Duplicate(known.runId(), known.status());
      case RecordIssue.NotRecorded notRecorded -> new Unavailable(notRecorded.reason());
    };
  }

  /** One delivery. */
  public record Command(Delivery delivery) {
    public Command {
      Objects.requireNonNull(delivery, "delivery == null");
    }
  }

  /** What became of the delivery; the HTTP boundary maps each variant to a status. */
  public sealed interface Result
      permits Accepted, Duplicate, Ignored, Unauthorized, Malformed, TooLarge, Unavailable {}

  /** A new issue: its run is recorded and queued. */
  public record Accepted(FixRun run) implements Result {}

  /** The issue already has a run; nothing changed. */
  public record Duplicate(RunId runId, RunStatus status) implements Result {}

  /** A verified delivery that asks for no fix. */
  public record Ignored(String reason) implements Result {}

  /** The delivery's signature is missing or wrong. */
  public record Unauthorized(String reason) implements Result {}

  /** The delivery could not be parsed. */
  public record Malformed(String reason) implements Result {}

  /** The delivery was larger than the limit. */
  public record TooLarge(long limitBytes) implements Result {}

  /** The run could not be recorded durably; the sender should try again. */
  public record Unavailable(String reason) implements Result {}
}
