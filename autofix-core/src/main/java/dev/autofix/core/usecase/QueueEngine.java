package dev.autofix.core.usecase;

import dev.autofix.core.port.DefectReporter;
import dev.autofix.core.port.FixEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The core's {@link FixEngine} over the run store's queue: {@code concurrency} threads, each taking
 * the next runnable run and carrying it to its end with {@link FixNextRun}. Concurrency is the
 * number of threads (and the store's global cap), not a lock file. The server and the embedded
 * example both run this one.
 *
 * <p>A new run starts as soon as {@link #wake()} is called; polling every {@code pollInterval} is
 * only the backstop (a run queued by another process, a deferred run whose day has come). When a
 * run is deferred (daily cap used up) or postponed (an outage), the worker pauses for one poll
 * interval instead of claiming the next run at once. Runs abandoned by a dead worker are recovered
 * at start and then every {@code recoveryInterval}. While agents cannot start at all (the sandbox
 * cannot be set up), the worker claims nothing and checks again every poll interval.
 */
public final class QueueEngine implements FixEngine {
  private static final System.Logger LOG = System.getLogger(QueueEngine.class.getName());

  private final FixNextRun fix;
  private final RecoverRuns recover;
  private final DefectReporter defects;
  private final int concurrency;
  private final Duration pollInterval;
  private final Duration recoveryInterval;
  private final String workerPrefix;
  private final Listener listener;
  private final Supplier<Optional<String>> agentsReady;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  // a paused worker waits here: new work does not wake it, only a stop does
  private final Condition stopping = lock.newCondition();
  private final List<Thread> threads = new ArrayList<>();
  private long wakeUps;
  private volatile boolean running;
  private volatile long lastRecovery;
  private volatile long lastLoop = System.nanoTime();

  /** Told about every finished attempt, for metrics. */
  public interface Listener {
    void finished(FixNextRun.Result result, Duration took);

    Listener NONE = (result, took) -> {};
  }

  /**
   * How the engine runs.
   *
   * @param concurrency the worker threads, at least 1 (and the store's cap across processes)
   * @param pollInterval the backstop poll when nothing wakes it, and the pause after a deferral
   * @param recoveryInterval how often abandoned runs are recovered
   * @param workerPrefix the prefix of the worker ids recorded as lease owners
   */
  public record Settings(
      int concurrency, Duration pollInterval, Duration recoveryInterval, String workerPrefix) {
    public Settings {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
      }
      Objects.requireNonNull(pollInterval, "pollInterval == null");
      Objects.requireNonNull(recoveryInterval, "recoveryInterval == null");
      Objects.requireNonNull(workerPrefix, "workerPrefix == null");
    }
  }

  /** An engine whose agents can always start, with no listener. */
  public QueueEngine(
      FixNextRun fix, RecoverRuns recover, DefectReporter defects, Settings settings) {
    this(fix, recover, defects, settings, Listener.NONE, Optional::empty);
  }

  /**
   * An engine that claims no run while {@code agentsReady} says why agents cannot start (the
   * sandbox cannot be set up, say), checking again every poll interval.
   */
  public QueueEngine(
      FixNextRun fix,
      RecoverRuns recover,
      DefectReporter defects,
      Settings settings,
      Listener listener,
      Supplier<Optional<String>> agentsReady) {
    this(
        fix,
        recover,
        defects,
        settings.concurrency(),
        settings.pollInterval(),
        settings.recoveryInterval(),
        settings.workerPrefix(),
        listener,
        agentsReady);
  }

  private QueueEngine(
      FixNextRun fix,
      RecoverRuns recover,
      DefectReporter defects,
      int concurrency,
      Duration pollInterval,
      Duration recoveryInterval,
      String workerPrefix,
      Listener listener,
      Supplier<Optional<String>> agentsReady) {
    this.fix = Objects.requireNonNull(fix, "fix == null");
    this.recover = Objects.requireNonNull(recover, "recover == null");
    this.defects = Objects.requireNonNull(defects, "defects == null");
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
    }
    this.concurrency = concurrency;
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval == null");
    this.recoveryInterval = Objects.requireNonNull(recoveryInterval, "recoveryInterval == null");
    this.workerPrefix = Objects.requireNonNull(workerPrefix, "workerPrefix == null");
    this.listener = Objects.requireNonNull(listener, "listener == null");
    this.agentsReady = Objects.requireNonNull(agentsReady, "agentsReady == null");
  }

  /** Recovers abandoned runs, then starts the worker threads. */
  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    recoverAbandoned();
    for (int i = 1; i <= concurrency; i++) {
      String id = workerPrefix + "-" + i;
      Thread thread = Thread.ofPlatform().name("autofix-worker-" + i).unstarted(() -> loop(id));
      threads.add(thread);
      thread.start();
    }
    LOG.log(System.Logger.Level.INFO, "worker started with " + concurrency + " slot(s)");
  }

  /** Whether the worker threads are alive and looping. */
  @Override
  public boolean isAlive() {
    if (!running || threads.isEmpty()) {
      return false;
    }
    return threads.stream().allMatch(Thread::isAlive);
  }

  @Override
  public void wake() {
    lock.lock();
    try {
      wakeUps++;
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop(String workerId) {
    FixNextRun.Command command = new FixNextRun.Command(workerId);
    while (running) {
      lastLoop = System.nanoTime();
      long seen = wakeUpsSeen();
      maybeRecover();
      if (!agentsCanStart()) {
        // Claim nothing: each issue gets one run ever, and failing it here would waste it.
        pause();
        continue;
      }
      FixNextRun.Result result;
      long started = System.nanoTime();
      try {
        result = fix.execute(command);
      } catch (RuntimeException | Error e) {
        // Claiming itself failed (the database is down, say), or an Error escaped a run: report,
        // wait, try again. No run takes the worker thread down with it. An outage is no defect.
        var outage = dev.autofix.core.OutageException.in(e);
        if (outage.isPresent()) {
          LOG.log(
              System.Logger.Level.WARNING,
              "worker " + workerId + " could not claim work: " + outage.get().getMessage());
          pause();
          continue;
        }
        String fingerprint = Defects.fingerprint(e);
        LOG.log(
            System.Logger.Level.ERROR,
            "worker " + workerId + " could not claim work (defect " + fingerprint + ")",
            e);
        defects.report(
            new DefectReporter.Defect(fingerprint, "worker", e, Map.of("worker", workerId)));
        awaitWork(seen);
        continue;
      }
      listener.finished(result, Duration.ofNanos(System.nanoTime() - started));
      if (result instanceof FixNextRun.Idle) {
        awaitWork(seen);
      } else if (holdsForEveryRun(result)) {
        LOG.log(
            System.Logger.Level.INFO,
            "worker " + workerId + ": " + describe(result) + "; next check in " + pollInterval);
        pause();
      } else {
        LOG.log(System.Logger.Level.INFO, "worker " + workerId + ": " + describe(result));
      }
    }
  }

  private boolean agentsCanStart() {
    try {
      return agentsReady.get().isEmpty();
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.ERROR,
          "checking whether agents can start failed; claiming nothing",
          e);
      return false;
    }
  }

  private long wakeUpsSeen() {
    lock.lock();
    try {
      return wakeUps;
    } finally {
      lock.unlock();
    }
  }

  private void awaitWork(long seen) {
    lock.lock();
    try {
      long nanos = pollInterval.toNanos();
      while (running && wakeUps == seen && nanos > 0) {
        nanos = work.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits one poll interval whatever wakes it (but a stop): the last run could not start for a
   * reason that holds for every run (the daily cap is used up, the limiter or the issue source is
   * down). Claiming the next run at every new delivery would only defer or postpone it in turn: two
   * transactions per new issue, all day, for nothing. Runs that arrive meanwhile wait in the queue;
   * the cap or the outage is checked again after the interval.
   */
  private void pause() {
    lock.lock();
    try {
      long nanos = pollInterval.toNanos();
      while (running && nanos > 0) {
        nanos = stopping.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  private void maybeRecover() {
    long now = System.nanoTime();
    if (now - lastRecovery >= recoveryInterval.toNanos()) {
      recoverAbandoned();
    }
  }

  private synchronized void recoverAbandoned() {
    lastRecovery = System.nanoTime();
    try {
      RecoverRuns.Result result = recover.execute();
      result
          .requeued()
          .forEach(
              r ->
                  LOG.log(
                      System.Logger.Level.WARNING,
                      "run " + r.id() + " was abandoned; queued again"));
      result
          .failed()
          .forEach(
              r ->
                  LOG.log(
                      System.Logger.Level.WARNING,
                      "run " + r.id() + " was abandoned too often: " + r.reason()));
      if (!result.requeued().isEmpty()) {
        wake(); // whatever signal the recovery was given, this engine takes them now
      }
    } catch (RuntimeException e) {
      var outage = dev.autofix.core.OutageException.in(e);
      if (outage.isPresent()) {
        LOG.log(
            System.Logger.Level.WARNING,
            "recovery waits for the outage to end: " + outage.get().getMessage());
        return;
      }
      String fingerprint = Defects.fingerprint(e);
      LOG.log(System.Logger.Level.ERROR, "recovery failed (defect " + fingerprint + ")", e);
      defects.report(new DefectReporter.Defect(fingerprint, "recovery", e, Map.of()));
    }
  }

  /** Whether the run could not start for a reason that would stop the next one too. */
  private static boolean holdsForEveryRun(FixNextRun.Result result) {
    return switch (result) {
      case FixNextRun.Deferred d -> true; // the daily cap is used up
      case FixNextRun.Postponed p -> true; // the limiter or the issue source is down
      case FixNextRun.Idle i -> false;
      case FixNextRun.PrOpened p -> false;
      case FixNextRun.BranchPushed b -> false;
      case FixNextRun.NoFix n -> false;
      case FixNextRun.Failed f -> false;
      case FixNextRun.Interrupted i -> false;
      case FixNextRun.Stopped s -> false;
    };
  }

  private static String describe(FixNextRun.Result result) {
    return switch (result) {
      case FixNextRun.Idle idle -> "idle";
      case FixNextRun.Deferred d -> "run " + d.run().id() + " deferred until " + d.retryAt();
      case FixNextRun.Postponed p -> "run " + p.run().id() + " postponed: " + p.reason();
      case FixNextRun.PrOpened p -> "run " + p.run().id() + " opened " + p.pullRequest().url();
      case FixNextRun.BranchPushed b -> "run " + b.run().id() + " pushed " + b.run().branch();
      case FixNextRun.NoFix n -> "run " + n.run().id() + " ended without a fix: " + n.reason();
      case FixNextRun.Failed f -> "run " + f.run().id() + " failed: " + f.reason();
      case FixNextRun.Interrupted i -> "run " + i.runId() + " changed meanwhile: " + i.actual();
      case FixNextRun.Stopped s -> "run " + s.run().id() + " queued again: the worker is stopping";
    };
  }

  /**
   * Stops taking work and waits up to {@code grace} for the running attempts to end; then
   * interrupts them: the agent is stopped and FixNextRun puts its run back in the queue, so a clean
   * stop leaves nothing {@code running}.
   */
  @Override
  public void stop(Duration grace) {
    running = false;
    wake();
    lock.lock();
    try {
      stopping.signalAll();
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (Thread thread : threads) {
      try {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          thread.join(Duration.ofNanos(left));
        }
        if (thread.isAlive()) {
          thread.interrupt();
          thread.join(TimeUnit.SECONDS.toMillis(10));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    LOG.log(System.Logger.Level.INFO, "worker stopped");
  }
}
