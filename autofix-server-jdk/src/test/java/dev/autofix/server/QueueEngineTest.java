package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.AutofixPolicy;
import dev.autofix.core.usecase.FixNextRun;
import dev.autofix.core.usecase.QueueEngine;
import dev.autofix.core.usecase.RecoverRuns;
import dev.autofix.testkit.CountingWorkSignal;
import dev.autofix.testkit.FakeFixVerifier;
import dev.autofix.testkit.FakeIssueSource;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunLogs;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.InMemoryWorkspaces;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.RecordingDefectReporter;
import dev.autofix.testkit.RecordingPullRequestPublisher;
import dev.autofix.testkit.ScriptedAgentRunner;
import dev.autofix.testkit.fixtures.Issues;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The worker's loop over the in-memory ports: when it waits, and when it claims. */
class QueueEngineTest {
  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private final InMemoryRunStore store = new InMemoryRunStore();
  private final InMemoryRateLimiter limiter = new InMemoryRateLimiter(1, clock, ZoneOffset.UTC);
  private final RecordingDefectReporter defects = new RecordingDefectReporter();

  private QueueEngine worker(Duration pollInterval) {
    return worker(pollInterval, Optional::empty);
  }

  private QueueEngine worker(Duration pollInterval, Supplier<Optional<String>> agentsReady) {
    FixNextRun fix =
        new FixNextRun(
            new FixNextRun.Ports(
                store,
                limiter,
                new FakeIssueSource(),
                new dev.autofix.core.port.FixTargets.Target(
                    new InMemoryWorkspaces(),
                    new ScriptedAgentRunner("claude"),
                    new FakeFixVerifier(),
                    new RecordingPullRequestPublisher()),
                new InMemoryRunLogs(),
                defects),
            AutofixPolicy.defaults(),
            clock);
    RecoverRuns recover =
        new RecoverRuns(store, new CountingWorkSignal(), AutofixPolicy.defaults(), clock);
    return new QueueEngine(
        fix,
        recover,
        defects,
        new QueueEngine.Settings(1, pollInterval, Duration.ofHours(1), "test"),
        QueueEngine.Listener.NONE,
        agentsReady);
  }

  private void queue(int runs) {
    for (int i = 0; i < runs; i++) {
      store.insertIfAbsent(Issues.anIssue().withId("issue-" + i).build(), clock.instant());
    }
  }

  private long count(RunStatus status) {
    return store.countByStatus().get(status);
  }

  @Test
  void deferredRun_pausesClaims_untilThePollInterval_evenWhenWoken() throws Exception {
    limiter.tryAcquire(); // today's only permit is used
    queue(5);
    QueueEngine worker = worker(Duration.ofHours(1));
    try {
      worker.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> count(RunStatus.DEFERRED) == 1);

      // new deliveries wake the worker; over the cap it must not claim and defer each in turn
      for (int i = 0; i < 50; i++) {
        worker.wake();
        Thread.sleep(5);
      }

      assertThat(count(RunStatus.DEFERRED)).isEqualTo(1);
      assertThat(count(RunStatus.QUEUED)).isEqualTo(4);
      assertThat(worker.isAlive()).isTrue();
    } finally {
      worker.stop(Duration.ofSeconds(5));
    }
    assertThat(worker.isAlive()).isFalse();
    assertThat(defects.defects()).isEmpty();
  }

  @Test
  void deferredRuns_areCheckedAgain_everyPollInterval() throws Exception {
    limiter.tryAcquire();
    queue(3);
    QueueEngine worker = worker(Duration.ofMillis(20));
    try {
      worker.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> count(RunStatus.DEFERRED) == 3);
    } finally {
      worker.stop(Duration.ofSeconds(5));
    }
    assertThat(store.list(new RunStore.RunQuery(null, null, 10)))
        .allSatisfy(run -> assertThat(run.attempts()).as("not billed").isZero());
  }

  @Test
  void worker_claimsNothing_whileAgentsCannotStart_andTakesTheRunsOnceTheyCan() throws Exception {
    queue(3);
    AtomicReference<Optional<String>> ready =
        new AtomicReference<>(Optional.of("the agent sandbox cannot start"));
    AtomicInteger checks = new AtomicInteger();
    QueueEngine worker =
        worker(
            Duration.ofMillis(20),
            () -> {
              checks.incrementAndGet();
              return ready.get();
            });
    try {
      worker.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> checks.get() >= 5);
      for (int i = 0; i < 20; i++) {
        worker.wake();
      }

      // Not failed, not deferred, not billed: each issue's one run waits for a working sandbox.
      assertThat(count(RunStatus.QUEUED)).isEqualTo(3);
      assertThat(limiter.tryAcquire())
          .isInstanceOf(dev.autofix.core.port.RateLimiter.Granted.class);
      assertThat(worker.isAlive()).isTrue();

      ready.set(Optional.empty());
      await().atMost(Duration.ofSeconds(10)).until(() -> count(RunStatus.QUEUED) < 3);
    } finally {
      worker.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void stop_endsAPause_atOnce() throws Exception {
    limiter.tryAcquire();
    queue(2);
    QueueEngine worker = worker(Duration.ofHours(1));
    worker.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> count(RunStatus.DEFERRED) == 1);

    long before = System.nanoTime();
    worker.stop(Duration.ofSeconds(30));

    assertThat(worker.isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
    assertThat(count(RunStatus.QUEUED)).isEqualTo(1);
  }
}
