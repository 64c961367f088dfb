package dev.autofix.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.CountingWorkSignal;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.fixtures.Issues;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryAndCancelRunTest {
  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private final InMemoryRunStore store = new InMemoryRunStore();
  private final CountingWorkSignal signal = new CountingWorkSignal();
  private final InMemoryRateLimiter limiter =
      new InMemoryRateLimiter(1, clock, java.time.ZoneOffset.UTC);
  private final RetryRun retry = new RetryRun(store, limiter, signal, clock);
  private final CancelRun cancel = new CancelRun(store, clock);

  @Test
  void retry_requeuesFinishedRun() {
    FixRun failed = finished(RunStatus.FAILED);

    RetryRun.Result result = retry.execute(new RetryRun.Command(failed.id(), "admin"));

    assertThat(result).isInstanceOf(RetryRun.Requeued.class);
    FixRun run = ((RetryRun.Requeued) result).run();
    assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(run.attempts()).isZero();
    assertThat(run.reason()).isEqualTo("retried by admin");
    assertThat(signal.wakeUps()).isEqualTo(1);
  }

  @Test
  void retry_refuses_whenRunHasNotEnded() {
    FixRun queued = queued();

    assertThat(retry.execute(new RetryRun.Command(queued.id(), "admin")))
        .isEqualTo(new RetryRun.NotRetryable(queued.id(), RunStatus.QUEUED));
    assertThat(retry.execute(new RetryRun.Command(new RunId(999), "admin")))
        .isEqualTo(new RetryRun.NotFound(new RunId(999)));
  }

  @Test
  void retry_runsADeferredRunNow_whenTheCapHasRoom_andRefusesWithTheFigures_whenNot() {
    FixRun deferred = deferred("a");
    FixRun another = deferred("b");

    RetryRun.Result result = retry.execute(new RetryRun.Command(deferred.id(), "admin"));

    assertThat(result).isInstanceOf(RetryRun.Requeued.class);
    FixRun run = ((RetryRun.Requeued) result).run();
    assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(run.notBefore()).as("claimable now").isNull();
    assertThat(run.reason()).startsWith("run now by admin");
    assertThat(signal.wakeUps()).isEqualTo(1);

    limiter.tryAcquire(); // the day's one permit is taken
    RetryRun.Result refused = retry.execute(new RetryRun.Command(another.id(), "admin"));

    assertThat(refused).isInstanceOf(RetryRun.NoPermit.class);
    assertThat(((RetryRun.NoPermit) refused).reason())
        .contains("1 of 1 fix attempts on 2026-11-24")
        .contains("AUTOFIX_MAX_FIXES_PER_DAY");
    assertThat(store.find(another.id()).orElseThrow().status()).isEqualTo(RunStatus.DEFERRED);
  }

  @Test
  void cancel_cancelsQueuedOrRunningRun_butNotFinishedOne() {
    FixRun queued = queued();
    assertThat(cancel.execute(new CancelRun.Command(queued.id(), "admin")))
        .isInstanceOf(CancelRun.Cancelled.class);
    assertThat(store.find(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);

    FixRun done = finished(RunStatus.PR_OPENED);
    assertThat(cancel.execute(new CancelRun.Command(done.id(), "admin")))
        .isEqualTo(new CancelRun.AlreadyEnded(done.id(), RunStatus.PR_OPENED));
    assertThat(cancel.execute(new CancelRun.Command(new RunId(999), "admin")))
        .isEqualTo(new CancelRun.NotFound(new RunId(999)));
  }

  private FixRun queued() {
    return ((RunStore.Inserted) store.insertIfAbsent(Issues.anIssue().build(), clock.instant()))
        .run();
  }

  private FixRun finished(RunStatus status) {
    FixRun run = queued();
    FixRun claimed =
        store
            .claimNext(new RunStore.Claim("w", clock.instant(), Duration.ofMinutes(5), 10))
            .orElseThrow();
    var applied =
        (RunStore.Applied)
            store.transition(
                new RunStore.Transition(
                    claimed.id(),
                    RunStatus.RUNNING,
                    status,
                    clock.instant(),
                    "w",
                    RunChange.because("done")));
    assertThat(applied.run().id()).isEqualTo(run.id());
    return applied.run();
  }

  /** A run of its own issue, claimed and deferred to the next day. */
  private FixRun deferred(String issueId) {
    store.insertIfAbsent(Issues.anIssue().withId(issueId).build(), clock.instant());
    FixRun claimed =
        store
            .claimNext(new RunStore.Claim("w", clock.instant(), Duration.ofMinutes(5), 10))
            .orElseThrow();
    return ((RunStore.Applied)
            store.transition(
                new RunStore.Transition(
                    claimed.id(),
                    RunStatus.RUNNING,
                    RunStatus.DEFERRED,
                    clock.instant(),
                    "w",
                    RunChange.because("daily cap")
                        .withNotBefore(java.time.Instant.parse("2026-11-25T00:00:00Z")))))
        .run();
  }
}
