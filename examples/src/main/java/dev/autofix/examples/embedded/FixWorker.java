package dev.autofix.examples.embedded;

import dev.autofix.core.port.WorkSignal;
import dev.autofix.core.usecase.Defects;
import dev.autofix.core.usecase.FixNextRun;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fix loop, for the host to run on an executor of its own: takes the next run and carries it to
 * its end, then sleeps until a webhook wakes it or {@code pollInterval} passes (for deferred runs
 * whose day has come). Interrupting the thread stops it; a run it was working on goes back to the
 * queue.
 */
final class FixWorker implements Runnable, WorkSignal {
  private static final Logger LOG = LoggerFactory.getLogger(FixWorker.class);

  private final Semaphore work = new Semaphore(0);
  private final FixNextRun fix;
  private final Duration pollInterval;

  FixWorker(FixNextRun fix, Duration pollInterval) {
    this.fix = fix;
    this.pollInterval = pollInterval;
  }

  @Override
  public void wake() {
    work.release();
  }

  @Override
  public void run() {
    FixNextRun.Command command = new FixNextRun.Command("host-" + ProcessHandle.current().pid());
    while (!Thread.currentThread().isInterrupted()) {
      try {
        FixNextRun.Result result = fix.execute(command);
        if (result instanceof FixNextRun.Idle) {
          work.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          work.drainPermits();
        } else {
          LOG.info("autofix: {}", result.getClass().getSimpleName());
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // Claiming failed (the database is down, say): log it and try again after a pause.
        LOG.error("autofix worker defect {}", Defects.fingerprint(e), e);
        try {
          Thread.sleep(pollInterval);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }
}
