package dev.autofix.core.usecase;

import dev.autofix.core.model.Issue;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import java.util.Objects;

/**
 * Records an issue that already exists, named by a person ({@code autofix trigger}, {@code POST
 * /api/issues}): the source looks it up, then {@link RecordIssue} records it exactly as it records
 * a delivery's issue. De-duplication holds (an issue with a run is answered with that run), and the
 * daily cap too: the new run waits for a permit like any other.
 */
public final class TriggerIssue {
  private final IssueSource source;
  private final RecordIssue record;

  public TriggerIssue(IssueSource source, RecordIssue record) {
    this.source = Objects.requireNonNull(source, "source == null");
    this.record = Objects.requireNonNull(record, "record == null");
  }

  /** What a trigger came to. */
  public sealed interface Result permits Recorded, NotRecorded {}

  /** The issue was found; {@code result} is the store's answer (new run, known run, or none). */
  public record Recorded(Issue issue, RunStore.InsertResult result) implements Result {
    public Recorded {
      Objects.requireNonNull(issue, "issue == null");
      Objects.requireNonNull(result, "result == null");
    }
  }

  /** The lookup found nothing to record; {@code why} says what it found instead. */
  public record NotRecorded(IssueSource.LookupResult why) implements Result {
    public NotRecorded {
      Objects.requireNonNull(why, "why == null");
      if (why instanceof IssueSource.Located) {
        throw new IllegalArgumentException("a located issue is recorded");
      }
    }
  }

  /** Looks {@code reference} up and records its issue; throws only for a defect. */
  public Result execute(String reference) {
    return switch (source.lookup(reference)) {
      case IssueSource.Located located ->
          new Recorded(located.issue(), record.execute(located.issue()));
      case IssueSource.LookupResult other -> new NotRecorded(other);
    };
  }
}
