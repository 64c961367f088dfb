package dev.autofix.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.CountingWorkSignal;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.fixtures.Issues;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

// In the testkit module with the other use-case tests: they run over the testkit's fakes.
class FollowIssueTest {
  private final MutableClock clock = MutableClock.at("2026-12-08T10:00:00Z");
  private final InMemoryRunStore store = new InMemoryRunStore();
  private final FollowIssue follow =
      new FollowIssue(
          store,
          new CancelRun(store, clock),
          new RetryRun(
              store,
              new InMemoryRateLimiter(10, clock, ZoneOffset.UTC),
              new CountingWorkSignal(),
              clock));
  private final Issue issue = Issues.anIssue().withId("4711").build();

  private FixRun queued() {
    return ((RunStore.Inserted) store.insertIfAbsent(issue, clock.instant())).run();
  }

  private FollowIssue.Result changed(IssueSource.Change change) {
    return follow.execute(new IssueSource.Changed(issue.id(), change), "Sentry");
  }

  @Test
  void resolvedWhileQueued_cancelsTheRun_sayingWhy() {
    FixRun run = queued();

    assertThat(changed(IssueSource.Change.RESOLVED)).isInstanceOf(FollowIssue.Cancelled.class);

    FixRun after = store.find(run.id()).orElseThrow();
    assertThat(after.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(after.reason()).isEqualTo("resolved in Sentry");
  }

  @Test
  void ignoredWhileRunning_cancelsTheRun_whoseWorkerThenLosesItsLease() {
    FixRun run = queued();
    store
        .claimNext(new RunStore.Claim("w1", clock.instant(), Duration.ofMinutes(5), 1))
        .orElseThrow();

    assertThat(changed(IssueSource.Change.IGNORED)).isInstanceOf(FollowIssue.Cancelled.class);

    assertThat(store.find(run.id()).orElseThrow().reason())
        .isEqualTo("ignored or archived in Sentry");
    assertThat(store.renewLease(run.id(), "w1", clock.instant().plusSeconds(60), clock.instant()))
        .as("the worker's next heartbeat finds it gone, which stops its agent")
        .isFalse();
  }

  @Test
  void unresolvedAfterACancelForIt_queuesTheRunAgain_andOnlyThen() {
    FixRun run = queued();
    changed(IssueSource.Change.RESOLVED);

    assertThat(changed(IssueSource.Change.UNRESOLVED)).isInstanceOf(FollowIssue.Requeued.class);
    assertThat(store.find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
    assertThat(changed(IssueSource.Change.UNRESOLVED))
        .as("a queued run stays as it is")
        .isInstanceOf(FollowIssue.Unchanged.class);
  }

  @Test
  void afterTheRunEnded_nothingIsTouched() {
    FixRun run = queued();
    store
        .claimNext(new RunStore.Claim("w1", clock.instant(), Duration.ofMinutes(5), 1))
        .orElseThrow();
    store.transition(
        new RunStore.Transition(
            run.id(),
            RunStatus.RUNNING,
            RunStatus.PR_OPENED,
            clock.instant(),
            "w1",
            RunChange.because("draft pull request")));

    assertThat(changed(IssueSource.Change.RESOLVED)).isInstanceOf(FollowIssue.Unchanged.class);
    assertThat(changed(IssueSource.Change.UNRESOLVED)).isInstanceOf(FollowIssue.Unchanged.class);
    assertThat(store.find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.PR_OPENED);
  }

  @Test
  void anIssueWithoutARun_isUnchanged() {
    assertThat(changed(IssueSource.Change.RESOLVED))
        .isInstanceOfSatisfying(
            FollowIssue.Unchanged.class, u -> assertThat(u.reason()).contains("no run"));
  }
}
