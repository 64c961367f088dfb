package dev.autofix.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autofix.core.model.AttemptCost;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunEvent;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.model.VerifiedFix;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.Concurrently;
import dev.autofix.testkit.fixtures.Issues;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RunStore} shares. Extend it and return a store with no runs from
 * {@link #newStore()}; the PostgreSQL store and the in-memory fake both pass it.
 */
public abstract class RunStoreContract {
  /** A fixed start well inside a day, so tests can move time without crossing anything. */
  protected static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private static final Duration LEASE = Duration.ofMinutes(30);

  protected RunStore store;

  /** A store with no runs; called before each test. */
  protected abstract RunStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  @Test
  @DisplayName("insert-if-absent creates a queued run once per issue")
  void insertIfAbsent_createsQueuedRunOnce() {
    Issue issue = Issues.anIssue().build();

    RunStore.InsertResult first = store.insertIfAbsent(issue, T0);
    RunStore.InsertResult second = store.insertIfAbsent(issue, T0.plusSeconds(5));

    assertThat(first).isInstanceOf(RunStore.Inserted.class);
    FixRun run = ((RunStore.Inserted) first).run();
    assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(run.issue()).isEqualTo(issue);
    assertThat(run.attempts()).isZero();
    assertThat(run.createdAt()).isEqualTo(T0);
    assertThat(second).isEqualTo(new RunStore.AlreadyExists(run.id(), RunStatus.QUEUED));
    assertThat(store.findByIssue(issue.id())).contains(run);
    assertThat(store.find(run.id())).contains(run);
  }

  @Test
  @DisplayName("text with a NUL (a hostile event, an agent's output) is stored, as U+FFFD")
  void insertAndTransition_keepTextWithANul() {
    Issue issue =
        Issues.anIssue()
            .withId("4242")
            .withShortId("SHOP\0-1")
            .withTitle("TypeError: \0 in the title")
            .withCulprit("app.js\0")
            .build();

    RunStore.InsertResult inserted = store.insertIfAbsent(issue, T0);

    assertThat(inserted).isInstanceOf(RunStore.Inserted.class);
    FixRun run = ((RunStore.Inserted) inserted).run();
    assertThat(run.issue().title()).isEqualTo("TypeError: \uFFFD in the title");
    assertThat(store.findByIssue(issue.id())).contains(run);
    FixRun claimed =
        store
            .claimNext(new RunStore.Claim("w", T0, java.time.Duration.ofMinutes(1), 1))
            .orElseThrow();
    assertThat(
            store.transition(
                new RunStore.Transition(
                    claimed.id(),
                    RunStatus.RUNNING,
                    RunStatus.FAILED,
                    T0,
                    "w",
                    RunChange.because("the agent failed: \0\0 binary output")
                        .withSummary("summary\0"))))
        .isInstanceOf(RunStore.Applied.class);
    assertThat(store.find(run.id()).orElseThrow().reason())
        .isEqualTo("the agent failed: \uFFFD\uFFFD binary output");
  }

  @Test
  @DisplayName("an issue whose text was replaced (NUL, lone surrogate) says so in its history")
  void insertIfAbsent_notesReplacedTextInTheRunsHistory() {
    Issue issue =
        Issues.anIssue()
            .withId("4343")
            .withTitle("TypeError: \0 and \uD800 and \uDC00 but not \uD83D\uDE00")
            .build();
    assertThat(issue.textReplaced()).isTrue();

    FixRun run = inserted(issue);

    assertThat(run.issue().title())
        .isEqualTo("TypeError: \uFFFD and \uFFFD and \uFFFD but not \uD83D\uDE00");
    assertThat(run.reason()).isEqualTo(FixRun.NEW_ISSUE_TEXT_REPLACED);
    assertThat(store.find(run.id())).contains(run);
    assertThat(store.history(run.id()))
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.to()).isEqualTo(RunStatus.QUEUED);
              assertThat(event.reason()).isEqualTo(FixRun.NEW_ISSUE_TEXT_REPLACED);
            });
    FixRun plain = inserted(Issues.anIssue().withId("4344").build());
    assertThat(plain.reason()).isNull();
    assertThat(store.history(plain.id()))
        .singleElement()
        .extracting("reason")
        .isEqualTo("new issue");
  }

  @Test
  @DisplayName("the same issue id from another source is another issue")
  void insertIfAbsent_keysOnSourceAndId() {
    Issue sentry = Issues.anIssue().withId("77").withSource("sentry").build();
    Issue other = Issues.anIssue().withId("77").withSource("other").build();

    assertThat(store.insertIfAbsent(sentry, T0)).isInstanceOf(RunStore.Inserted.class);
    assertThat(store.insertIfAbsent(other, T0)).isInstanceOf(RunStore.Inserted.class);
  }

  @Test
  @DisplayName("the issue round-trips with every field")
  void insertIfAbsent_keepsEveryIssueField() {
    Issue issue =
        Issues.anIssue()
            .withShortId("API-1Q")
            .withProject("api")
            .withTitle("KeyError: 'user' — ünïcödé ✓")
            .withCulprit(null)
            .withFirstSeen(Instant.parse("2026-11-20T01:02:03.456Z"))
            .withEventCount(12345)
            .build();

    FixRun run = inserted(issue);

    assertThat(store.find(run.id()).orElseThrow().issue()).isEqualTo(issue);
  }

  @Test
  @DisplayName("the run insert hands back is the run stored, even with sub-microsecond times")
  void insertIfAbsent_handsBackTheStoredRun_whateverThePrecisionOfItsTimes() {
    Issue issue =
        Issues.anIssue().withFirstSeen(Instant.parse("2026-11-20T01:02:03.123456789Z")).build();
    Instant now = T0.plusNanos(987_654_321);

    FixRun run = inserted(issue, now);

    assertThat(store.find(run.id())).contains(run);
    assertThat(store.findByIssue(issue.id())).contains(run);
    assertThat(Duration.between(run.createdAt(), now).abs()).isLessThan(Duration.ofNanos(1_000));
  }

  @Test
  @DisplayName("issues with and without their optional fields round-trip through one store")
  void insertIfAbsent_keepsFields_whetherOptionalOnesAreSetOrNot() {
    Issue bare =
        new Issue(
            new dev.autofix.core.model.IssueId("sentry", "bare-1"),
            null,
            null,
            "t",
            null,
            dev.autofix.core.model.Level.ERROR,
            null,
            null,
            0);
    Issue full = Issues.anIssue().withProject("api").withCulprit("a.py in f").build();
    Issue bareAgain =
        new Issue(
            new dev.autofix.core.model.IssueId("sentry", "bare-2"),
            "API-2",
            "api",
            "t2",
            null,
            dev.autofix.core.model.Level.FATAL,
            null,
            null,
            7);

    for (Issue issue : List.of(bare, full, bareAgain)) {
      FixRun run = inserted(issue);
      assertThat(store.find(run.id()).orElseThrow().issue()).isEqualTo(issue);
    }
  }

  @Test
  @DisplayName("64 threads inserting one issue at once create exactly one run")
  void insertIfAbsent_createsOneRun_underContention() throws Exception {
    Issue issue = Issues.anIssue().build();
    List<RunStore.InsertResult> results = concurrently(64, () -> store.insertIfAbsent(issue, T0));

    assertThat(results.stream().filter(r -> r instanceof RunStore.Inserted).count()).isEqualTo(1);
    assertThat(results).allMatch(r -> !(r instanceof RunStore.Unavailable));
    assertThat(store.list(RunStore.RunQuery.firstPage(10))).hasSize(1);
  }

  @Test
  @DisplayName("claim takes the oldest runnable run, counts the attempt and sets the lease")
  void claimNext_takesOldestRunnable() {
    FixRun first = inserted(Issues.anIssue().build(), T0);
    inserted(Issues.anIssue().build(), T0.plusSeconds(1));

    FixRun claimed = store.claimNext(claim("w1", T0.plusSeconds(2), 5)).orElseThrow();

    assertThat(claimed.id()).isEqualTo(first.id());
    assertThat(claimed.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(claimed.attempts()).isEqualTo(1);
    assertThat(claimed.leaseOwner()).isEqualTo("w1");
    assertThat(claimed.leaseUntil()).isEqualTo(T0.plusSeconds(2).plus(LEASE));
    assertThat(claimed.startedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(store.find(first.id())).contains(claimed);
  }

  @Test
  @DisplayName("claim returns nothing when no run is runnable")
  void claimNext_returnsEmpty_whenNothingRunnable() {
    assertThat(store.claimNext(claim("w1", T0, 1))).isEmpty();
  }

  @Test
  @DisplayName("claim holds the global cap on running runs")
  void claimNext_respectsMaxRunning() {
    inserted(Issues.anIssue().build(), T0);
    inserted(Issues.anIssue().build(), T0.plusSeconds(1));
    inserted(Issues.anIssue().build(), T0.plusSeconds(2));

    assertThat(store.claimNext(claim("w1", T0.plusSeconds(3), 2))).isPresent();
    assertThat(store.claimNext(claim("w2", T0.plusSeconds(3), 2))).isPresent();
    assertThat(store.claimNext(claim("w3", T0.plusSeconds(3), 2))).isEmpty();
  }

  @Test
  @DisplayName("a deferred run is claimable only once its retry time has come")
  void claimNext_waitsForNotBefore() {
    FixRun run = inserted(Issues.anIssue().build(), T0);
    FixRun claimed = store.claimNext(claim("w1", T0, 1)).orElseThrow();
    Instant tomorrow = Instant.parse("2026-11-25T00:00:00Z");
    applied(
        transition(
            claimed,
            RunStatus.DEFERRED,
            "w1",
            RunChange.because("cap").withNotBefore(tomorrow).refundingAttempt()));

    assertThat(store.claimNext(claim("w1", tomorrow.minusMillis(1), 1))).isEmpty();
    FixRun again = store.claimNext(claim("w1", tomorrow, 1)).orElseThrow();
    assertThat(again.id()).isEqualTo(run.id());
    assertThat(again.attempts()).as("a deferral gives its attempt back").isEqualTo(1);
  }

  @Test
  @DisplayName("two workers claiming from 200 runs claim each run once")
  void claimNext_claimsEachRunOnce_withTwoWorkers() throws Exception {
    for (int i = 0; i < 200; i++) {
      inserted(Issues.anIssue().build(), T0.plusMillis(i));
    }
    Set<RunId> claimed = Collections.synchronizedSet(new HashSet<>());
    List<Integer> duplicates = Collections.synchronizedList(new ArrayList<>());
    concurrently(
        2,
        () -> {
          String worker = "w-" + Thread.currentThread().threadId();
          Optional<FixRun> next;
          while ((next = store.claimNext(claim(worker, T0.plusSeconds(1), 1000))).isPresent()) {
            if (!claimed.add(next.get().id())) {
              duplicates.add(1);
            }
          }
          return null;
        });
    assertThat(duplicates).isEmpty();
    assertThat(claimed).hasSize(200);
  }

  @Test
  @DisplayName("a transition is guarded by the expected status")
  void transition_conflicts_whenStatusIsNotTheExpectedOne() {
    FixRun run = inserted(Issues.anIssue().build());

    RunStore.TransitionResult result =
        store.transition(
            new RunStore.Transition(
                run.id(), RunStatus.RUNNING, RunStatus.FAILED, T0, null, RunChange.none()));

    assertThat(result).isInstanceOf(RunStore.Conflict.class);
    assertThat(((RunStore.Conflict) result).actual().status()).isEqualTo(RunStatus.QUEUED);
    assertThat(store.find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
  }

  @Test
  @DisplayName("a transition of a running run is guarded by the lease owner")
  void transition_conflicts_whenLeaseOwnerDiffers() {
    inserted(Issues.anIssue().build());
    FixRun claimed = store.claimNext(claim("w1", T0, 1)).orElseThrow();

    assertThat(store.transition(transition(claimed, RunStatus.FAILED, "w2", RunChange.none())))
        .isInstanceOf(RunStore.Conflict.class);
    assertThat(store.transition(transition(claimed, RunStatus.FAILED, "w1", RunChange.none())))
        .isInstanceOf(RunStore.Applied.class);
  }

  @Test
  @DisplayName("a transition on an unknown run says so")
  void transition_returnsNotFound_forUnknownRun() {
    RunId unknown = new RunId(987_654_321L);
    assertThat(
            store.transition(
                new RunStore.Transition(
                    unknown, RunStatus.QUEUED, RunStatus.CANCELLED, T0, null, RunChange.none())))
        .isEqualTo(new RunStore.NotFound(unknown));
  }

  @Test
  @DisplayName("an illegal transition is rejected before it reaches the store")
  void transition_rejectsIllegalTransitions() {
    FixRun run = inserted(Issues.anIssue().build());
    assertThatThrownBy(
            () ->
                store.transition(
                    new RunStore.Transition(
                        run.id(),
                        RunStatus.QUEUED,
                        RunStatus.PR_OPENED,
                        T0,
                        null,
                        RunChange.none())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queued -> pr_opened");
  }

  @Test
  @DisplayName("a finished run records its results, and a retry queues it again")
  void transition_recordsResults_andRetryRequeues() {
    inserted(Issues.anIssue().build());
    FixRun claimed = store.claimNext(claim("w1", T0, 1)).orElseThrow();
    URI pr = URI.create("https://github.example/acme/app/pull/7");
    FixRun done =
        applied(
            transition(
                claimed,
                RunStatus.PR_OPENED,
                "w1",
                RunChange.because("draft pull request")
                    .withAgent("claude")
                    .withBranch("autofix/backend-1")
                    .withPullRequestUrl(pr)
                    .withSummary("guarded the division")
                    .withCostUsd(new BigDecimal("1.2345"))));

    assertThat(done.status()).isEqualTo(RunStatus.PR_OPENED);
    assertThat(done.pullRequestUrl()).isEqualTo(pr);
    assertThat(done.agent()).isEqualTo("claude");
    assertThat(done.branch()).isEqualTo("autofix/backend-1");
    assertThat(done.summary()).isEqualTo("guarded the division");
    assertThat(done.costUsd()).isEqualByComparingTo("1.2345");
    assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(done.leaseOwner()).isNull();
    assertThat(store.find(done.id())).contains(done);

    FixRun retried =
        applied(
            new RunStore.Transition(
                done.id(),
                RunStatus.PR_OPENED,
                RunStatus.QUEUED,
                T0.plusSeconds(2),
                null,
                RunChange.because("retried")));
    assertThat(retried.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(retried.attempts()).isZero();
    assertThat(retried.finishedAt()).isNull();
    assertThat(retried.pullRequestUrl()).isEqualTo(pr);
  }

  @Test
  @DisplayName(
      "a verified fix waiting to be published round-trips, survives claim and recovery, and goes"
          + " when the run ends")
  void transition_keepsAVerifiedFix_untilTheRunEnds() {
    inserted(Issues.anIssue().build());
    FixRun claimed = store.claimNext(claim("w1", T0, 1)).orElseThrow();
    VerifiedFix fix =
        new VerifiedFix(
            new Patch(
                "autofix/backend-1",
                "0123456789abcdef0123456789abcdef01234567",
                List.of("src/Orders.java", "src/Totals.java"),
                "2 files changed, 9 insertions(+)",
                java.nio.file.Path.of("/data/kept/run-1/git")),
            "refs/remotes/origin/main",
            12,
            new VerifiedFix.Check(
                VerifiedFix.Outcome.PASSED,
                "mvn -q test",
                0,
                Duration.ofMillis(4_250),
                "Tests run: 7, Failures: 0"),
            Duration.ofSeconds(95),
            T0.plusSeconds(1),
            1,
            "GitHub is unavailable (502: Bad Gateway)");
    FixRun postponed =
        applied(
            transition(
                claimed,
                RunStatus.QUEUED,
                "w1",
                RunChange.because("publish later")
                    .withNotBefore(T0.plusSeconds(61))
                    .withBranch("autofix/backend-1")
                    .withVerifiedFix(fix)
                    .refundingAttempt()));

    assertThat(postponed.verifiedFix()).isEqualTo(fix);
    assertThat(postponed.branch()).isEqualTo("autofix/backend-1");
    assertThat(postponed.attempts()).isZero();
    assertThat(store.find(postponed.id()).orElseThrow().verifiedFix()).isEqualTo(fix);

    // claimed again, abandoned by its worker and recovered: the fix is still there to publish
    FixRun again = store.claimNext(claim("w2", T0.plusSeconds(61), 1)).orElseThrow();
    assertThat(again.verifiedFix()).isEqualTo(fix);
    List<FixRun> recovered = store.recoverExpired(T0.plusSeconds(61).plus(LEASE).plusSeconds(1), 3);
    assertThat(recovered)
        .singleElement()
        .satisfies(r -> assertThat(r.verifiedFix()).isEqualTo(fix));

    FixRun third =
        store.claimNext(claim("w3", T0.plus(LEASE).plus(Duration.ofMinutes(5)), 1)).orElseThrow();
    VerifiedFix tried = third.verifiedFix().failedAgain("GitHub timed out");
    FixRun later =
        applied(
            transition(
                third,
                RunStatus.QUEUED,
                "w3",
                RunChange.because("publish later").withVerifiedFix(tried).refundingAttempt()));
    assertThat(later.verifiedFix().publishTries()).isEqualTo(2);
    assertThat(later.verifiedFix().lastFailure()).isEqualTo("GitHub timed out");

    FixRun fourth = store.claimNext(claim("w4", T0.plus(Duration.ofHours(2)), 1)).orElseThrow();
    FixRun opened =
        applied(
            transition(
                fourth,
                RunStatus.PR_OPENED,
                "w4",
                RunChange.because("opened")
                    .withPullRequestUrl(URI.create("https://github.example/acme/app/pull/9"))));
    assertThat(opened.verifiedFix()).isNull();
    assertThat(opened.branch()).isEqualTo("autofix/backend-1");
    assertThat(store.find(opened.id()).orElseThrow().verifiedFix()).isNull();
  }

  @Test
  @DisplayName("a verified fix with an unverified or failed check and no turns round-trips")
  void transition_keepsAVerifiedFix_withItsOptionalPartsEmpty() {
    inserted(Issues.anIssue().build());
    FixRun claimed = store.claimNext(claim("w1", T0, 1)).orElseThrow();
    VerifiedFix fix =
        new VerifiedFix(
            new Patch(
                "autofix/backend-1",
                "0123456789abcdef0123456789abcdef01234567",
                List.of(),
                "",
                java.nio.file.Path.of("/data/kept/run-1/git")),
            "main",
            null,
            new VerifiedFix.Check(VerifiedFix.Outcome.FAILED, "sh test.sh", -1, null, ""),
            Duration.ZERO,
            T0,
            3,
            null);
    FixRun postponed =
        applied(
            transition(
                claimed,
                RunStatus.QUEUED,
                "w1",
                RunChange.because("publish later").withVerifiedFix(fix).refundingAttempt()));

    assertThat(store.find(postponed.id()).orElseThrow().verifiedFix()).isEqualTo(fix);
  }

  @Test
  @DisplayName("the lease is renewed only by its owner while the run is running")
  void renewLease_extendsOwnLeaseOnly() {
    inserted(Issues.anIssue().build());
    FixRun claimed = store.claimNext(claim("w1", T0, 1)).orElseThrow();
    Instant later = T0.plus(Duration.ofHours(1));

    assertThat(store.renewLease(claimed.id(), "w2", later, T0)).isFalse();
    assertThat(store.renewLease(claimed.id(), "w1", later, T0)).isTrue();
    assertThat(store.find(claimed.id()).orElseThrow().leaseUntil()).isEqualTo(later);
  }

  @Test
  @DisplayName("an expired lease puts the run back in the queue, then fails it after max attempts")
  void recoverExpired_requeuesThenFails() {
    FixRun run = inserted(Issues.anIssue().build());
    store.claimNext(claim("w1", T0, 1)).orElseThrow();
    Instant afterLease = T0.plus(LEASE).plusSeconds(1);

    assertThat(store.recoverExpired(T0.plus(LEASE).minusSeconds(1), 2)).isEmpty();
    List<FixRun> first = store.recoverExpired(afterLease, 2);
    assertThat(first)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.id()).isEqualTo(run.id());
              assertThat(r.status()).isEqualTo(RunStatus.QUEUED);
              assertThat(r.attempts()).isEqualTo(1);
              assertThat(r.leaseOwner()).isNull();
            });

    store.claimNext(claim("w2", afterLease, 1)).orElseThrow();
    Instant afterSecondLease = afterLease.plus(LEASE).plusSeconds(1);
    List<FixRun> second = store.recoverExpired(afterSecondLease, 2);
    assertThat(second)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(RunStatus.FAILED);
              assertThat(r.attempts()).isEqualTo(2);
              assertThat(r.reason()).isNotBlank();
            });
  }

  @Test
  @DisplayName("two recoverers recover an expired run exactly once")
  void recoverExpired_recoversOnce_withTwoRecoverers() throws Exception {
    inserted(Issues.anIssue().build());
    store.claimNext(claim("w1", T0, 1)).orElseThrow();
    Instant afterLease = T0.plus(LEASE).plusSeconds(1);

    List<List<FixRun>> results = concurrently(2, () -> store.recoverExpired(afterLease, 3));

    assertThat(results.stream().mapToInt(List::size).sum()).isEqualTo(1);
  }

  @Test
  @DisplayName("list is newest first, filters by status and pages with a cursor")
  void list_isNewestFirst_withStatusAndPaging() {
    List<FixRun> runs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      runs.add(inserted(Issues.anIssue().build(), T0.plusSeconds(i)));
    }
    FixRun claimed = store.claimNext(claim("w1", T0.plusSeconds(10), 1)).orElseThrow();

    List<FixRun> page1 = store.list(RunStore.RunQuery.firstPage(2));
    assertThat(page1).extracting(FixRun::id).containsExactly(runs.get(4).id(), runs.get(3).id());
    List<FixRun> page2 = store.list(new RunStore.RunQuery(null, page1.get(1).id(), 2));
    assertThat(page2).extracting(FixRun::id).containsExactly(runs.get(2).id(), runs.get(1).id());
    List<FixRun> page3 = store.list(new RunStore.RunQuery(null, page2.get(1).id(), 2));
    assertThat(page3).extracting(FixRun::id).containsExactly(runs.get(0).id());

    assertThat(store.list(new RunStore.RunQuery(RunStatus.RUNNING, null, 10)))
        .extracting(FixRun::id)
        .containsExactly(claimed.id());
    assertThat(store.list(new RunStore.RunQuery(RunStatus.QUEUED, null, 10))).hasSize(4);
  }

  @Test
  @DisplayName("history records every transition in order, with its reason")
  void history_recordsEveryTransition() {
    FixRun run = inserted(Issues.anIssue().build());
    FixRun claimed = store.claimNext(claim("w1", T0, 1)).orElseThrow();
    applied(transition(claimed, RunStatus.NO_FIX, "w1", RunChange.because("no change")));

    List<RunEvent> history = store.history(run.id());

    assertThat(history)
        .extracting(RunEvent::to)
        .containsExactly(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.NO_FIX);
    assertThat(history.get(0).from()).isNull();
    assertThat(history.get(2).from()).isEqualTo(RunStatus.RUNNING);
    assertThat(history.get(2).reason()).isEqualTo("no change");
    assertThat(store.history(new RunId(987_654_321L))).isEmpty();
  }

  @Test
  @DisplayName("counts by status include every status")
  void countByStatus_includesEveryStatus() {
    inserted(Issues.anIssue().build());
    inserted(Issues.anIssue().build());
    store.claimNext(claim("w1", T0.plusSeconds(5), 1)).orElseThrow();

    var counts = store.countByStatus();

    assertThat(counts).containsOnlyKeys(RunStatus.values());
    assertThat(counts.get(RunStatus.QUEUED)).isEqualTo(1L);
    assertThat(counts.get(RunStatus.RUNNING)).isEqualTo(1L);
    assertThat(counts.get(RunStatus.FAILED)).isZero();
  }

  @Test
  @DisplayName("every agent attempt keeps its cost in the history, summed over attempts since")
  void attemptCosts_areKeptPerAttempt_inTheHistory_andSummedSince() {
    assertThat(store.attemptCostSince(T0)).isEqualByComparingTo("0");
    FixRun run = inserted(Issues.anIssue().build());
    FixRun first = store.claimNext(claim("w1", T0, 1)).orElseThrow();
    FixRun failed =
        applied(
            transition(
                first,
                RunStatus.FAILED,
                "w1",
                RunChange.because("the agent failed")
                    .withCostUsd(new BigDecimal("0.40"))
                    .withAttemptCost(
                        new AttemptCost("claude", new BigDecimal("0.40"), 1000L, 20L))));
    // a retry: the second attempt's cost is added, never written over the first's
    applied(transition(failed, RunStatus.QUEUED, null, RunChange.because("retried")));
    FixRun second = store.claimNext(claim("w2", T0.plusSeconds(2), 1)).orElseThrow();
    applied(
        new RunStore.Transition(
            second.id(),
            RunStatus.RUNNING,
            RunStatus.NO_FIX,
            T0.plusSeconds(5),
            "w2",
            RunChange.because("no change")
                .withCostUsd(new BigDecimal("0.25"))
                .withAttemptCost(new AttemptCost("codex", new BigDecimal("0.25"), 900L, 30L))));
    FixRun other = inserted(Issues.anIssue().build());
    FixRun third = store.claimNext(claim("w3", T0.plusSeconds(6), 1)).orElseThrow();
    assertThat(third.id()).isEqualTo(other.id());
    applied(
        new RunStore.Transition(
            third.id(),
            RunStatus.RUNNING,
            RunStatus.FAILED,
            T0.plusSeconds(7),
            "w3",
            RunChange.because("timed out")
                .withAttemptCost(new AttemptCost("command", null, null, null))));

    List<AttemptCost> costs =
        store.history(run.id()).stream().map(RunEvent::cost).filter(c -> c != null).toList();
    assertThat(costs)
        .containsExactly(
            new AttemptCost("claude", new BigDecimal("0.40"), 1000L, 20L),
            new AttemptCost("codex", new BigDecimal("0.25"), 900L, 30L));
    assertThat(costs.get(0).costUsd()).isEqualByComparingTo("0.40");
    assertThat(store.history(other.id()).getLast().cost())
        .as("an attempt of unknown cost is recorded as an attempt")
        .isEqualTo(new AttemptCost("command", null, null, null));
    assertThat(store.attemptCostSince(T0)).isEqualByComparingTo("0.65");
    Map<RunId, BigDecimal> perRun =
        store.attemptCosts(List.of(run.id(), other.id(), new RunId(999)));
    assertThat(perRun).containsOnlyKeys(run.id());
    assertThat(perRun.get(run.id())).isEqualByComparingTo("0.65");
    assertThat(store.attemptCosts(List.of())).isEmpty();
    assertThat(store.attemptCostSince(T0.plusSeconds(2))).isEqualByComparingTo("0.25");
    assertThat(store.attemptCostSince(T0.plusSeconds(8))).isEqualByComparingTo("0");
  }

  @Test
  @DisplayName("a page of runs filters by project and searches the short id, wildcards as text")
  void list_filtersByProject_andSearchesTheShortId() {
    inserted(Issues.anIssue().withProject("backend").withShortId("BACKEND-4Z").build());
    inserted(Issues.anIssue().withProject("backend").withShortId("BACKEND-51").build());
    inserted(Issues.anIssue().withProject("web").withShortId("WEB-4Z").build());
    inserted(Issues.anIssue().withProject("web").withShortId("WEB_1").build());

    assertThat(
            store.list(new RunStore.RunQuery(null, null, 10, "backend", null)).stream()
                .map(r -> r.issue().shortId()))
        .containsExactly("BACKEND-51", "BACKEND-4Z");
    assertThat(
            store.list(new RunStore.RunQuery(null, null, 10, null, "4z")).stream()
                .map(r -> r.issue().shortId()))
        .containsExactly("WEB-4Z", "BACKEND-4Z");
    assertThat(
            store.list(new RunStore.RunQuery(null, null, 10, "web", "4Z")).stream()
                .map(r -> r.issue().shortId()))
        .containsExactly("WEB-4Z");
    assertThat(store.list(new RunStore.RunQuery(null, null, 10, null, "%")))
        .as("% is text, not a wildcard")
        .isEmpty();
    assertThat(
            store.list(new RunStore.RunQuery(null, null, 10, null, "_")).stream()
                .map(r -> r.issue().shortId()))
        .as("_ is text, not a wildcard")
        .containsExactly("WEB_1");
    assertThat(store.list(new RunStore.RunQuery(null, null, 10, "nope", null))).isEmpty();
  }

  // helpers

  protected FixRun inserted(Issue issue) {
    return inserted(issue, T0);
  }

  protected FixRun inserted(Issue issue, Instant at) {
    RunStore.InsertResult result = store.insertIfAbsent(issue, at);
    assertThat(result).isInstanceOf(RunStore.Inserted.class);
    return ((RunStore.Inserted) result).run();
  }

  protected static RunStore.Claim claim(String owner, Instant now, int maxRunning) {
    return new RunStore.Claim(owner, now, LEASE, maxRunning);
  }

  private static RunStore.Transition transition(
      FixRun run, RunStatus to, String owner, RunChange change) {
    return new RunStore.Transition(run.id(), run.status(), to, T0.plusSeconds(1), owner, change);
  }

  private FixRun applied(RunStore.Transition transition) {
    RunStore.TransitionResult result = store.transition(transition);
    assertThat(result).isInstanceOf(RunStore.Applied.class);
    return ((RunStore.Applied) result).run();
  }

  /** Runs {@code task} on {@code threads} threads released at once; returns every result. */
  protected static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
    return Concurrently.run(threads, task);
  }
}
