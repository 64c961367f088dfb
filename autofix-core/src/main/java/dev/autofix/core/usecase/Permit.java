package dev.autofix.core.usecase;

import dev.autofix.core.port.RateLimiter;
import java.util.Objects;

/**
 * Today's permit for one attempt. It is spent once the agent starts, which is what the daily cap
 * counts and what is paid for; {@link #releaseIfUnused()} gives it back only if the agent never
 * started, so no stop, restart, retry or crash after the start gets around the cap.
 */
final class Permit {
  private final RateLimiter limiter;
  private RateLimiter.Granted granted;
  private boolean spent;

  Permit(RateLimiter limiter, RateLimiter.Granted granted) {
    this.limiter = Objects.requireNonNull(limiter, "limiter == null");
    this.granted = Objects.requireNonNull(granted, "granted == null");
  }

  /** The agent starts: from now on the permit is never given back. */
  void spend() {
    spent = true;
  }

  boolean spent() {
    return spent;
  }

  /** Gives the permit back if the agent never started; once at most. */
  void releaseIfUnused() {
    if (!spent && granted != null) {
      RateLimiter.Granted unused = granted;
      granted = null;
      limiter.refund(unused);
    }
  }
}
