package dev.autofix.core.usecase;

import dev.autofix.core.model.RunId;
import dev.autofix.core.port.RunStore;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One worker's hold on one running run. Every renewal extends it by its length from the injected
 * clock's now; {@link #held()} renews and is asked before every side effect, so a run that was
 * cancelled, or taken over after a pause, commits, verifies and publishes nothing.
 *
 * <p>While the attempt lasts, a heartbeat renews it every third of its length, and at least every
 * {@link #HEARTBEAT}. When the heartbeat finds it lost during a long step ({@link #interruptibly}:
 * the agent, the test command), it interrupts the attempt's thread, which stops that step's
 * process; the short steps run on to their next check, which fails.
 */
final class Lease implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Lease.class.getName());

  private final RunStore store;
  private final RunId run;
  private final String owner;
  private final Duration length;
  private final Clock clock;
  private final Thread attempt;
  private final Thread heartbeat;
  private boolean interruptible;
  private boolean closed;
  private volatile boolean lost;
  private volatile boolean interruptedByUs;

  private Lease(RunStore store, RunId run, String owner, Duration length, Clock clock) {
    this.store = store;
    this.run = run;
    this.owner = owner;
    this.length = length;
    this.clock = clock;
    this.attempt = Thread.currentThread();
    this.heartbeat = Thread.ofVirtual().name("autofix-lease-" + run).unstarted(this::beat);
  }

  /** Starts keeping the lease {@code owner} claimed on {@code run}, until {@link #close()}. */
  static Lease keep(RunStore store, RunId run, String owner, Duration length, Clock clock) {
    Objects.requireNonNull(store, "store == null");
    Lease lease = new Lease(store, run, owner, length, clock);
    lease.heartbeat.start();
    return lease;
  }

  /** Renews the lease now; false once it is lost (and from then on). */
  boolean held() {
    if (!lost && !renew()) {
      lost = true;
    }
    return !lost;
  }

  /** Whether a renewal found the lease gone (a cancel, or another worker's recovery). */
  boolean lost() {
    return lost;
  }

  /**
   * Whether this thread's interrupt came from the heartbeat (the lease was lost), not from a stop
   * request.
   */
  boolean interruptedTheAttempt() {
    return interruptedByUs;
  }

  /** Runs a long step that a lost lease stops, by interrupting this thread. */
  <T> T interruptibly(Supplier<T> step) {
    synchronized (this) {
      interruptible = true;
      if (lost) {
        // lost while a short step ran, after its last check: the long step is stopped at once
        interruptedByUs = true;
        attempt.interrupt();
      }
    }
    try {
      return step.get();
    } finally {
      synchronized (this) {
        interruptible = false;
      }
    }
  }

  /** Stops the heartbeat; an interrupt it made is not passed on to the worker. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    heartbeat.interrupt();
  }

  /** The longest wait between two renewals. */
  static final java.time.Duration HEARTBEAT = java.time.Duration.ofSeconds(10);

  private boolean renew() {
    Instant now = clock.instant();
    return store.renewLease(run, owner, now.plus(length), now);
  }

  private void beat() {
    // A third of the lease, and at most HEARTBEAT: a renewal is how a running attempt finds its
    // run cancelled (by a person, or by its issue resolved in Sentry), so that bounds how long
    // its agent goes on after a cancel.
    long every = Math.max(1, Math.min(length.toMillis() / 3, HEARTBEAT.toMillis()));
    while (true) {
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        return;
      }
      boolean held;
      try {
        held = renew();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not renew the lease of run " + run + "; trying again", e);
        continue;
      }
      if (!held) {
        lost = true;
        synchronized (this) {
          if (!closed && interruptible) {
            interruptedByUs = true;
            attempt.interrupt();
          }
        }
        return;
      }
    }
  }
}
