package dev.autofix.store.jooq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.RunStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KnownIssuesTest {
  private final AtomicLong nanos = new AtomicLong(1_000);

  private KnownIssues known(int capacity) {
    return new KnownIssues(capacity, Duration.ofSeconds(1), nanos::get);
  }

  private static IssueId issue(String id) {
    return new IssueId("sentry", id);
  }

  @Test
  void runOf_returnsTheRememberedRun_andNothingForAnUnknownIssue() {
    KnownIssues known = known(10);
    known.remember(issue("1"), 42, RunStatus.QUEUED);

    assertThat(known.runOf(issue("1")).orElseThrow().runId()).isEqualTo(42);
    assertThat(known.runOf(issue("1")).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
    assertThat(known.runOf(issue("2"))).isEmpty();
    assertThat(known.runOf(new IssueId("other", "1"))).isEmpty();
  }

  @Test
  void recent_answersWithinTheTrustWindow_only() {
    KnownIssues known = known(10);
    known.remember(issue("1"), 42, RunStatus.QUEUED);

    nanos.addAndGet(Duration.ofMillis(999).toNanos());
    assertThat(known.recent(issue("1"))).isPresent();
    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(known.recent(issue("1"))).isEmpty();
    assertThat(known.runOf(issue("1"))).isPresent();
  }

  @Test
  void recent_isNeverAnswered_withAZeroWindow() {
    KnownIssues known = new KnownIssues(10, Duration.ZERO, nanos::get);
    known.remember(issue("1"), 42, RunStatus.QUEUED);

    assertThat(known.recent(issue("1"))).isEmpty();
  }

  @Test
  void moved_updatesTheStatusAndTheTime_ofTheSameRunOnly() {
    KnownIssues known = known(10);
    known.remember(issue("1"), 42, RunStatus.QUEUED);
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());

    known.moved(issue("1"), 41, RunStatus.CANCELLED); // another run: ignored
    assertThat(known.recent(issue("1"))).isEmpty();
    known.moved(issue("1"), 42, RunStatus.RUNNING);
    assertThat(known.recent(issue("1")).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    known.moved(issue("2"), 7, RunStatus.RUNNING); // not remembered: stays unknown
    assertThat(known.runOf(issue("2"))).isEmpty();
  }

  @Test
  void read_doesNotOverwrite_aChangeSeenAfterTheReadStarted() {
    KnownIssues known = known(10);
    known.remember(issue("1"), 42, RunStatus.QUEUED);
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    long readStarted = known.now();
    nanos.addAndGet(1_000);
    known.moved(issue("1"), 42, RunStatus.RUNNING); // the store claimed it meanwhile
    nanos.addAndGet(1_000);

    known.read(issue("1"), 42, RunStatus.QUEUED, readStarted);

    assertThat(known.runOf(issue("1")).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    long later = known.now();
    known.read(issue("1"), 42, RunStatus.NO_FIX, later);
    assertThat(known.runOf(issue("1")).orElseThrow().status()).isEqualTo(RunStatus.NO_FIX);
  }

  @Test
  void remember_staysWithinCapacity_whenMoreIssuesArrive() {
    KnownIssues known = known(3);
    for (int i = 0; i < 100; i++) {
      known.remember(issue(Integer.toString(i)), i, RunStatus.QUEUED);
    }

    assertThat(known.size()).isEqualTo(3);
    assertThat(known.runOf(issue("99")).orElseThrow().runId()).isEqualTo(99);
  }

  @Test
  void remember_evictsTheOldestIssue_first() {
    KnownIssues known = known(2);
    known.remember(issue("1"), 1, RunStatus.QUEUED);
    known.remember(issue("2"), 2, RunStatus.QUEUED);
    known.remember(issue("1"), 1, RunStatus.RUNNING); // seen again: still the oldest
    known.remember(issue("3"), 3, RunStatus.QUEUED);

    assertThat(known.runOf(issue("1"))).isEmpty();
    assertThat(known.runOf(issue("2"))).isPresent();
    assertThat(known.runOf(issue("3"))).isPresent();
  }

  @Test
  void remember_keepsTheSize_whenAnIssueIsRememberedAgain() {
    KnownIssues known = known(2);
    known.remember(issue("1"), 1, RunStatus.QUEUED);
    known.remember(issue("2"), 2, RunStatus.QUEUED);
    known.remember(issue("2"), 2, RunStatus.RUNNING);

    assertThat(known.size()).isEqualTo(2);
    assertThat(known.runOf(issue("1")).orElseThrow().runId()).isEqualTo(1);
  }

  @Test
  void forget_removesTheIssue() {
    KnownIssues known = known(2);
    known.remember(issue("1"), 1, RunStatus.QUEUED);

    known.forget(issue("1"));

    assertThat(known.runOf(issue("1"))).isEmpty();
  }

  @Test
  void constructor_rejectsAZeroCapacity_andANegativeWindow() {
    assertThatThrownBy(() -> new KnownIssues(0, Duration.ZERO, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KnownIssues(1, Duration.ofSeconds(-1), nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
