package dev.autofix.core.port;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The hard daily ceiling on fix attempts. The day is the limiter's (UTC unless configured), taken
 * from its clock; counting is atomic across every process that shares the limiter's storage.
 */
public interface RateLimiter {

  /** Takes one permit for today, or says when the next day starts. A denial consumes nothing. */
  Permit tryAcquire();

  /**
   * Gives back a permit whose attempt never started its agent. The count goes down atomically and
   * never below zero.
   */
  void refund(Granted permit);

  /** Today's use of the cap. */
  Usage usage();

  /** The outcome of {@link #tryAcquire()}. */
  sealed interface Permit permits Granted, Denied {}

  /** A permit: the {@code used}-th of {@code limit} on {@code day}. */
  record Granted(LocalDate day, int used, int limit) implements Permit {
    public Granted {
      Objects.requireNonNull(day, "day == null");
    }
  }

  /** No permit left on {@code day}; the next day starts at {@code retryAt}. */
  record Denied(LocalDate day, int limit, Instant retryAt) implements Permit {
    public Denied {
      Objects.requireNonNull(day, "day == null");
      Objects.requireNonNull(retryAt, "retryAt == null");
    }
  }

  /** How much of the cap is used on {@code day}. */
  record Usage(LocalDate day, int used, int limit) {
    public Usage {
      Objects.requireNonNull(day, "day == null");
    }
  }
}
