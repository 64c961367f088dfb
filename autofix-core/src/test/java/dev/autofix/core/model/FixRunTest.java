package dev.autofix.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FixRunTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Issue ISSUE =
      new Issue(
          new IssueId("sentry", "42"), "API-1", "api", "boom", null, Level.ERROR, null, null, 1);

  @Test
  void claimed_countsAttemptAndSetsLease() {
    FixRun run = FixRun.queued(new RunId(1), ISSUE, T0).claimed("w1", T0, Duration.ofMinutes(5));

    assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(run.attempts()).isEqualTo(1);
    assertThat(run.leaseOwner()).isEqualTo("w1");
    assertThat(run.leaseUntil()).isEqualTo(T0.plusSeconds(300));
    assertThat(run.startedAt()).isEqualTo(T0);
  }

  @Test
  void transitioned_rejectsIllegalTransition() {
    FixRun run = FixRun.queued(new RunId(1), ISSUE, T0);

    assertThatThrownBy(() -> run.transitioned(RunStatus.PR_OPENED, RunChange.none(), T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("illegal transition queued -> pr_opened");
  }

  @Test
  void transitioned_accumulatesResults_andReplacesReason() {
    FixRun running = FixRun.queued(new RunId(1), ISSUE, T0).claimed("w1", T0, Duration.ofHours(1));
    FixRun done =
        running.transitioned(
            RunStatus.PR_OPENED,
            RunChange.because("opened")
                .withAgent("codex")
                .withPullRequestUrl(URI.create("https://github.example/pull/1"))
                .withCostUsd(BigDecimal.ONE),
            T0.plusSeconds(60));

    assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(done.leaseOwner()).isNull();
    assertThat(done.leaseUntil()).isNull();
    assertThat(done.agent()).isEqualTo("codex");

    FixRun retried = done.transitioned(RunStatus.QUEUED, RunChange.none(), T0.plusSeconds(90));
    assertThat(retried.attempts()).as("a retry resets the attempts").isZero();
    assertThat(retried.reason()).isNull();
    assertThat(retried.finishedAt()).isNull();
    assertThat(retried.agent()).as("results accumulate").isEqualTo("codex");
  }

  @Test
  void transitioned_refundsAttempt_whenDeferred() {
    FixRun running = FixRun.queued(new RunId(1), ISSUE, T0).claimed("w1", T0, Duration.ofHours(1));

    FixRun deferred =
        running.transitioned(
            RunStatus.DEFERRED,
            RunChange.because("cap").withNotBefore(T0.plusSeconds(3600)).refundingAttempt(),
            T0);

    assertThat(deferred.attempts()).isZero();
    assertThat(deferred.isClaimableAt(T0)).isFalse();
    assertThat(deferred.isClaimableAt(T0.plusSeconds(3600))).isTrue();
  }

  @Test
  void constructor_requiresLease_whenRunning() {
    assertThatThrownBy(
            () ->
                new FixRun(
                    new RunId(1),
                    ISSUE,
                    RunStatus.RUNNING,
                    1,
                    T0,
                    T0,
                    T0,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lease");
  }
}
