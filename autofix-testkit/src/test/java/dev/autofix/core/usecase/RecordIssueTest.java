package dev.autofix.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.CountingWorkSignal;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.fixtures.Issues;
import org.junit.jupiter.api.Test;

// Lives in the testkit module because the use-case tests run over the testkit's fakes, and core
// cannot depend on the testkit (which depends on core).
class RecordIssueTest {
  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private final InMemoryRunStore store = new InMemoryRunStore();
  private final CountingWorkSignal signal = new CountingWorkSignal();
  private final RecordIssue record = new RecordIssue(store, signal, clock);

  @Test
  void execute_queuesARunAndWakesTheWorkers_whenTheIssueIsNew() {
    RunStore.InsertResult result = record.execute(Issues.anIssue().withId("42").build());

    assertThat(result).isInstanceOf(RunStore.Inserted.class);
    var run = ((RunStore.Inserted) result).run();
    assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(run.issue().id().value()).isEqualTo("42");
    assertThat(run.createdAt()).isEqualTo(clock.instant());
    assertThat(store.find(run.id())).contains(run);
    assertThat(signal.wakeUps()).isEqualTo(1);
  }

  @Test
  void execute_changesNothing_whenTheIssueIsKnown() {
    var first = (RunStore.Inserted) record.execute(Issues.anIssue().withId("42").build());

    RunStore.InsertResult second = record.execute(Issues.anIssue().withId("42").build());

    assertThat(second).isEqualTo(new RunStore.AlreadyExists(first.run().id(), RunStatus.QUEUED));
    assertThat(store.list(RunStore.RunQuery.firstPage(10))).hasSize(1);
    assertThat(signal.wakeUps()).as("a duplicate does not wake the workers").isEqualTo(1);
  }

  @Test
  void execute_isUnavailable_andWakesNoOne_whenTheRunCannotBeRecorded() {
    store.setAvailable(false);

    assertThat(record.execute(Issues.anIssue().build())).isInstanceOf(RunStore.Unavailable.class);
    assertThat(signal.wakeUps()).isZero();
  }
}
