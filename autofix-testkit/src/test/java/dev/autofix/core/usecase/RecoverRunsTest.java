package dev.autofix.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.CountingWorkSignal;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.fixtures.Issues;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecoverRunsTest {
  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private final InMemoryRunStore store = new InMemoryRunStore();
  private final CountingWorkSignal signal = new CountingWorkSignal();
  private final AutofixPolicy policy =
      AutofixPolicy.defaults().withLease(Duration.ofMinutes(10)).withMaxAttempts(2);
  private final RecoverRuns recover = new RecoverRuns(store, signal, policy, clock);

  @Test
  void execute_requeuesAbandonedRun_thenFailsItAfterMaxAttempts() {
    var run =
        ((RunStore.Inserted) store.insertIfAbsent(Issues.anIssue().build(), clock.instant())).run();
    claim("crashed-1");
    assertThat(recover.execute().requeued()).as("lease still valid").isEmpty();

    clock.advance(Duration.ofMinutes(11));
    RecoverRuns.Result first = recover.execute();

    assertThat(first.requeued())
        .singleElement()
        .satisfies(r -> assertThat(r.id()).isEqualTo(run.id()));
    assertThat(signal.wakeUps()).isEqualTo(1);

    claim("crashed-2");
    clock.advance(Duration.ofMinutes(11));
    RecoverRuns.Result second = recover.execute();

    assertThat(second.failed())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(RunStatus.FAILED);
              assertThat(r.reason()).contains("crashed-2");
            });
  }

  private void claim(String owner) {
    store.claimNext(new RunStore.Claim(owner, clock.instant(), policy.lease(), 1)).orElseThrow();
  }
}
