package dev.autofix.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autofix.core.model.Issue;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.CountingWorkSignal;
import dev.autofix.testkit.FakeIssueSource;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.fixtures.Issues;
import org.junit.jupiter.api.Test;

// In the testkit module with the other use-case tests: they run over the testkit's fakes.
class TriggerIssueTest {
  private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
  private final InMemoryRunStore store = new InMemoryRunStore();
  private final CountingWorkSignal signal = new CountingWorkSignal();
  private final Issue issue = Issues.anIssue().withId("4711").build();
  private final FakeIssueSource source = new FakeIssueSource().knows(issue);
  private final TriggerIssue trigger =
      new TriggerIssue(source, new RecordIssue(store, signal, clock));

  @Test
  void aFoundIssue_isRecordedLikeADelivery_andWakesTheWorkers() {
    TriggerIssue.Result result = trigger.execute("4711");

    assertThat(result).isInstanceOf(TriggerIssue.Recorded.class);
    TriggerIssue.Recorded recorded = (TriggerIssue.Recorded) result;
    assertThat(recorded.issue()).isEqualTo(issue);
    assertThat(recorded.result()).isInstanceOf(RunStore.Inserted.class);
    assertThat(signal.wakeUps()).isEqualTo(1);
  }

  @Test
  void anIssueWithARun_keepsItsOneRun() {
    var first = (RunStore.Inserted) ((TriggerIssue.Recorded) trigger.execute("4711")).result();

    TriggerIssue.Result second = trigger.execute("4711");

    assertThat(((TriggerIssue.Recorded) second).result())
        .isInstanceOfSatisfying(
            RunStore.AlreadyExists.class,
            known -> assertThat(known.id()).isEqualTo(first.run().id()));
    assertThat(store.list(RunStore.RunQuery.firstPage(10))).hasSize(1);
    assertThat(signal.wakeUps()).isEqualTo(1);
  }

  @Test
  void whatTheLookupFoundInstead_isAnsweredAndNothingIsRecorded() {
    assertThat(trigger.execute("9999"))
        .isEqualTo(new TriggerIssue.NotRecorded(new IssueSource.NotFound("no issue 9999")));
    assertThat(trigger.execute(" ")).isInstanceOf(TriggerIssue.NotRecorded.class);
    assertThat(trigger.execute("unavailable"))
        .isInstanceOfSatisfying(
            TriggerIssue.NotRecorded.class,
            n -> assertThat(n.why()).isInstanceOf(IssueSource.Unavailable.class));
    assertThat(store.list(RunStore.RunQuery.firstPage(10))).isEmpty();
    assertThat(signal.wakeUps()).isZero();
  }

  @Test
  void aLocatedIssue_isNeverAnsweredAsNotRecorded() {
    assertThatThrownBy(() -> new TriggerIssue.NotRecorded(new IssueSource.Located(issue)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
