package dev.autofix.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixTargets;
import dev.autofix.core.port.RunLogs;
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
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The attempt under faults and races: a busy spend ceiling, a store error, a cancel at the edge.
 */
class FixNextRunFaultsTest {
  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private final InMemoryRunStore store = new InMemoryRunStore();
  private final InMemoryRateLimiter limiter = new InMemoryRateLimiter(10, clock, ZoneOffset.UTC);
  private final FakeIssueSource source = new FakeIssueSource();
  private final InMemoryWorkspaces workspaces = new InMemoryWorkspaces();
  private final ScriptedAgentRunner agent = new ScriptedAgentRunner("claude");
  private final FakeFixVerifier verifier = new FakeFixVerifier();
  private final RecordingPullRequestPublisher publisher = new RecordingPullRequestPublisher();
  private final InMemoryRunLogs logs = new InMemoryRunLogs();
  private final RecordingDefectReporter defects = new RecordingDefectReporter();

  private FixRun queue(Issue issue) {
    source.knows(issue);
    var inserted = (RunStore.Inserted) store.insertIfAbsent(issue, clock.instant());
    clock.advance(Duration.ofMillis(1));
    return inserted.run();
  }

  private FixNextRun.Result fix(RunStore s, RunLogs l, AutofixPolicy policy, String worker) {
    return new FixNextRun(
            new FixNextRun.Ports(
                s,
                limiter,
                source,
                new FixTargets.Target(workspaces, agent, verifier, publisher),
                l,
                defects),
            policy,
            clock)
        .execute(new FixNextRun.Command(worker));
  }

  /**
   * Ceiling $10, Claude's default per-run budget $3, two workers. Nothing has been spent today. Two
   * issues arrive at once; both are claimed; each attempt counts the other as running, so each
   * projects $0 + 2 x $3 ... fine; with four workers and four issues: $0 + 4 x $3 = $12 > $10, and
   * every one of them is deferred to tomorrow midnight, although any three of them fit today.
   */
  @Test
  void spendCeiling_doesNotDeferEveryConcurrentRunToTomorrow_whenNothingWasSpent() {
    AutofixPolicy policy =
        AutofixPolicy.defaults()
            .withMaxConcurrent(4)
            .withSpendCeiling(new SpendCeiling(new BigDecimal("10"), ZoneOffset.UTC));
    agent.withBudgetPerRun("3");
    for (int i = 0; i < 4; i++) {
      queue(Issues.anIssue().build());
      agent.thenEdits(workspaces, "a" + i + ".py", "fixed");
    }
    // three other workers have claimed their runs and are fetching the issue, say
    for (int i = 2; i <= 4; i++) {
      store.claimNext(
          new RunStore.Claim(
              "worker-" + i, clock.instant(), policy.lease(), policy.maxConcurrent()));
    }

    FixNextRun.Result mine = fix(store, logs, policy, "worker-1");

    assertThat(store.attemptCostSince(Instant.parse("2026-11-24T00:00:00Z"))).isZero();
    assertThat(mine)
        .as(
            "$0 spent today; a run deferred now waits until tomorrow, though the others may"
                + " spend a fraction of their budget, or never start an agent at all")
        .isNotInstanceOf(FixNextRun.Deferred.class);
  }

  /**
   * A transient store error while summing today's spend fails the run for good (one agent per issue
   * ever: this issue is never fixed), while a limiter error postpones it.
   */
  @Test
  void spendCeiling_aTransientStoreErrorPostponesLikeTheLimiter_insteadOfFailingTheRun() {
    AutofixPolicy policy =
        AutofixPolicy.defaults()
            .withSpendCeiling(new SpendCeiling(new BigDecimal("10"), ZoneOffset.UTC));
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    AtomicBoolean failOnce = new AtomicBoolean(true);
    RunStore flaky =
        (RunStore)
            Proxy.newProxyInstance(
                RunStore.class.getClassLoader(),
                new Class<?>[] {RunStore.class},
                (p, m, args) -> {
                  if (m.getName().equals("attemptCostSince") && failOnce.getAndSet(false)) {
                    throw new IllegalStateException("connection reset");
                  }
                  try {
                    return m.invoke(store, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });

    FixNextRun.Result result = fix(flaky, logs, policy, "worker-1");

    assertThat(store.find(queued.id()).orElseThrow().status())
        .as("nothing about the run went wrong")
        .isNotEqualTo(RunStatus.FAILED);
    assertThat(result).isInstanceOf(FixNextRun.Postponed.class);
  }

  /**
   * The database goes away mid-run (the embedded server restarting): the outage is no defect. The
   * run's first transition fails with it, the postponement is tried again once the store answers,
   * and the run waits in the queue; nothing is reported.
   */
  @Test
  void aDatabaseOutageMidRun_postponesTheRun_andReportsNoDefect() {
    FixRun queued = queue(Issues.anIssue().build());
    agent.thenEdits(workspaces, "a.py", "fixed");
    java.util.concurrent.atomic.AtomicInteger outages =
        new java.util.concurrent.atomic.AtomicInteger(2);
    RunStore flaky =
        (RunStore)
            Proxy.newProxyInstance(
                RunStore.class.getClassLoader(),
                new Class<?>[] {RunStore.class},
                (p, m, args) -> {
                  if (m.getName().equals("transition") && outages.getAndDecrement() > 0) {
                    throw new dev.autofix.core.OutageException(
                        "PostgreSQL is unreachable: the database system is starting up", null);
                  }
                  try {
                    return m.invoke(store, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });

    FixNextRun.Result result = fix(flaky, logs, AutofixPolicy.defaults(), "worker-1");

    assertThat(result).isInstanceOf(FixNextRun.Postponed.class);
    FixRun after = store.find(queued.id()).orElseThrow();
    assertThat(after.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(after.reason()).contains("an outage interrupted the run");
    assertThat(defects.defects()).isEmpty();
  }

  /** The disk is full before the run starts: it waits, without a permit or an agent. */
  @Test
  void aFullDisk_postponesTheRunBeforeItsPermit() {
    FixRun queued = queue(Issues.anIssue().build());
    workspaces.unavailable("the file system of /data is full: 3 MiB free");

    FixNextRun.Result result = fix(store, logs, AutofixPolicy.defaults(), "worker-1");

    assertThat(result).isInstanceOf(FixNextRun.Postponed.class);
    FixRun after = store.find(queued.id()).orElseThrow();
    assertThat(after.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(after.notBefore()).isEqualTo(clock.instant().plus(Duration.ofSeconds(30)));
    assertThat(after.attempts()).isZero();
    assertThat(limiter.usage().used()).as("no permit taken").isZero();
    assertThat(workspaces.prepared()).isEmpty();
    assertThat(defects.defects()).isEmpty();
  }

  /** The disk fills while the worktree is made: the failure is the outage, not a defect. */
  @Test
  void aStepThatFailsWhileTheDiskIsFull_postponesTheRun_insteadOfFailingIt() {
    FixRun queued = queue(Issues.anIssue().build());
    workspaces
        .onPrepare(run -> workspaces.unavailable("cannot write in /data: No space left on device"))
        .failNextPrepare(new IllegalStateException("git worktree add failed"));

    FixNextRun.Result result = fix(store, logs, AutofixPolicy.defaults(), "worker-1");

    assertThat(result).isInstanceOf(FixNextRun.Postponed.class);
    FixRun after = store.find(queued.id()).orElseThrow();
    assertThat(after.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(defects.defects()).isEmpty();
    assertThat(store.history(queued.id()))
        .anySatisfy(
            e ->
                assertThat(e.reason())
                    .contains("git worktree add failed")
                    .contains("No space left on device"));
    assertThat(limiter.usage().used()).as("the unspent permit is given back").isZero();

    workspaces.unavailable(null);
    clock.advance(Duration.ofMinutes(2));
    assertThat(fix(store, logs, AutofixPolicy.defaults(), "worker-1"))
        .isNotInstanceOf(FixNextRun.Postponed.class);
  }

  /**
   * The lease is lost (run cancelled) just after the last check before the agent, while a short
   * step runs: the heartbeat sees it, finds the attempt not interruptible, and quits. The agent
   * then starts and runs its full length, billed, for a cancelled run: nothing stops it.
   */
  @Test
  void aLeaseLostJustBeforeTheAgent_stillStopsTheAgent() throws Exception {
    AutofixPolicy policy = AutofixPolicy.defaults().withLease(Duration.ofMillis(90));
    FixRun queued = queue(Issues.anIssue().build());
    AtomicBoolean interrupted = new AtomicBoolean(false);
    agent.then(
        task -> {
          try {
            Thread.sleep(1_500); // a long agent
            return new AgentRunner.Completed(dev.autofix.core.model.AgentReport.empty());
          } catch (InterruptedException e) {
            interrupted.set(true);
            Thread.currentThread().interrupt();
            return new AgentRunner.Failed(143, "killed");
          }
        });
    RunLogs slowLog =
        new RunLogs() {
          @Override
          public String tail(RunId id, int maxChars) {
            return logs.tail(id, maxChars);
          }

          @Override
          public RunLogs.RunLog open(RunId id) {
            RunLogs.RunLog real = logs.open(id);
            return line -> {
              real.append(line);
              if (line.startsWith("agent ")) {
                // a cancel lands here, and the log write takes a moment (a slow disk, say)
                new CancelRun(store, clock).execute(new CancelRun.Command(queued.id(), "operator"));
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            };
          }
        };

    long t0 = System.nanoTime();
    FixNextRun.Result result = fix(store, slowLog, policy, "worker-1");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Thread.interrupted();

    assertThat(result).isEqualTo(new FixNextRun.Interrupted(queued.id(), RunStatus.CANCELLED));
    assertThat(interrupted.get())
        .as("the agent of a cancelled run is stopped (it ran " + ms + " ms)")
        .isTrue();
  }

  @SuppressWarnings("unused")
  private static RunId id(long v) {
    return new RunId(v);
  }
}
