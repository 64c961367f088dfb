package dev.autofix.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.AgentReport;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.PullRequestPublisher;
import dev.autofix.core.port.RunStore;
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
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

// Lives in the testkit module: see RecordIssueTest.
class FixNextRunTest {
  private static final String WORKER = "worker-1";

  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private final InMemoryRunStore store = new InMemoryRunStore();
  private final InMemoryRateLimiter limiter = new InMemoryRateLimiter(2, clock, ZoneOffset.UTC);
  private final FakeIssueSource source = new FakeIssueSource();
  private final InMemoryWorkspaces workspaces = new InMemoryWorkspaces();
  private final ScriptedAgentRunner agent = new ScriptedAgentRunner("claude");
  private final FakeFixVerifier verifier = new FakeFixVerifier();
  private final RecordingPullRequestPublisher publisher = new RecordingPullRequestPublisher();
  private final InMemoryRunLogs logs = new InMemoryRunLogs();
  private final RecordingDefectReporter defects = new RecordingDefectReporter();
  private AutofixPolicy policy = AutofixPolicy.defaults();
  private boolean limiterDown;

  @Test
  void execute_isIdle_whenNothingIsQueued() {
    assertThat(fix()).isEqualTo(new FixNextRun.Idle());
  }

  @Test
  void execute_opensDraftPullRequest_whenAgentFixesTheIssue() {
    FixRun queued = queue(Issues.anIssue().withShortId("BACKEND-4Z").build());
    agent.thenEdits(workspaces, "app/billing.py", "guarded the empty invoice");
    verifier.then(new FixVerifier.Passed("pytest", Duration.ofSeconds(3), "3 passed"));

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.PrOpened.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.PR_OPENED);
    assertThat(run.pullRequestUrl()).hasToString("https://github.example/acme/app/pull/1");
    assertThat(run.branch()).isEqualTo("autofix/backend-4z");
    assertThat(run.agent()).isEqualTo("claude");
    assertThat(run.summary()).isEqualTo("guarded the empty invoice");
    assertThat(run.costUsd()).isEqualByComparingTo("0.42");
    assertThat(run.leaseOwner()).isNull();
    assertThat(run.finishedAt()).isEqualTo(clock.instant());
    assertThat(store.history(queued.id()).getLast().cost())
        .as("the attempt's cost, in the transition that ended it")
        .isEqualTo(
            new dev.autofix.core.model.AttemptCost(
                "claude", new java.math.BigDecimal("0.42"), null, null));
    assertThat(store.history(queued.id()).stream().filter(e -> e.cost() != null)).hasSize(1);

    var request = publisher.requests().getFirst();
    assertThat(request.verification()).isInstanceOf(FixVerifier.Passed.class);
    assertThat(request.patch().changedFiles()).containsExactly("app/billing.py");
    assertThat(request.agent()).isEqualTo("claude");
    assertThat(workspaces.commitMessages().getFirst())
        .startsWith("fix: ZeroDivisionError: division by zero (BACKEND-4Z)")
        .endsWith(
            "\n\nAutofix-Issue: "
                + queued.issue().id().source()
                + ":"
                + queued.issue().id().value()
                + "\n");
    assertThat(agent.tasks().getFirst().details().exceptions()).isNotEmpty();
    assertThat(source.feedback()).singleElement().isInstanceOf(IssueSource.PullRequestOpened.class);
    assertThat(workspaces.released()).hasSize(1);
    assertThat(limiter.usage().used()).isEqualTo(1);
    assertThat(logs.tail(queued.id(), 10_000)).contains("edited app/billing.py");
    assertThat(defects.defects()).isEmpty();
  }

  @Test
  void execute_defersToNextDay_whenDailyCapIsReached_thenRunsAfterMidnight() {
    limiter.tryAcquire();
    limiter.tryAcquire();
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");

    FixNextRun.Result deferred = fix();

    Instant midnight = Instant.parse("2026-11-25T00:00:00Z");
    assertThat(deferred).isInstanceOf(FixNextRun.Deferred.class);
    assertThat(((FixNextRun.Deferred) deferred).retryAt()).isEqualTo(midnight);
    FixRun waiting = store.find(queued.id()).orElseThrow();
    assertThat(waiting.status()).isEqualTo(RunStatus.DEFERRED);
    assertThat(waiting.notBefore()).isEqualTo(midnight);
    assertThat(waiting.attempts()).as("a deferral is not an attempt").isZero();
    assertThat(waiting.reason()).contains("daily cap of 2");
    assertThat(agent.tasks()).as("not billed: no agent ran").isEmpty();
    assertThat(fix()).as("still the same day").isEqualTo(new FixNextRun.Idle());

    clock.set(midnight);

    assertThat(fix()).isInstanceOf(FixNextRun.PrOpened.class);
    assertThat(store.find(queued.id()).orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  void execute_defersBeforeTheSpendCeiling_countingEachRunningAgentAtItsBudget() {
    policy =
        policy.withSpendCeiling(new SpendCeiling(new java.math.BigDecimal("1.00"), ZoneOffset.UTC));
    agent.withBudgetPerRun("0.50");
    var roomy = new InMemoryRateLimiter(10, clock, ZoneOffset.UTC);
    for (int i = 0; i < 3; i++) {
      queue(Issues.anIssue().build());
      agent.thenEdits(workspaces, "a" + i + ".py", "fixed"); // each reports $0.42
    }

    assertThat(fix(roomy)).as("$0 + 1 x $0.50").isInstanceOf(FixNextRun.PrOpened.class);
    assertThat(fix(roomy)).as("$0.42 + 1 x $0.50").isInstanceOf(FixNextRun.PrOpened.class);
    FixNextRun.Result third = fix(roomy);

    Instant midnight = Instant.parse("2026-11-25T00:00:00Z");
    assertThat(third).as("$0.84 + 1 x $0.50 > $1.00").isInstanceOf(FixNextRun.Deferred.class);
    FixRun waiting = ((FixNextRun.Deferred) third).run();
    assertThat(waiting.status()).isEqualTo(RunStatus.DEFERRED);
    assertThat(waiting.notBefore()).isEqualTo(midnight);
    assertThat(waiting.reason())
        .contains(
            "daily spend ceiling of $1.00 reached ($0.84 spent today, and this run may cost up to $0.50)");
    assertThat(agent.tasks()).hasSize(2);
    assertThat(roomy.usage().used())
        .as("the count is not taken when the spend denies")
        .isEqualTo(2);

    clock.set(midnight);

    assertThat(fix(roomy)).as("a new day, a new ceiling").isInstanceOf(FixNextRun.PrOpened.class);
  }

  @Test
  void execute_defersAtTheSpendCeiling_whenTheAgentHasNoBudget() {
    policy =
        policy.withSpendCeiling(new SpendCeiling(new java.math.BigDecimal("0.80"), ZoneOffset.UTC));
    var roomy = new InMemoryRateLimiter(10, clock, ZoneOffset.UTC);
    for (int i = 0; i < 3; i++) {
      queue(Issues.anIssue().build());
      agent.thenEdits(workspaces, "a" + i + ".py", "fixed");
    }

    assertThat(fix(roomy)).isInstanceOf(FixNextRun.PrOpened.class);
    assertThat(fix(roomy)).as("$0.42 spent < $0.80").isInstanceOf(FixNextRun.PrOpened.class);
    assertThat(fix(roomy)).as("$0.84 spent").isInstanceOf(FixNextRun.Deferred.class);
    assertThat(agent.tasks()).hasSize(2);
  }

  @Test
  void execute_countsWhatAFailedAgentSpent_againstTheSpendCeiling() {
    policy =
        policy.withSpendCeiling(new SpendCeiling(new java.math.BigDecimal("1.00"), ZoneOffset.UTC));
    agent.withBudgetPerRun("0.50");
    var roomy = new InMemoryRateLimiter(10, clock, ZoneOffset.UTC);
    for (int i = 0; i < 3; i++) {
      queue(Issues.anIssue().build());
      agent.then(
          task ->
              new AgentRunner.Failed(1, "error_max_budget_usd", new java.math.BigDecimal("0.50")));
    }

    assertThat(fix(roomy)).isInstanceOf(FixNextRun.Failed.class);
    assertThat(fix(roomy)).as("$0.50 + $0.50 fits").isInstanceOf(FixNextRun.Failed.class);
    assertThat(fix(roomy))
        .as("$1.00 spent by failed agents")
        .isInstanceOf(FixNextRun.Deferred.class);
    assertThat(agent.tasks()).hasSize(2);
  }

  @Test
  void execute_postponesWithoutTakingAPermit_whenTheAgentCannotStart() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.unavailableBecause("claude is not logged in: run `claude /login`");

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Postponed.class);
    FixRun waiting = store.find(queued.id()).orElseThrow();
    assertThat(waiting.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(waiting.attempts()).isZero();
    assertThat(waiting.notBefore()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
    assertThat(waiting.reason()).contains("the agent cannot start: claude is not logged in");
    assertThat(limiter.usage().used()).as("no permit taken").isZero();
    assertThat(agent.tasks()).isEmpty();

    agent.unavailableBecause(null);
    clock.advance(Duration.ofMinutes(1));
    agent.thenEdits(workspaces, "a.py", "fixed");

    assertThat(fix()).isInstanceOf(FixNextRun.PrOpened.class);
  }

  @Test
  void execute_endsNoFix_whenAgentChangesNothing() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenChangesNothing("could not reproduce: the invoice always has items");

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.NoFix.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.NO_FIX);
    assertThat(run.reason()).contains("no change").contains("could not reproduce");
    assertThat(publisher.requests()).isEmpty();
    assertThat(source.feedback())
        .singleElement()
        .isEqualTo(new IssueSource.EndedWithoutPullRequest(RunStatus.NO_FIX, run.reason()));
    assertThat(workspaces.released()).hasSize(1);
  }

  @Test
  void execute_endsNoFix_whenVerificationFails() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed, trust me");
    verifier.then(new FixVerifier.Failed("pytest", 1, "1 failed, 2 passed"));

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.NoFix.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.reason()).contains("did not pass verification").contains("1 failed");
    assertThat(publisher.requests()).as("the agent's claim is never enough").isEmpty();
  }

  @Test
  void execute_failsAndPublishesNothing_whenTheAgentChangedTheUsersRepository() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.then(
        task -> {
          workspaces.change(task.workspace(), "a.py");
          workspaces.tamper(task.workspace(), "hooks/pre-push (added)");
          return new AgentRunner.Completed(new AgentReport("fixed", null, null, null));
        });
    verifier.then(new FixVerifier.Passed("pytest", Duration.ofSeconds(1), "ok"));

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Failed.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.reason())
        .startsWith("the agent changed your repository: hooks/pre-push (added)")
        .contains("published nothing");
    assertThat(workspaces.commitMessages()).as("nothing committed").isEmpty();
    assertThat(publisher.requests()).isEmpty();
    assertThat(defects.defects()).as("a hostile agent is expected, not a defect").isEmpty();
    assertThat(workspaces.released()).hasSize(1);
  }

  @Test
  void execute_reportsTheTampering_whenTheAgentAlsoFailed() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.then(
        task -> {
          workspaces.tamper(task.workspace(), "config");
          return new AgentRunner.Failed(1, "gave up");
        });

    fix();

    assertThat(store.find(queued.id()).orElseThrow().reason())
        .startsWith("the agent changed your repository: config");
  }

  @Test
  void execute_failsAndPublishesNothing_whenTheTestCommandChangedTheUsersRepository() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    verifier.onVerify(workspace -> workspaces.tamper(workspace, "HEAD"));
    verifier.then(new FixVerifier.Passed("pytest", Duration.ofSeconds(1), "ok"));

    assertThat(fix()).isInstanceOf(FixNextRun.Failed.class);
    assertThat(store.find(queued.id()).orElseThrow().reason())
        .startsWith("the agent changed your repository: HEAD")
        .contains("after the test command ran");
    assertThat(publisher.requests()).isEmpty();
  }

  @Test
  void execute_endsNoFixWithoutPublishing_whenTheTestCommandChangedTheCommittedTree() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    verifier.onVerify(workspace -> workspaces.change(workspace, "b.py"));
    verifier.then(new FixVerifier.Passed("pytest", Duration.ofSeconds(1), "ok"));

    assertThat(fix()).isInstanceOf(FixNextRun.NoFix.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.reason()).isEqualTo("the test command changed b.py");
    assertThat(run.branch()).as("nothing was pushed").isNull();
    assertThat(publisher.requests()).as("what is pushed is what was verified").isEmpty();
  }

  @Test
  void execute_endsNoFix_whenTheChangeCannotBeCommitted() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "big.bin", "fixed");
    workspaces.refuseNextCommit("big.bin is 3 GB; autofix commits files up to 10 MiB");

    assertThat(fix()).isInstanceOf(FixNextRun.NoFix.class);
    assertThat(store.find(queued.id()).orElseThrow().reason())
        .isEqualTo(
            "the change cannot be committed: big.bin is 3 GB; autofix commits files up to 10 MiB");
    assertThat(publisher.requests()).isEmpty();
  }

  @Test
  void execute_opensDraftMarkedUnverified_whenPolicyAllowsIt() {
    policy = policy.withPublishUnverified(true);
    queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    verifier.then(new FixVerifier.Failed("pytest", -1, "timed out"));

    assertThat(fix()).isInstanceOf(FixNextRun.PrOpened.class);
    assertThat(publisher.requests().getFirst().verification())
        .isInstanceOf(FixVerifier.Failed.class);
  }

  @Test
  void execute_fails_whenAgentFails() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenFails(3, "API Error: 401 invalid x-api-key");

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Failed.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.reason()).contains("exit code 3").contains("401 invalid x-api-key");
    assertThat(limiter.usage().used()).as("the agent ran: the attempt is billed").isEqualTo(1);
    assertThat(defects.defects()).as("an agent failure is expected, not a defect").isEmpty();
  }

  @Test
  void execute_fails_whenAgentTimesOut() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenTimesOut(Duration.ofMinutes(30));

    assertThat(fix()).isInstanceOf(FixNextRun.Failed.class);
    assertThat(store.find(queued.id()).orElseThrow().reason()).contains("timed out after PT30M");
    assertThat(store.history(queued.id()).getLast().cost())
        .as("an attempt of unknown cost is still an attempt")
        .isEqualTo(new dev.autofix.core.model.AttemptCost("claude", null, null, null));
  }

  @Test
  void execute_fails_whenPublishIsRejected() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    publisher.then(
        new PullRequestPublisher.Rejected(
            422, "Draft pull requests are not supported in this repository."));

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Failed.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.reason()).contains("422").contains("Draft pull requests are not supported");
    assertThat(run.branch()).as("the branch is kept for a human").startsWith("autofix/");
    assertThat(workspaces.released()).hasSize(1);
  }

  @Test
  void execute_postponesPublishing_withTheVerifiedCommitKept_whenTheHostIsUnavailable() {
    FixRun queued = queue(Issues.anIssue().withShortId("BACKEND-4Z").build());
    agent.thenEdits(workspaces, "app/billing.py", "guarded the empty invoice");
    verifier.then(new FixVerifier.Passed("pytest", Duration.ofSeconds(3), "3 passed"));
    publisher.then(
        new PullRequestPublisher.Unavailable(
            "GitHub answered 502: Bad Gateway", Duration.ZERO, true));
    Instant t0 = clock.instant();

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Postponed.class);
    FixRun waiting = store.find(queued.id()).orElseThrow();
    assertThat(waiting.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(waiting.notBefore()).isEqualTo(t0.plus(Duration.ofMinutes(1)));
    assertThat(waiting.attempts()).as("a postponement is not an attempt").isZero();
    assertThat(waiting.branch())
        .as("recorded though not yet opened")
        .isEqualTo("autofix/backend-4z");
    assertThat(waiting.reason())
        .contains("GitHub answered 502: Bad Gateway")
        .contains("is pushed as autofix/backend-4z")
        .contains("without running the agent again");
    assertThat(waiting.verifiedFix()).isNotNull();
    assertThat(waiting.verifiedFix().patch().repository())
        .as("the kept copy, not the released workspace's")
        .isEqualTo(workspaces.kept().get(queued.id()).repository());
    assertThat(workspaces.released()).hasSize(1);
    assertThat(defects.defects()).isEmpty();
    assertThat(source.feedback()).as("the run has not ended").isEmpty();

    clock.advance(Duration.ofSeconds(30));
    assertThat(fix()).as("not before its time").isEqualTo(new FixNextRun.Idle());
    clock.advance(Duration.ofSeconds(31));
    publisher.then(new PullRequestPublisher.Unavailable("GitHub timed out", Duration.ZERO, false));
    assertThat(fix()).isInstanceOf(FixNextRun.Postponed.class);
    FixRun again = store.find(queued.id()).orElseThrow();
    assertThat(again.notBefore())
        .as("twice as long the second time")
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
    assertThat(again.verifiedFix().publishTries()).isEqualTo(2);

    clock.advance(Duration.ofMinutes(2));
    FixNextRun.Result opened = fix();

    assertThat(opened).isInstanceOf(FixNextRun.PrOpened.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.PR_OPENED);
    assertThat(run.verifiedFix()).isNull();
    assertThat(run.summary()).isEqualTo("guarded the empty invoice");
    assertThat(run.agent()).isEqualTo("claude");
    assertThat(agent.tasks()).as("the agent ran once").hasSize(1);
    assertThat(store.history(queued.id()).stream().filter(e -> e.cost() != null))
        .as("one attempt's cost, not one per publish try")
        .hasSize(1);
    assertThat(store.attemptCostSince(Instant.EPOCH)).isEqualByComparingTo("0.42");
    assertThat(limiter.usage().used()).as("one permit, for the one agent run").isEqualTo(1);
    assertThat(workspaces.prepared()).as("no new workspace").hasSize(1);
    var requests = publisher.requests();
    assertThat(requests).hasSize(3);
    assertThat(requests.getLast().patch().commit()).isEqualTo(requests.getFirst().patch().commit());
    assertThat(requests.getLast().verification())
        .isEqualTo(new FixVerifier.Passed("pytest", Duration.ofSeconds(3), "3 passed"));
    assertThat(requests.getLast().report().summary()).isEqualTo("guarded the empty invoice");
    assertThat(requests.getLast().workspace().baseRef())
        .isEqualTo(requests.getFirst().workspace().baseRef());
    assertThat(workspaces.kept()).as("discarded once published").isEmpty();
    assertThat(source.feedback()).singleElement().isInstanceOf(IssueSource.PullRequestOpened.class);
  }

  @Test
  void execute_publishesTheKeptCommit_afterAWorkerDiedWhilePublishingIt() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    publisher.then(
        new PullRequestPublisher.Unavailable("GitHub answered 503", Duration.ZERO, true));
    assertThat(fix()).isInstanceOf(FixNextRun.Postponed.class);
    clock.advance(Duration.ofMinutes(1));

    // another worker claims it and dies; recovery puts it back once its lease expired
    store
        .claimNext(new RunStore.Claim("dead-worker", clock.instant(), policy.lease(), 1))
        .orElseThrow();
    clock.advance(policy.lease().plusSeconds(1));
    assertThat(
            new RecoverRuns(store, new dev.autofix.testkit.CountingWorkSignal(), policy, clock)
                .execute()
                .requeued())
        .hasSize(1);
    assertThat(store.find(queued.id()).orElseThrow().verifiedFix()).isNotNull();

    assertThat(fix()).isInstanceOf(FixNextRun.PrOpened.class);
    assertThat(agent.tasks()).hasSize(1);
    assertThat(workspaces.kept()).isEmpty();
  }

  @Test
  void execute_postponesPublishing_untilTheRetryAfterTheHostAsked() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    publisher.then(
        new PullRequestPublisher.Unavailable(
            "GitHub rate limit (429)", Duration.ofMinutes(20), false));

    assertThat(fix()).isInstanceOf(FixNextRun.Postponed.class);

    assertThat(store.find(queued.id()).orElseThrow().notBefore())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(20)));
  }

  @Test
  void execute_failsInWords_whenTheHostStaysUnavailableBeyondTheRetryWindow() {
    policy =
        policy.withPublishRetry(
            AutofixPolicy.PublishRetry.of(Duration.ofMinutes(1), Duration.ofMinutes(10)));
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    for (int i = 0; i < 10; i++) {
      publisher.then(
          new PullRequestPublisher.Unavailable(
              "GitHub at http://gh unreachable", Duration.ZERO, false));
    }

    FixNextRun.Result last = fix();
    int tries = 1;
    while (last instanceof FixNextRun.Postponed postponed) {
      clock.set(postponed.retryAt());
      last = fix();
      tries++;
    }

    assertThat(last).isInstanceOf(FixNextRun.Failed.class);
    assertThat(tries).as("after 1, 2, 4 and 3 min: the end of the 10 min window").isEqualTo(5);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.reason())
        .contains("stayed unavailable for PT10M (5 tries")
        .contains("the retry window is PT10M")
        .contains("GitHub at http://gh unreachable")
        .doesNotContain("defect");
    assertThat(run.branch()).isNotNull();
    assertThat(run.verifiedFix()).isNull();
    assertThat(workspaces.kept()).isEmpty();
    assertThat(agent.tasks()).hasSize(1);
    assertThat(defects.defects()).isEmpty();
  }

  @Test
  void execute_endsNoFix_whenThereIsNothingToPropose() {
    queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    publisher.then(new PullRequestPublisher.NothingToPropose("No commits between main and x"));

    assertThat(fix()).isInstanceOf(FixNextRun.NoFix.class);
  }

  @Test
  void execute_returnsTheOpenPullRequest_whenBranchAlreadyHasOne() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    var existing =
        new dev.autofix.core.model.PullRequestRef(
            java.net.URI.create("https://github.example/acme/app/pull/9"), 9, "autofix/x", true);
    publisher.then(new PullRequestPublisher.AlreadyOpen(existing));

    assertThat(fix())
        .isEqualTo(new FixNextRun.PrOpened(store.find(queued.id()).orElseThrow(), existing));
  }

  @Test
  void execute_failsAndReportsDefect_whenAgentThrows() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenThrows(new IllegalStateException("bug in the runner"));

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Failed.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.status()).as("a defect never leaves a run running").isEqualTo(RunStatus.FAILED);
    assertThat(run.reason()).startsWith("defect ").contains("bug in the runner");
    assertThat(defects.defects())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.where()).isEqualTo("fix-run");
              assertThat(run.reason()).contains(d.fingerprint());
              assertThat(d.context()).containsEntry("runId", run.id().toString());
            });
    assertThat(limiter.usage().used()).as("the agent had started: billed").isEqualTo(1);
    assertThat(workspaces.released()).hasSize(1);
  }

  @Test
  void execute_failsTheRun_whenAnErrorEscapesTheAgent() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.then(
        task -> {
          throw new OutOfMemoryError("Java heap space (a 3 GB summary file, say)");
        });

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Failed.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.reason()).contains("OutOfMemoryError").contains("Java heap space");
    assertThat(defects.defects()).hasSize(1);
    assertThat(workspaces.released()).hasSize(1);
  }

  @Test
  void execute_refundsPermit_whenDefectHappensBeforeTheAgent() {
    FixRun queued = queue(Issues.anIssue().build());
    workspaces.failNextPrepare(new IllegalStateException("not a git repository"));

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Failed.class);
    assertThat(store.find(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
    assertThat(limiter.usage().used()).as("never started its agent: refunded").isZero();
    assertThat(agent.tasks()).isEmpty();
    assertThat(defects.defects()).hasSize(1);
  }

  @Test
  void execute_failsWithoutBilling_whenSourceNoLongerKnowsTheIssue() {
    Issue issue = Issues.anIssue().build();
    FixRun queued = queue(issue);
    source.onFetch(issue, new IssueSource.NotFound("404: the issue was deleted"));

    assertThat(fix()).isInstanceOf(FixNextRun.Failed.class);
    assertThat(store.find(queued.id()).orElseThrow().reason()).contains("deleted");
    assertThat(limiter.usage().used()).isZero();
  }

  @Test
  void execute_postponesWithoutBilling_whenSourceIsUnavailable() {
    Issue issue = Issues.anIssue().build();
    FixRun queued = queue(issue);
    source.onFetch(
        issue, new IssueSource.Unavailable("429 Too Many Requests", Duration.ofSeconds(60)));

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Postponed.class);
    FixRun waiting = store.find(queued.id()).orElseThrow();
    assertThat(waiting.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(waiting.notBefore()).isEqualTo(clock.instant().plusSeconds(60));
    assertThat(waiting.attempts()).isZero();
    assertThat(limiter.usage().used()).isZero();
    assertThat(fix()).isEqualTo(new FixNextRun.Idle());

    clock.advance(Duration.ofSeconds(60));
    agent.thenEdits(workspaces, "a.py", "fixed");
    assertThat(fix()).isInstanceOf(FixNextRun.PrOpened.class);
  }

  @Test
  void execute_keepsTheRunOutcome_whenFeedbackFails() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    source.onFeedbackThrow(new IllegalStateException("sentry comment endpoint exploded"));

    assertThat(fix()).isInstanceOf(FixNextRun.PrOpened.class);
    assertThat(store.find(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.PR_OPENED);
    assertThat(defects.defects()).hasSize(1);
  }

  @Test
  void execute_keepsPrOpened_andNotesIt_whenFeedbackCannotBePostedAfterRetries() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    source.onFeedback(new IssueSource.NotPosted("Sentry answered 503 three times"));

    assertThat(fix()).isInstanceOf(FixNextRun.PrOpened.class);

    assertThat(store.find(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.PR_OPENED);
    assertThat(logs.tail(queued.id(), 10_000))
        .contains("feedback not posted on the issue after the source's own retries")
        .contains("the run stays pr_opened")
        .contains("Sentry answered 503 three times");
    assertThat(defects.defects()).as("an outage, not a defect").isEmpty();
  }

  @Test
  void execute_recordsNothing_whenRunWasCancelledWhileAgentRan() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.then(
        task -> {
          new CancelRun(store, clock).execute(new CancelRun.Command(task.run().id(), "operator"));
          return new dev.autofix.core.port.AgentRunner.Completed(
              dev.autofix.core.model.AgentReport.empty());
        });

    FixNextRun.Result result = fix();

    assertThat(result).isEqualTo(new FixNextRun.Interrupted(queued.id(), RunStatus.CANCELLED));
    assertThat(store.find(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(publisher.requests()).isEmpty();
  }

  @Test
  void execute_doesNotStartAgent_whenRunWasCancelledBeforeIt() {
    FixRun queued = queue(Issues.anIssue().build());
    workspaces.onPrepare(
        run -> new CancelRun(store, clock).execute(new CancelRun.Command(run.id(), "operator")));

    FixNextRun.Result result = fix();

    assertThat(result).isEqualTo(new FixNextRun.Interrupted(queued.id(), RunStatus.CANCELLED));
    assertThat(agent.tasks()).isEmpty();
    assertThat(limiter.usage().used()).as("refunded: no agent ran").isZero();
    assertThat(workspaces.released()).hasSize(1);
  }

  @Test
  void execute_respectsTheConcurrencyCap_acrossWorkers() {
    queue(Issues.anIssue().build());
    queue(Issues.anIssue().build());
    var inner = new FixNextRun.Result[1];
    agent.then(
        task -> {
          inner[0] = newFixNextRun().execute(new FixNextRun.Command("worker-2"));
          workspaces.change(task.workspace(), "a.py");
          return new dev.autofix.core.port.AgentRunner.Completed(
              dev.autofix.core.model.AgentReport.empty());
        });

    assertThat(fix()).isInstanceOf(FixNextRun.PrOpened.class);
    assertThat(inner[0]).as("one agent at a time").isEqualTo(new FixNextRun.Idle());
  }

  @Test
  void execute_recordsTheAgentOfTheRunsOwnProject() {
    ScriptedAgentRunner codex = new ScriptedAgentRunner("codex");
    RecordingPullRequestPublisher backPublisher = new RecordingPullRequestPublisher();
    dev.autofix.core.port.FixTargets targets =
        run ->
            "back-end".equals(run.issue().project())
                ? new dev.autofix.core.port.FixTargets.Target(
                    workspaces, codex, verifier, backPublisher)
                : new dev.autofix.core.port.FixTargets.Target(
                    workspaces, agent, verifier, publisher);
    FixRun front = queue(Issues.anIssue().withId("f").withProject("front-end").build());
    FixRun back = queue(Issues.anIssue().withId("b").withProject("back-end").build());
    agent.thenEdits(workspaces, "web.js", "fixed the front");
    codex.thenEdits(workspaces, "api.py", "fixed the back");

    for (int i = 0; i < 2; i++) {
      new FixNextRun(
              new FixNextRun.Ports(store, limiter, source, targets, logs, defects), policy, clock)
          .execute(new FixNextRun.Command(WORKER));
    }

    assertThat(store.find(front.id()).orElseThrow().agent()).isEqualTo("claude");
    assertThat(store.find(back.id()).orElseThrow().agent()).isEqualTo("codex");
    assertThat(backPublisher.requests().getFirst().agent()).isEqualTo("codex");
    assertThat(publisher.requests().getFirst().agent()).isEqualTo("claude");
  }

  @Test
  void execute_opensNoPullRequest_whenTheRunIsCancelledWhileItsTestsRun() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    verifier.onVerify(
        workspace ->
            new CancelRun(store, clock)
                .execute(new CancelRun.Command(workspace.runId(), "operator")));
    verifier.then(new FixVerifier.Passed("pytest", Duration.ofSeconds(1), "ok"));

    FixNextRun.Result result = fix();

    assertThat(result).isEqualTo(new FixNextRun.Interrupted(queued.id(), RunStatus.CANCELLED));
    assertThat(publisher.requests()).as("nothing is published after a cancel").isEmpty();
    assertThat(source.feedback()).isEmpty();
    assertThat(workspaces.released()).hasSize(1);
  }

  @Test
  void execute_publishesNothing_whenTheLeaseIsLostBeforePublishing() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    // A long pause (a GC, a suspended VM): the lease expires and recovery gives the run away.
    verifier.onVerify(
        workspace -> {
          clock.advance(policy.lease().plusSeconds(1));
          new RecoverRuns(store, () -> {}, policy, clock).execute();
        });
    verifier.then(new FixVerifier.Passed("pytest", Duration.ofSeconds(1), "ok"));

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Interrupted.class);
    assertThat(publisher.requests()).isEmpty();
    assertThat(store.find(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
  }

  @Test
  void execute_neverLetsAgentStartsExceedTheCap_acrossStopsAndRestarts() {
    InMemoryRateLimiter oneADay = new InMemoryRateLimiter(1, clock, ZoneOffset.UTC);
    queue(Issues.anIssue().build());
    FixRun second = queue(Issues.anIssue().withId("second").build());
    agent.then(
        task -> {
          Thread.currentThread().interrupt(); // SIGTERM while the agent runs
          return new dev.autofix.core.port.AgentRunner.TimedOut(Duration.ZERO, "killed");
        });

    for (int restart = 0; restart < 5; restart++) {
      try {
        fix(oneADay);
      } finally {
        Thread.interrupted();
      }
    }

    assertThat(agent.tasks()).as("one agent start: the cap").hasSize(1);
    assertThat(oneADay.usage().used()).isEqualTo(1);
    assertThat(store.find(second.id()).orElseThrow().status()).isEqualTo(RunStatus.DEFERRED);
  }

  @Test
  void execute_requeuesRunKeepingThePermitSpent_whenWorkerIsStoppedDuringTheAgent() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.then(
        task -> {
          Thread.currentThread().interrupt(); // what Worker.stop does after the grace period
          return new dev.autofix.core.port.AgentRunner.TimedOut(Duration.ZERO, "killed");
        });

    FixNextRun.Result result;
    try {
      result = fix();
    } finally {
      assertThat(Thread.interrupted()).as("the stop request is passed on").isTrue();
    }

    assertThat(result).isInstanceOf(FixNextRun.Stopped.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.status()).as("nothing is left running").isEqualTo(RunStatus.QUEUED);
    assertThat(run.attempts()).isZero();
    assertThat(limiter.usage().used()).as("the agent started: its permit is spent").isEqualTo(1);
    assertThat(workspaces.released()).hasSize(1);
    assertThat(source.feedback()).isEmpty();
    assertThat(store.history(queued.id()).getLast().cost())
        .as("the stopped attempt is still recorded as one")
        .isEqualTo(new dev.autofix.core.model.AttemptCost("claude", null, null, null));
  }

  @Test
  void execute_keepsRunQueued_whenTheLimiterIsDown() {
    FixRun queued = queue(Issues.anIssue().build());
    limiterDown = true;

    FixNextRun.Result result = fix();

    assertThat(result).isInstanceOf(FixNextRun.Postponed.class);
    FixRun run = store.find(queued.id()).orElseThrow();
    assertThat(run.status()).as("nothing is lost").isEqualTo(RunStatus.QUEUED);
    assertThat(run.notBefore()).isEqualTo(clock.instant().plusSeconds(60));
    assertThat(run.attempts()).isZero();
    assertThat(run.reason()).contains("daily cap could not be checked").contains("redis down");
    assertThat(defects.defects()).hasSize(1);
    assertThat(agent.tasks()).isEmpty();

    limiterDown = false;
    clock.advance(Duration.ofMinutes(1));
    agent.thenEdits(workspaces, "a.py", "fixed");
    assertThat(fix()).isInstanceOf(FixNextRun.PrOpened.class);
  }

  @Test
  void execute_stopsTheAgent_whenTheRunIsCancelledWhileItRuns() throws Exception {
    policy = policy.withLease(Duration.ofMillis(90)); // the heartbeat renews every 30 ms
    FixRun queued = queue(Issues.anIssue().build());
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    agent.then(
        task -> {
          started.countDown();
          try {
            Thread.sleep(10_000); // a long agent; the interrupt is how it gets stopped
            return new dev.autofix.core.port.AgentRunner.Completed(
                dev.autofix.core.model.AgentReport.empty());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new dev.autofix.core.port.AgentRunner.Failed(143, "killed");
          }
        });
    var result =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              FixNextRun.Result r = fix();
              return java.util.Map.entry(r, Thread.currentThread().isInterrupted());
            });
    assertThat(started.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    new CancelRun(store, clock).execute(new CancelRun.Command(queued.id(), "operator"));

    var outcome = result.get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(outcome.getKey())
        .isEqualTo(new FixNextRun.Interrupted(queued.id(), RunStatus.CANCELLED));
    assertThat(outcome.getValue()).as("the worker thread carries no stray interrupt").isFalse();
    assertThat(store.find(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(publisher.requests()).isEmpty();
    assertThat(workspaces.released()).hasSize(1);
  }

  @Test
  void execute_renewsTheLease_whileALongAgentRuns() throws Exception {
    policy = policy.withLease(Duration.ofMillis(90));
    FixRun queued = queue(Issues.anIssue().build());
    java.util.List<java.time.Instant> leases = new java.util.concurrent.CopyOnWriteArrayList<>();
    agent.then(
        task -> {
          for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofMillis(40));
            try {
              Thread.sleep(40);
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            leases.add(store.find(task.run().id()).orElseThrow().leaseUntil());
          }
          workspaces.change(task.workspace(), "a.py");
          return new dev.autofix.core.port.AgentRunner.Completed(
              dev.autofix.core.model.AgentReport.empty());
        });

    assertThat(fix()).isInstanceOf(FixNextRun.PrOpened.class);
    assertThat(leases.getLast()).as("renewed while the agent ran").isAfter(leases.getFirst());
    assertThat(store.find(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.PR_OPENED);
  }

  private FixRun queue(Issue issue) {
    source.knows(issue);
    var inserted = (RunStore.Inserted) store.insertIfAbsent(issue, clock.instant());
    clock.advance(Duration.ofMillis(1));
    return inserted.run();
  }

  private FixNextRun.Result fix() {
    return newFixNextRun().execute(new FixNextRun.Command(WORKER));
  }

  /** A fresh use case, as after a restart, with {@code cap} as the daily cap. */
  private FixNextRun.Result fix(dev.autofix.core.port.RateLimiter cap) {
    return new FixNextRun(
            new FixNextRun.Ports(
                store,
                cap,
                source,
                new dev.autofix.core.port.FixTargets.Target(workspaces, agent, verifier, publisher),
                logs,
                defects),
            policy,
            clock)
        .execute(new FixNextRun.Command(WORKER));
  }

  /** The limiter, or one that throws like a Redis that went away while {@code limiterDown}. */
  private dev.autofix.core.port.RateLimiter flakyLimiter() {
    return new dev.autofix.core.port.RateLimiter() {
      @Override
      public Permit tryAcquire() {
        if (limiterDown) {
          throw new IllegalStateException("redis down");
        }
        return limiter.tryAcquire();
      }

      @Override
      public void refund(Granted permit) {
        limiter.refund(permit);
      }

      @Override
      public Usage usage() {
        return limiter.usage();
      }
    };
  }

  private FixNextRun newFixNextRun() {
    return new FixNextRun(
        new FixNextRun.Ports(
            store,
            flakyLimiter(),
            source,
            new dev.autofix.core.port.FixTargets.Target(workspaces, agent, verifier, publisher),
            logs,
            defects),
        policy,
        clock);
  }
}
