package dev.autofix.core.usecase;

import dev.autofix.core.OutageException;
import dev.autofix.core.model.AgentReport;
import dev.autofix.core.model.AttemptCost;
import dev.autofix.core.model.ErrorDetails;
import dev.autofix.core.model.FixCommits;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.PullRequestRef;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.model.VerifiedFix;
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
import java.util.function.Function;

/**
 * Takes the next runnable run and carries it to its end: claim, daily permit, error details,
 * workspace, agent, commit, verification, draft pull request, feedback.
 *
 * <p>An attempt is composed of small parts: a {@link Lease}, held before every side effect; a
 * {@link Permit}, spent when the agent starts and given back only if it never did; and one outcome
 * recorder, through which every path records exactly one final status with its reason. Over the
 * daily cap (or the spend ceiling) the run is {@code deferred} to the next day, not lost and not
 * billed. A defect anywhere ends the run as {@code failed} with the defect's fingerprint, and is
 * reported. Should even that write fail, the run's lease expires and recovery takes it.
 *
 * <p>A verified fix that cannot be published because the host is unavailable is kept ({@link
 * Workspaces#keep}) and recorded on the run ({@link VerifiedFix}), and the run is queued again at
 * increasing intervals ({@link AutofixPolicy.PublishRetry}). A later attempt publishes that commit:
 * it runs no agent, takes no permit and spends nothing. Once the retry window has passed the run
 * fails, saying so.
 */
public final class FixNextRun {
  /**
   * The prefix of the log lines that name a step of an attempt, which the run's page shows in its
   * timeline with its time: {@code step: details fetched}.
   */
  public static final String STEP = "step: ";

  private static final System.Logger LOG = System.getLogger(FixNextRun.class.getName());
  private static final int REASON_TAIL = 2_000;
  private static final Duration LIMITER_RETRY = Duration.ofMinutes(1);
  private static final Duration AGENT_RETRY = Duration.ofMinutes(1);
  private static final Duration STORAGE_RETRY = Duration.ofSeconds(30);
  private static final Duration OUTAGE_RETRY = Duration.ofSeconds(30);
  private static final int OUTAGE_RECORD_TRIES = 10;
  private static final Duration SPEND_RETRY = Duration.ofMinutes(5);

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
      permits Idle,
          Deferred,
          Postponed,
          PrOpened,
          BranchPushed,
          NoFix,
          Failed,
          Interrupted,
          Stopped {}

  /** Nothing was runnable (or the concurrency cap is reached). */
  public record Idle() implements Result {}

  /** Over the daily cap: the run waits until {@code retryAt}. */
  public record Deferred(FixRun run, Instant retryAt) implements Result {}

  /**
   * Something the run needs was unavailable (the issue source, the agent, the pull request host):
   * the run is queued again for {@code retryAt}.
   */
  public record Postponed(FixRun run, Instant retryAt, String reason) implements Result {}

  /** A draft pull request was opened (or found open). */
  public record PrOpened(FixRun run, PullRequestRef pullRequest) implements Result {}

  /** The verified fix was pushed to its branch; no pull request (the branch publishing mode). */
  public record BranchPushed(FixRun run, java.net.URI compareUrl) implements Result {}

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

  /** One claimed run, carried to its end: the pipeline, read top to bottom in {@link #steps}. */
  private final class Attempt {
    private final FixRun run;
    private final String workerId;
    private final RunLogs.RunLog log;
    private final Instant started;
    private FixTargets.Target target;
    private Lease lease;
    private Permit permit;
    private boolean stopped;
    // whether a verified commit of this run is kept outside the workspace
    private boolean kept;

    Attempt(FixRun run, String workerId) {
      this.run = run;
      this.workerId = workerId;
      this.log = ports.logs().open(run.id());
      this.started = clock.instant();
    }

    /** Runs the steps while the lease is kept; a stop request is passed on to the worker. */
    Result run() {
      try (Lease held = Lease.keep(ports.store(), run.id(), workerId, policy.lease(), clock)) {
        lease = held;
        return steps();
      } finally {
        if (lease != null && lease.interruptedTheAttempt() && !stopped) {
          Thread.interrupted(); // the lease's own interrupt, not a stop request: not passed on
        }
        if (stopped) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private Result steps() {
      Workspace workspace = null;
      try {
        log.append("attempt " + run.attempts() + " by " + workerId + " for " + run.issue().id());
        target = ports.targets().forRun(run);
        if (run.verifiedFix() != null) {
          kept = true;
          return publishKept(run.verifiedFix());
        }
        // Before the permit: an agent that cannot start is not billed against the cap.
        Optional<String> cannotStart;
        try {
          cannotStart = target.agent().unavailable();
        } catch (RuntimeException checkFailed) {
          return capUnavailable("whether the agent can start", checkFailed);
        }
        if (cannotStart.isPresent()) {
          return postpone("the agent cannot start: " + cannotStart.get(), AGENT_RETRY);
        }
        Optional<String> noRoom = workspacesUnavailable();
        if (noRoom.isPresent()) {
          return postpone("no workspace can be prepared: " + noRoom.get(), STORAGE_RETRY);
        }
        Optional<Result> noPermit = takePermit();
        if (noPermit.isPresent()) {
          return noPermit.get();
        }
        log.append(STEP + "permit taken");
        ErrorDetails details;
        switch (ports.source().fetch(run.issue())) {
          case IssueSource.Found found -> {
            details = found.details();
            log.append(STEP + "details fetched");
          }
          case IssueSource.NotFound notFound -> {
            return fail("the issue source no longer knows the issue: " + notFound.message());
          }
          case IssueSource.Unavailable unavailable -> {
            return postpone(
                "the issue source is unavailable (" + unavailable.message() + ")",
                unavailable.retryAfter());
          }
        }
        workspace = target.workspaces().prepare(run, log);
        log.append(STEP + "workspace ready");
        if (stopRequested()) {
          return stop();
        }
        if (!lease.held()) {
          return lostLease();
        }
        permit.spend();
        log.append("agent " + target.agent().name() + " starts in " + workspace.directory());
        log.append(STEP + "agent " + target.agent().name() + " started");
        AgentRunner.AgentTask task =
            new AgentRunner.AgentTask(run, run.issue(), details, workspace, log);
        AgentRunner.AgentResult agentResult = lease.interruptibly(() -> target.agent().run(task));
        // what the attempt cost is recorded however the attempt ends from here on (a stop, a
        // defect of a later step): see withReport
        agentReport =
            switch (agentResult) {
              case AgentRunner.Completed completed -> completed.report();
              case AgentRunner.Failed failed ->
                  failed.costUsd() == null
                      ? null
                      : new AgentReport(null, failed.costUsd(), null, null);
              case AgentRunner.TimedOut timedOut -> null;
            };
        log.append(
            STEP
                + "agent ended: "
                + switch (agentResult) {
                  case AgentRunner.Completed completed -> "completed";
                  case AgentRunner.TimedOut timedOut -> "timed out";
                  case AgentRunner.Failed failed -> "failed";
                });
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
            // what it spent before failing still counts against the day's spend ceiling
            return end(
                RunStatus.FAILED,
                "the agent failed with exit code " + failed.exitCode() + tail(failed.message()),
                failed.costUsd() == null
                    ? null
                    : new AgentReport(null, failed.costUsd(), null, null),
                null);
          }
        }
        // The lease is held before every side effect: a cancelled or taken-over run commits,
        // verifies and publishes nothing.
        if (!lease.held()) {
          return lostLease();
        }
        Patch patch;
        switch (target.workspaces().commit(workspace, commitMessage())) {
          case Workspaces.Committed committed -> {
            patch = committed.patch();
            log.append("committed " + patch.commit() + " (" + patch.diffStat() + ")");
            log.append(STEP + "committed");
            // the change as the run's page shows it: one log line per diff line
            committed.diff().lines().forEach(line -> log.append("diff | " + line));
          }
          case Workspaces.Unchanged unchanged -> {
            return noFix(
                "the agent made no change"
                    + (report.summary() == null ? "" : ": " + report.summary()),
                report);
          }
          case Workspaces.Refused refused -> {
            return noFix("the change cannot be committed: " + refused.reason(), report);
          }
        }
        if (!lease.held()) {
          return lostLease();
        }
        FixVerifier.Verification verification =
            lease.interruptibly(() -> target.verifier().verify(task.workspace(), log));
        log.append(
            STEP
                + "verified: "
                + switch (verification) {
                  case FixVerifier.Passed passed -> "passed";
                  case FixVerifier.Failed failed -> "failed";
                  case FixVerifier.NotConfigured none -> "no test command";
                });
        if (stopRequested()) {
          return stop();
        }
        // The test command runs the agent's code: the same check again.
        if (target.workspaces().checkRepository(workspace, log)
            instanceof Workspaces.Tampered tampered) {
          return tampered(tampered, "the test command");
        }
        if (verification instanceof FixVerifier.Failed failed && !policy.publishUnverified()) {
          // never pushed: the commit lived in autofix's own repository, removed with the run
          return noFix(
              "the change did not pass verification: `"
                  + failed.command()
                  + "` "
                  + (failed.exitCode() < 0 ? "timed out" : "exited " + failed.exitCode())
                  + tail(failed.outputTail()),
              report);
        }
        // What is pushed is what was verified: the tree the test command left must be the commit.
        if (target.workspaces().confirm(workspace, patch) instanceof Workspaces.Diverged diverged) {
          return noFix(diverged.reason(), report);
        }
        // ... and a run cancelled while its tests ran opens no pull request.
        if (!lease.held()) {
          return lostLease();
        }
        return publish(workspace, patch, report, verification);
      } catch (RuntimeException | Error defect) {
        // An Error too (an OutOfMemoryError from one run's output, say): the run ends failed with
        // its reason, and the worker goes on with the next one.
        if (stopRequested()) {
          return stop();
        }
        // A step that failed while the disk is full or read-only met the outage, not a bug.
        Optional<String> noRoom =
            defect instanceof RuntimeException ? workspacesUnavailable() : Optional.empty();
        if (noRoom.isPresent()) {
          return postpone(
              "a step failed ("
                  + defect.getMessage()
                  + ") while no workspace can be prepared: "
                  + noRoom.get(),
              STORAGE_RETRY);
        }
        return defect(defect);
      } finally {
        if (workspace != null) {
          release(workspace);
        }
        if (kept) {
          discardIfDone();
        }
      }
    }

    /** The workspaces' own outage, if any; a check that fails is none (the step says why). */
    private Optional<String> workspacesUnavailable() {
      try {
        return target == null ? Optional.empty() : target.workspaces().unavailable();
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }

    /**
     * A later attempt for a fix verified earlier: publishes the commit that was kept. No agent
     * runs, no permit is taken and nothing is spent.
     */
    private Result publishKept(VerifiedFix fix) {
      log.append(
          "publishing the fix verified earlier, commit "
              + fix.patch().commit()
              + " (try "
              + (fix.publishTries() + 1)
              + "); the agent does not run again");
      if (!lease.held()) {
        return lostLease();
      }
      Workspace kept =
          new Workspace(run.id(), fix.patch().repository(), fix.patch().branch(), fix.baseRef());
      AgentReport report = new AgentReport(run.summary(), run.costUsd(), fix.turns(), null);
      var request =
          new PullRequestPublisher.PublishRequest(
              run,
              run.issue(),
              kept,
              fix.patch(),
              report,
              verification(fix.check()),
              run.agent() != null ? run.agent() : target.agent().name(),
              fix.took());
      return published(target.publisher().publish(request), null, fix.patch(), report, fix);
    }

    /**
     * Once the run no longer waits to publish (it ended, or was cancelled), the kept commit goes.
     */
    private void discardIfDone() {
      try {
        boolean waits = ports.store().find(run.id()).map(FixRun::verifiedFix).isPresent();
        if (!waits) {
          target.workspaces().discard(run.id());
        }
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "run " + run.id() + ": the kept commit could not be removed: " + e.getMessage());
      }
    }

    /**
     * Today's permit: the spend ceiling (when set) and then the daily count. Empty when granted;
     * else how the attempt ended (deferred, or queued again while the cap cannot be checked).
     */
    private Optional<Result> takePermit() {
      if (policy.spendCeiling().isPresent()) {
        SpendCeiling ceiling = policy.spendCeiling().get();
        Instant now = clock.instant();
        SpendCeiling.Check check;
        try {
          check =
              ceiling.check(
                  ports.store().attemptCostSince(ceiling.startOfDay(now)),
                  ports.store().countByStatus().getOrDefault(RunStatus.RUNNING, 1L),
                  target.agent().budgetPerRunUsd());
        } catch (RuntimeException storeDown) {
          // like the limiter: nothing about the run went wrong, so it waits in the queue
          return Optional.of(capUnavailable("the spend ceiling", storeDown));
        }
        switch (check) {
          case SpendCeiling.Fits fits -> {}
          case SpendCeiling.Busy busy -> {
            return Optional.of(postpone(busy.reason(), SPEND_RETRY));
          }
          case SpendCeiling.Reached reached -> {
            return Optional.of(defer(reached.reason(), ceiling.nextDay(now)));
          }
        }
      }
      RateLimiter.Permit asked;
      try {
        asked = ports.limiter().tryAcquire();
      } catch (RuntimeException limiterDown) {
        return Optional.of(capUnavailable("the daily cap", limiterDown));
      }
      switch (asked) {
        case RateLimiter.Denied denied -> {
          return Optional.of(
              defer("daily cap of " + denied.limit() + " fix attempts reached", denied.retryAt()));
        }
        case RateLimiter.Granted granted -> {
          permit = new Permit(ports.limiter(), granted);
          return Optional.empty();
        }
      }
    }

    /** The agent's report once it ran in this attempt (null before, or when it told nothing). */
    private AgentReport agentReport;

    private boolean agentStarted() {
      return permit != null && permit.spent();
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
      if (lease.interruptedTheAttempt()) {
        return lostLease();
      }
      stopped = true;
      String reason = "the worker stopped before the run ended; queued again";
      log.append(reason);
      return record(
          RunStatus.QUEUED,
          withReport(RunChange.because(reason).refundingAttempt(), agentReport),
          Stopped::new);
    }

    /**
     * The cap could not be checked (Redis down, the store's sum failed): a defect, reported, but
     * the run waits in the queue rather than failing, since nothing about it went wrong.
     */
    private Result capUnavailable(String what, RuntimeException error) {
      Optional<OutageException> outage = OutageException.in(error);
      if (outage.isPresent()) {
        LOG.log(
            Level.WARNING,
            "run "
                + run.id()
                + ": "
                + what
                + " could not be checked: "
                + outage.get().getMessage());
        return postpone(
            what + " could not be checked (" + outage.get().getMessage() + ")", LIMITER_RETRY);
      }
      String fingerprint = Defects.fingerprint(error);
      LOG.log(Level.ERROR, "run " + run.id() + ": " + what + " could not be checked", error);
      report(error, fingerprint);
      return postpone(
          what + " could not be checked (" + Defects.describe(error, fingerprint) + ")",
          LIMITER_RETRY);
    }

    private Result defer(String why, Instant retryAt) {
      String reason = why + "; waits until " + retryAt;
      log.append(reason);
      return record(
          RunStatus.DEFERRED,
          RunChange.because(reason).withNotBefore(retryAt).refundingAttempt(),
          deferred -> new Deferred(deferred, retryAt));
    }

    /** Queued again for later, not billed and not counted as an attempt. */
    private Result postpone(String why, Duration after) {
      Instant retryAt = clock.instant().plus(after);
      String reason = why + "; retry at " + retryAt;
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
      return published(target.publisher().publish(request), request, patch, report, null);
    }

    /**
     * Records what publishing came to; {@code fresh} is this attempt's request (its workspace is
     * where the commit lives), {@code earlier} the fix an earlier attempt kept.
     */
    private Result published(
        PullRequestPublisher.PublishResult result,
        PullRequestPublisher.PublishRequest fresh,
        Patch patch,
        AgentReport report,
        VerifiedFix earlier) {
      return switch (result) {
        case PullRequestPublisher.Opened opened -> {
          // the body as it was sent, for the run's page
          opened.body().lines().forEach(line -> log.append("pr-body | " + line));
          yield prOpened(opened.pullRequest(), report, patch);
        }
        case PullRequestPublisher.AlreadyOpen open -> prOpened(open.pullRequest(), report, patch);
        case PullRequestPublisher.BranchPushed pushed -> branchPushed(pushed, report, patch);
        case PullRequestPublisher.NothingToPropose nothing ->
            end(RunStatus.NO_FIX, "nothing to propose: " + nothing.reason(), report, patch);
        case PullRequestPublisher.Rejected rejected ->
            end(
                RunStatus.FAILED,
                "the pull request was rejected (" + rejected.status() + "): " + rejected.message(),
                report,
                patch);
        case PullRequestPublisher.Unavailable unavailable ->
            publishLater(unavailable, fresh, patch, report, earlier);
      };
    }

    /**
     * The host is unavailable: the verified commit is kept and the run queued again, at increasing
     * intervals and never sooner than the host asked, until the retry window has passed.
     */
    private Result publishLater(
        PullRequestPublisher.Unavailable unavailable,
        PullRequestPublisher.PublishRequest fresh,
        Patch patch,
        AgentReport report,
        VerifiedFix earlier) {
      Instant now = clock.instant();
      AutofixPolicy.PublishRetry retry = policy.publishRetry();
      Instant since = earlier == null ? now : earlier.publishSince();
      int tries = earlier == null ? 1 : earlier.publishTries() + 1;
      if (!now.isBefore(since.plus(retry.window()))) {
        return end(
            RunStatus.FAILED,
            "the pull request host stayed unavailable for "
                + Duration.between(since, now).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + " ("
                + tries
                + (tries == 1 ? " try" : " tries")
                + ", the retry window is "
                + retry.window()
                + "); the verified commit "
                + patch.commit()
                + " was not published; the last failure: "
                + unavailable.reason(),
            report,
            patch);
      }
      VerifiedFix fix;
      if (earlier == null) {
        Patch keptPatch = target.workspaces().keep(fresh.workspace(), patch);
        kept = true;
        fix =
            new VerifiedFix(
                keptPatch,
                fresh.workspace().baseRef(),
                report.turns(),
                check(fresh.verification()),
                fresh.duration(),
                since,
                1,
                unavailable.reason());
      } else {
        fix = earlier.failedAgain(unavailable.reason());
      }
      // Increasing waits, the last one cut to the window's end, but never sooner than the host
      // asked.
      Instant end = since.plus(retry.window());
      Instant retryAt = now.plus(retry.after(tries));
      if (retryAt.isAfter(end)) {
        retryAt = end;
      }
      if (now.plus(unavailable.retryAfter()).isAfter(retryAt)) {
        retryAt = now.plus(unavailable.retryAfter());
      }
      String reason =
          "the pull request host is unavailable ("
              + unavailable.reason()
              + "); the verified commit "
              + patch.commit()
              + (unavailable.pushed() ? " is pushed as " + patch.branch() + " and" : "")
              + " is published at "
              + retryAt
              + ", without running the agent again (try "
              + tries
              + ", trying until "
              + end
              + ")";
      log.append(reason);
      LOG.log(Level.WARNING, "run " + run.id() + ": " + reason);
      Instant at = retryAt;
      return record(
          RunStatus.QUEUED,
          withReport(RunChange.because(reason), report)
              .withNotBefore(at)
              .withVerifiedFix(fix)
              .refundingAttempt(),
          queued -> new Postponed(queued, at, reason));
    }

    private Result prOpened(PullRequestRef pr, AgentReport report, Patch patch) {
      RunChange change =
          withReport(RunChange.because("draft pull request " + pr.url()), report)
              .withBranch(patch.branch())
              .withPullRequestUrl(pr.url());
      log.append("opened " + pr.url());
      log.append(STEP + "pull request opened");
      return record(
          RunStatus.PR_OPENED,
          change,
          opened -> {
            feedback(RunStatus.PR_OPENED, new IssueSource.PullRequestOpened(pr, report.summary()));
            return new PrOpened(opened, pr);
          });
    }

    private Result branchPushed(
        PullRequestPublisher.BranchPushed pushed, AgentReport report, Patch patch) {
      String reason =
          "branch "
              + pushed.branch()
              + " pushed to "
              + pushed.destination()
              + "; no pull request (branch mode)"
              + (pushed.compareUrl() == null ? "" : ": compare at " + pushed.compareUrl());
      RunChange change = withReport(RunChange.because(reason), report).withBranch(patch.branch());
      if (pushed.compareUrl() != null) {
        change = change.withPullRequestUrl(pushed.compareUrl());
      }
      log.append(reason);
      log.append(STEP + "branch pushed");
      return record(
          RunStatus.BRANCH_PUSHED,
          change,
          done -> {
            feedback(
                RunStatus.BRANCH_PUSHED,
                new IssueSource.BranchPushed(
                    pushed.branch(), pushed.compareUrl(), report.summary()));
            return new BranchPushed(done, pushed.compareUrl());
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

    private Result noFix(String reason, AgentReport report) {
      return end(RunStatus.NO_FIX, reason, report, null);
    }

    private Result fail(String reason) {
      return end(RunStatus.FAILED, reason, null, null);
    }

    /** Ends the run without a pull request; {@code patch} names the branch, if one was pushed. */
    private Result end(RunStatus status, String reason, AgentReport report, Patch patch) {
      log.append(status.wireName() + ": " + reason);
      RunChange change =
          withReport(RunChange.because(reason), report)
              .withBranch(patch == null ? null : patch.branch());
      return record(
          status,
          change,
          ended -> {
            feedback(status, new IssueSource.EndedWithoutPullRequest(status, reason));
            return status == RunStatus.NO_FIX
                ? new NoFix(ended, reason)
                : new Failed(ended, reason);
          });
    }

    private RunChange withReport(RunChange change, AgentReport report) {
      if (!agentStarted()) {
        return change;
      }
      // the agent of this run's own repository: with one per project, the one that ran
      RunChange result =
          change
              .withAgent(target.agent().name())
              .withAttemptCost(
                  report == null
                      ? new AttemptCost(target.agent().name(), null, null, null)
                      : new AttemptCost(
                          target.agent().name(),
                          report.costUsd(),
                          report.inputTokens(),
                          report.outputTokens()));
      return report == null
          ? result
          : result.withSummary(report.summary()).withCostUsd(report.costUsd());
    }

    private Result defect(Throwable defect) {
      Optional<OutageException> outage = OutageException.in(defect);
      if (outage.isPresent()) {
        return outage(outage.get());
      }
      String fingerprint = Defects.fingerprint(defect);
      String reason = Defects.describe(defect, fingerprint);
      LOG.log(Level.ERROR, "run " + run.id() + " hit " + reason, defect);
      report(defect, fingerprint);
      try {
        log.append("failed: " + reason);
        return record(
            RunStatus.FAILED,
            withReport(RunChange.because(reason), agentReport),
            failed -> new Failed(failed, reason));
      } catch (RuntimeException recordFailed) {
        // The store is down too: the lease will expire and recovery will take the run back.
        defectOrOutage("recording its failure failed", recordFailed);
        return new Failed(run, reason);
      }
    }

    /**
     * A database (or Redis) outage interrupted the run: nothing about the run is wrong, so it goes
     * back in the queue. The outage may last a few seconds (the embedded server restarting), so the
     * postponement is tried for up to {@link #OUTAGE_RECORD_TRIES} seconds; if the store stays
     * down, the lease expires and recovery takes the run back.
     */
    private Result outage(OutageException outage) {
      String why = "an outage interrupted the run: " + outage.getMessage();
      LOG.log(Level.WARNING, "run " + run.id() + ": " + why);
      for (int attempt = 1; ; attempt++) {
        try {
          return postpone(why, OUTAGE_RETRY);
        } catch (RuntimeException stillDown) {
          if (OutageException.in(stillDown).isEmpty() || attempt >= OUTAGE_RECORD_TRIES) {
            defectOrOutage("putting it back in the queue failed; recovery takes it", stillDown);
            return new Postponed(run, clock.instant().plus(OUTAGE_RETRY), why);
          }
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Postponed(run, clock.instant().plus(OUTAGE_RETRY), why);
          }
        }
      }
    }

    /** Logs and reports a defect; an outage is only logged, at WARN, and reported to no one. */
    private void defectOrOutage(String what, Throwable failure) {
      Optional<OutageException> outage = OutageException.in(failure);
      if (outage.isPresent()) {
        LOG.log(Level.WARNING, "run " + run.id() + ": " + what + ": " + outage.get().getMessage());
        return;
      }
      String fingerprint = Defects.fingerprint(failure);
      LOG.log(
          Level.ERROR, "run " + run.id() + ": " + what + " (defect " + fingerprint + ")", failure);
      report(failure, fingerprint);
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

    /** The permit goes back if the agent never started; a failure to give it back is a defect. */
    private void releaseUnusedPermit() {
      if (permit == null) {
        return;
      }
      try {
        permit.releaseIfUnused();
      } catch (RuntimeException refundFailed) {
        defectOrOutage("the permit could not be given back", refundFailed);
      }
    }

    private Result lostLease() {
      releaseUnusedPermit();
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

    private void feedback(RunStatus ended, IssueSource.Feedback feedback) {
      try {
        switch (ports.source().postFeedback(run.issue(), feedback)) {
          case IssueSource.Posted posted -> {
            log.append("feedback posted on the issue");
            log.append(STEP + "feedback posted");
          }
          case IssueSource.Skipped skipped -> log.append("no feedback: " + skipped.reason());
          case IssueSource.NotPosted notPosted -> {
            // After the source's own retries: the run keeps its outcome, and says so once.
            String note =
                "feedback not posted on the issue after the source's own retries (the run stays "
                    + ended.wireName()
                    + "; the feedback is not tried again): "
                    + notPosted.reason();
            log.append(note);
            LOG.log(Level.WARNING, "run " + run.id() + ": " + note);
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
     * The outcome recorder, the one place an attempt's end is written: gives back a permit whose
     * agent never started, then records the run's move from {@code running} to {@code to}, guarded
     * by this worker's lease. When someone else changed the run meanwhile (cancelled it, or
     * recovery gave it away), nothing is recorded and the attempt is {@link Interrupted}.
     */
    private Result record(RunStatus to, RunChange change, Function<FixRun, Result> recorded) {
      releaseUnusedPermit();
      RunStore.TransitionResult result =
          ports
              .store()
              .transition(
                  new RunStore.Transition(
                      run.id(), RunStatus.RUNNING, to, clock.instant(), workerId, change));
      return switch (result) {
        case RunStore.Applied applied -> recorded.apply(applied.run());
        case RunStore.Conflict conflict -> {
          log.append("the run changed meanwhile; it is " + conflict.actual().status().wireName());
          yield new Interrupted(run.id(), conflict.actual().status());
        }
        case RunStore.NotFound notFound -> new Interrupted(run.id(), RunStatus.CANCELLED);
      };
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

  private static VerifiedFix.Check check(FixVerifier.Verification verification) {
    return switch (verification) {
      case FixVerifier.NotConfigured none ->
          new VerifiedFix.Check(VerifiedFix.Outcome.NOT_CONFIGURED, "", 0, Duration.ZERO, "");
      case FixVerifier.Passed passed ->
          new VerifiedFix.Check(
              VerifiedFix.Outcome.PASSED, passed.command(), 0, passed.took(), passed.outputTail());
      case FixVerifier.Failed failed ->
          new VerifiedFix.Check(
              VerifiedFix.Outcome.FAILED,
              failed.command(),
              failed.exitCode(),
              Duration.ZERO,
              failed.outputTail());
    };
  }

  private static FixVerifier.Verification verification(VerifiedFix.Check check) {
    return switch (check.outcome()) {
      case NOT_CONFIGURED -> new FixVerifier.NotConfigured();
      case PASSED -> new FixVerifier.Passed(check.command(), check.took(), check.outputTail());
      case FAILED -> new FixVerifier.Failed(check.command(), check.exitCode(), check.outputTail());
    };
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
