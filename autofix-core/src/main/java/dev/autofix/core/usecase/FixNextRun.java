package dev.autofix.core.usecase;

import dev.autofix.core.model.AgentReport;
import dev.autofix.core.model.ErrorDetails;
import dev.autofix.core.model.FixCommits;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.PullRequestRef;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.DefectReporter;
import dev.autofix.core.port.FixTargets;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.PullRequestPublisher;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.port.Workspaces;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Takes the next runnable run and carries it to its end: claim, daily permit, error details,
 * workspace, agent, commit, verification, draft pull request, feedback.
 *
 * <p>Every path ends in a recorded status with a reason. Over the daily cap the run is {@code
 * deferred} to the next day (not lost, not billed). A defect anywhere ends the run as {@code
 * failed} with the defect's fingerprint, and is reported; if the agent had not started yet, the
 * permit is refunded. Should even that write fail, the run's lease expires and recovery takes it.
 */
public final class FixNextRun {
  private static final System.Logger LOG = System.getLogger(FixNextRun.class.getName());
  private static final int REASON_TAIL = 2_000;
  private static final Duration LIMITER_RETRY = Duration.ofMinutes(1);

  private final Ports ports;
  private final AutofixPolicy policy;
  private final Clock clock;

  public FixNextRun(Ports ports, AutofixPolicy policy, Clock clock) {
    this.ports = Objects.requireNonNull(ports, "ports == null");
    this.policy = Objects.requireNonNull(policy, "policy == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** Runs the next runnable run, if any, to its end. Throws only if claiming itself fails. */
  public Result execute(Command command) {
    Optional<FixRun> claimed =
        ports
            .store()
            .claimNext(
                new RunStore.Claim(
                    command.workerId(), clock.instant(), policy.lease(), policy.maxConcurrent()));
    if (claimed.isEmpty()) {
      return new Idle();
    }
    return new Attempt(claimed.get(), command.workerId()).run();
  }

  /**
   * The adapters a run passes through; {@code targets} picks the repository's own (workspaces,
   * agent, verifier, publisher) once per attempt.
   */
  public record Ports(
      RunStore store,
      RateLimiter limiter,
      IssueSource source,
      FixTargets targets,
      RunLogs logs,
      DefectReporter defects) {
    public Ports {
      Objects.requireNonNull(store, "store == null");
      Objects.requireNonNull(limiter, "limiter == null");
      Objects.requireNonNull(source, "source == null");
      Objects.requireNonNull(targets, "targets == null");
      Objects.requireNonNull(logs, "logs == null");
      Objects.requireNonNull(defects, "defects == null");
    }

    /** One repository's adapters for every run. */
    public Ports(
        RunStore store,
        RateLimiter limiter,
        IssueSource source,
        FixTargets.Target target,
        RunLogs logs,
        DefectReporter defects) {
      this(store, limiter, source, FixTargets.single(target), logs, defects);
    }
  }

  /**
   * A worker asking for work.
   *
   * @param workerId the worker's id, recorded as the lease owner
   */
  public record Command(String workerId) {
    public Command {
      Objects.requireNonNull(workerId, "workerId == null");
    }
  }

  /** How the attempt ended. */
  public sealed interface Result
      permits Idle, Deferred, Postponed, PrOpened, NoFix, Failed, Interrupted, Stopped {}

  /** Nothing was runnable (or the concurrency cap is reached). */
  public record Idle() implements Result {}

  /** Over the daily cap: the run waits until {@code retryAt}. */
  public record Deferred(FixRun run, Instant retryAt) implements Result {}

  /** The issue source was unavailable: the run is queued again for {@code retryAt}. */
  public record Postponed(FixRun run, Instant retryAt, String reason) implements Result {}

  /** A draft pull request was opened (or found open). */
  public record PrOpened(FixRun run, PullRequestRef pullRequest) implements Result {}

  /** No pull request: the agent changed nothing, or the change failed verification. */
  public record NoFix(FixRun run, String reason) implements Result {}

  /** The run failed; {@code reason} says why. */
  public record Failed(FixRun run, String reason) implements Result {}

  /**
   * The run was changed by someone else meanwhile (cancelled, or its lease taken after it expired);
   * this attempt's result was not recorded.
   */
  public record Interrupted(RunId runId, RunStatus actual) implements Result {}

  /**
   * The worker was asked to stop (its thread was interrupted) before the run ended: the run is
   * queued again, with its attempt given back, and will start over. Its permit is given back only
   * if the agent had not started: an agent start always counts against the daily cap.
   */
  public record Stopped(FixRun run) implements Result {}

  /** One claimed run, carried to its end. */
  private final class Attempt {
    private final FixRun run;
    private final String workerId;
    private final RunLogs.RunLog log;
    private final Instant started;
    private RateLimiter.Granted permit;
    private FixTargets.Target target;
    private boolean agentStarted;
    private volatile boolean stopped;
    private volatile boolean leaseLost;
    private boolean ended;
    private boolean interruptible;

    Attempt(FixRun run, String workerId) {
      this.run = run;
      this.workerId = workerId;
      this.log = ports.logs().open(run.id());
      this.started = clock.instant();
    }

    /**
     * Runs the attempt while a heartbeat keeps the run's lease, renewing it every third of the
     * lease. If the lease is lost (the run was cancelled, or recovered by another worker after a
     * pause), the heartbeat interrupts this thread, which stops the agent.
     */
    Result run() {
      Thread attempt = Thread.currentThread();
      Thread heartbeat =
          Thread.ofVirtual().name("autofix-lease-" + run.id()).start(() -> keepLease(attempt));
      try {
        return runSteps();
      } finally {
        synchronized (this) {
          ended = true;
        }
        heartbeat.interrupt();
        if (leaseLost && !stopped) {
          Thread.interrupted(); // our own interrupt, not a stop request: do not pass it on
        }
      }
    }

    private <T> T interruptibly(java.util.function.Supplier<T> step) {
      synchronized (this) {
        interruptible = true;
      }
      try {
        return step.get();
      } finally {
        synchronized (this) {
          interruptible = false;
        }
      }
    }

    private void keepLease(Thread attempt) {
      long every = Math.max(1, policy.lease().toMillis() / 3);
      while (true) {
        try {
          Thread.sleep(every);
        } catch (InterruptedException e) {
          return;
        }
        boolean held;
        try {
          held = renewLease();
        } catch (RuntimeException e) {
          LOG.log(
              Level.WARNING, "could not renew the lease of run " + run.id() + "; trying again", e);
          continue;
        }
        if (!held) {
          synchronized (this) {
            // Only the long steps (agent, verification) are stopped; the short ones run to their
            // guarded transition, which finds the run changed and records nothing.
            if (!ended && interruptible) {
              leaseLost = true;
              log.append("the run's lease was lost (cancelled or taken over); stopping the agent");
              attempt.interrupt();
            }
          }
          return;
        }
      }
    }

    private Result runSteps() {
      Workspace workspace = null;
      try {
        log.append("attempt " + run.attempts() + " by " + workerId + " for " + run.issue().id());
        target = ports.targets().forRun(run);
        RateLimiter.Permit asked;
        try {
          asked = ports.limiter().tryAcquire();
        } catch (RuntimeException limiterDown) {
          return limiterUnavailable(limiterDown);
        }
        switch (asked) {
          case RateLimiter.Denied denied -> {
            return defer(denied);
          }
          case RateLimiter.Granted granted -> permit = granted;
        }
        ErrorDetails details;
        switch (ports.source().fetch(run.issue())) {
          case IssueSource.Found found -> details = found.details();
          case IssueSource.NotFound notFound -> {
            refundPermit();
            return fail("the issue source no longer knows the issue: " + notFound.message());
          }
          case IssueSource.Unavailable unavailable -> {
            refundPermit();
            return postpone(unavailable);
          }
        }
        workspace = target.workspaces().prepare(run, log);
        if (stopRequested()) {
          return stop();
        }
        if (!renewLease()) {
          return lostLease();
        }
        agentStarted = true;
        log.append("agent " + target.agent().name() + " starts in " + workspace.directory());
        AgentRunner.AgentTask task =
            new AgentRunner.AgentTask(run, run.issue(), details, workspace, log);
        AgentRunner.AgentResult agentResult = interruptibly(() -> target.agent().run(task));
        if (stopRequested()) {
          return stop();
        }
        // Whatever the agent's result, first: it must have left the user's repository alone.
        if (target.workspaces().checkRepository(workspace, log)
            instanceof Workspaces.Tampered tampered) {
          return tampered(tampered, "the agent");
        }
        AgentReport report;
        switch (agentResult) {
          case AgentRunner.Completed completed -> report = completed.report();
          case AgentRunner.TimedOut timedOut -> {
            return fail(
                "the agent timed out after " + timedOut.after() + tail(timedOut.outputTail()));
          }
          case AgentRunner.Failed failed -> {
            return fail(
                "the agent failed with exit code " + failed.exitCode() + tail(failed.message()));
          }
        }
        // The lease is held before every side effect: a cancelled or taken-over run commits
        // nothing.
        if (!renewLease()) {
          return lostLease();
        }
        Patch patch;
        switch (target.workspaces().commit(workspace, commitMessage())) {
          case Workspaces.Committed committed -> {
            patch = committed.patch();
            log.append("committed " + patch.commit() + " (" + patch.diffStat() + ")");
          }
          case Workspaces.Unchanged unchanged -> {
            return noFix(
                "the agent made no change"
                    + (report.summary() == null ? "" : ": " + report.summary()),
                report,
                null);
          }
          case Workspaces.Refused refused -> {
            return noFix("the change cannot be committed: " + refused.reason(), report, null);
          }
        }
        FixVerifier.Verification verification =
            interruptibly(() -> target.verifier().verify(task.workspace(), log));
        if (stopRequested()) {
          return stop();
        }
        // The test command runs the agent's code: the same check again.
        if (target.workspaces().checkRepository(workspace, log)
            instanceof Workspaces.Tampered tampered) {
          return tampered(tampered, "the test command");
        }
        if (verification instanceof FixVerifier.Failed failed && !policy.publishUnverified()) {
          return noFix(
              "the change did not pass verification: `"
                  + failed.command()
                  + "` "
                  + (failed.exitCode() < 0 ? "timed out" : "exited " + failed.exitCode())
                  + tail(failed.outputTail()),
              report,
              // never pushed: the commit lived in autofix's own repository, removed with the run
              null);
        }
        // What is pushed is what was verified: the tree the test command left must be the commit.
        if (target.workspaces().confirm(workspace, patch) instanceof Workspaces.Diverged diverged) {
          return noFix(diverged.reason(), report, null);
        }
        // ... and before publishing: a run cancelled while its tests ran opens no pull request.
        if (!renewLease()) {
          return lostLease();
        }
        return publish(workspace, patch, report, verification);
      } catch (RuntimeException | Error defect) {
        // An Error too (an OutOfMemoryError from one run's output, say): the run ends failed with
        // its reason, and the worker goes on with the next one.
        if (stopRequested()) {
          return stop();
        }
        return defect(defect);
      } finally {
        if (workspace != null) {
          release(workspace);
        }
        if (stopped) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private boolean stopRequested() {
      return Thread.currentThread().isInterrupted();
    }

    /**
     * Puts the run back in the queue after a stop request. The interrupt flag is cleared for the
     * writes and the clean-up (JDBC pools and processes refuse interrupted threads) and set again
     * when the attempt ends.
     */
    private Result stop() {
      Thread.interrupted();
      if (leaseLost) {
        return lostLease();
      }
      stopped = true;
      String reason = "the worker stopped before the run ended; queued again";
      log.append(reason);
      // A permit is spent once the agent started (it was paid for): only an attempt stopped before
      // it gives the permit back, so no restart gets around the daily cap.
      if (!agentStarted) {
        refundPermit();
      }
      return record(RunStatus.QUEUED, RunChange.because(reason).refundingAttempt(), Stopped::new);
    }

    /**
     * The limiter failed before it granted anything (Redis down, say): a defect, reported, but the
     * run waits in the queue rather than failing, since nothing about it went wrong.
     */
    private Result limiterUnavailable(RuntimeException error) {
      String fingerprint = Defects.fingerprint(error);
      LOG.log(Level.ERROR, "run " + run.id() + ": the daily cap could not be checked", error);
      report(error, fingerprint);
      Instant retryAt = clock.instant().plus(LIMITER_RETRY);
      String reason =
          "the daily cap could not be checked ("
              + Defects.describe(error, fingerprint)
              + "); retry at "
              + retryAt;
      log.append(reason);
      return record(
          RunStatus.QUEUED,
          RunChange.because(reason).withNotBefore(retryAt).refundingAttempt(),
          queued -> new Postponed(queued, retryAt, reason));
    }

    private Result defer(RateLimiter.Denied denied) {
      String reason =
          "daily cap of "
              + denied.limit()
              + " fix attempts reached; waits until "
              + denied.retryAt();
      log.append(reason);
      return record(
          RunStatus.DEFERRED,
          RunChange.because(reason).withNotBefore(denied.retryAt()).refundingAttempt(),
          deferred -> new Deferred(deferred, denied.retryAt()));
    }

    private Result postpone(IssueSource.Unavailable unavailable) {
      Instant retryAt = clock.instant().plus(unavailable.retryAfter());
      String reason =
          "the issue source is unavailable (" + unavailable.message() + "); retry at " + retryAt;
      log.append(reason);
      return record(
          RunStatus.QUEUED,
          RunChange.because(reason).withNotBefore(retryAt).refundingAttempt(),
          queued -> new Postponed(queued, retryAt, reason));
    }

    private Result publish(
        Workspace workspace,
        Patch patch,
        AgentReport report,
        FixVerifier.Verification verification) {
      var request =
          new PullRequestPublisher.PublishRequest(
              run,
              run.issue(),
              workspace,
              patch,
              report,
              verification,
              target.agent().name(),
              Duration.between(started, clock.instant()));
      return switch (target.publisher().publish(request)) {
        case PullRequestPublisher.Opened opened -> prOpened(opened.pullRequest(), report, patch);
        case PullRequestPublisher.AlreadyOpen open -> prOpened(open.pullRequest(), report, patch);
        case PullRequestPublisher.NothingToPropose nothing ->
            noFix("nothing to propose: " + nothing.reason(), report, patch.branch());
        case PullRequestPublisher.Rejected rejected ->
            fail(
                "the pull request was rejected (" + rejected.status() + "): " + rejected.message(),
                report,
                patch.branch());
      };
    }

    private Result prOpened(PullRequestRef pr, AgentReport report, Patch patch) {
      RunChange change =
          withReport(RunChange.because("draft pull request " + pr.url()), report)
              .withBranch(patch.branch())
              .withPullRequestUrl(pr.url());
      log.append("opened " + pr.url());
      return record(
          RunStatus.PR_OPENED,
          change,
          opened -> {
            feedback(new IssueSource.PullRequestOpened(pr, report.summary()));
            return new PrOpened(opened, pr);
          });
    }

    /**
     * The user's repository changed where the agent must not change it: the run fails and nothing
     * is published. autofix undoes nothing itself; the user looks at what the reason names.
     */
    private Result tampered(Workspaces.Tampered tampered, String who) {
      LOG.log(
          Level.WARNING,
          "run "
              + run.id()
              + ": "
              + who
              + " changed the repository "
              + tampered.what()
              + "; nothing is published");
      return fail(
          "the agent changed your repository: "
              + tampered.what()
              + " (seen after "
              + who
              + " ran; autofix undid nothing and published nothing. If you changed it yourself"
              + " meanwhile, retry the run)");
    }

    private Result noFix(String reason, AgentReport report, String branch) {
      return end(RunStatus.NO_FIX, reason, report, branch);
    }

    private Result fail(String reason) {
      return end(RunStatus.FAILED, reason, null, null);
    }

    private Result fail(String reason, AgentReport report, String branch) {
      return end(RunStatus.FAILED, reason, report, branch);
    }

    private Result end(RunStatus status, String reason, AgentReport report, String branch) {
      log.append(status.wireName() + ": " + reason);
      RunChange change = withReport(RunChange.because(reason), report).withBranch(branch);
      return record(
          status,
          change,
          ended -> {
            feedback(new IssueSource.EndedWithoutPullRequest(status, reason));
            return status == RunStatus.NO_FIX
                ? new NoFix(ended, reason)
                : new Failed(ended, reason);
          });
    }

    private RunChange withReport(RunChange change, AgentReport report) {
      if (target == null) {
        return change;
      }
      // the agent of this run's own repository: with one per project, the one that ran
      RunChange result = change.withAgent(target.agent().name());
      if (report == null) {
        return agentStarted ? result : change;
      }
      return result.withSummary(report.summary()).withCostUsd(report.costUsd());
    }

    private Result defect(Throwable defect) {
      String fingerprint = Defects.fingerprint(defect);
      String reason = Defects.describe(defect, fingerprint);
      LOG.log(Level.ERROR, "run " + run.id() + " hit " + reason, defect);
      report(defect, fingerprint);
      if (!agentStarted) {
        try {
          refundPermit();
        } catch (RuntimeException refundFailed) {
          report(refundFailed, Defects.fingerprint(refundFailed));
        }
      }
      try {
        log.append("failed: " + reason);
        return record(
            RunStatus.FAILED, RunChange.because(reason), failed -> new Failed(failed, reason));
      } catch (RuntimeException recordFailed) {
        // The store is down too: the lease will expire and recovery will take the run back.
        report(recordFailed, Defects.fingerprint(recordFailed));
        return new Failed(run, reason);
      }
    }

    private void report(Throwable error, String fingerprint) {
      ports
          .defects()
          .report(
              new DefectReporter.Defect(
                  fingerprint,
                  "fix-run",
                  error,
                  Map.of("runId", run.id().toString(), "issue", run.issue().id().toString())));
    }

    private void refundPermit() {
      if (permit != null) {
        RateLimiter.Granted granted = permit;
        permit = null;
        ports.limiter().refund(granted);
      }
    }

    private boolean renewLease() {
      Instant now = clock.instant();
      return ports.store().renewLease(run.id(), workerId, now.plus(policy.lease()), now);
    }

    private Result lostLease() {
      if (!agentStarted) {
        refundPermit();
      }
      RunStatus actual =
          ports.store().find(run.id()).map(FixRun::status).orElse(RunStatus.CANCELLED);
      log.append("the run changed meanwhile; it is " + actual.wireName());
      return new Interrupted(run.id(), actual);
    }

    private void release(Workspace workspace) {
      try {
        target.workspaces().release(workspace);
      } catch (RuntimeException e) {
        String fingerprint = Defects.fingerprint(e);
        LOG.log(Level.ERROR, "could not release the workspace of run " + run.id(), e);
        report(e, fingerprint);
      }
    }

    private void feedback(IssueSource.Feedback feedback) {
      try {
        switch (ports.source().postFeedback(run.issue(), feedback)) {
          case IssueSource.Posted posted -> log.append("feedback posted on the issue");
          case IssueSource.Skipped skipped -> log.append("no feedback: " + skipped.reason());
          case IssueSource.NotPosted notPosted -> {
            log.append("feedback not posted: " + notPosted.reason());
            LOG.log(
                Level.WARNING,
                "feedback for run " + run.id() + " not posted: " + notPosted.reason());
          }
        }
      } catch (RuntimeException e) {
        // Feedback never fails a run that has already ended.
        String fingerprint = Defects.fingerprint(e);
        LOG.log(Level.ERROR, "feedback for run " + run.id() + " hit a defect " + fingerprint, e);
        report(e, fingerprint);
      }
    }

    /**
     * Records the run's move from {@code running} to {@code to}, guarded by this worker's lease:
     * the one place an attempt's outcome is written. When someone else changed the run meanwhile
     * (cancelled it, or recovery gave it away), nothing is recorded and the attempt is {@link
     * Interrupted}.
     */
    private Result record(
        RunStatus to, RunChange change, java.util.function.Function<FixRun, Result> recorded) {
      return switch (transition(to, change)) {
        case RunStore.Applied applied -> recorded.apply(applied.run());
        case RunStore.Conflict conflict -> interrupted(conflict);
        case RunStore.NotFound notFound -> new Interrupted(run.id(), RunStatus.CANCELLED);
      };
    }

    private RunStore.TransitionResult transition(RunStatus to, RunChange change) {
      return ports
          .store()
          .transition(
              new RunStore.Transition(
                  run.id(), RunStatus.RUNNING, to, clock.instant(), workerId, change));
    }

    private Interrupted interrupted(RunStore.Conflict conflict) {
      log.append("the run changed meanwhile; it is " + conflict.actual().status().wireName());
      return new Interrupted(run.id(), conflict.actual().status());
    }

    private String commitMessage() {
      return "fix: "
          + oneLine(run.issue().title(), 60)
          + " ("
          + run.issue().shortId()
          + ")\n\nWritten by an autofix agent for "
          + run.issue().shortId()
          + (run.issue().permalink() == null ? "" : " (" + run.issue().permalink() + ")")
          + ".\nNeeds human review.\n\n"
          + FixCommits.issueTrailer(run.issue().id())
          + "\n";
    }
  }

  private static String oneLine(String text, int max) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= max ? line : line.substring(0, max - 1) + "…";
  }

  private static String tail(String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    String trimmed = text.strip();
    return ": "
        + (trimmed.length() <= REASON_TAIL
            ? trimmed
            : "…" + trimmed.substring(trimmed.length() - REASON_TAIL));
  }
}
