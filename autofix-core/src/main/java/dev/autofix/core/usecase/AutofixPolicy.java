package dev.autofix.core.usecase;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The bounds and choices the use cases follow, set by the composition root from configuration.
 *
 * @param maxConcurrent how many runs may be {@code running} at once, across every worker (1)
 * @param lease how long a worker's claim on a run lasts without renewal; a live attempt renews it
 *     every third of this, so a dead worker's run is recovered within about one lease (2 minutes)
 * @param maxAttempts after this many attempts a run abandoned by a dead worker fails instead of
 *     going back to the queue (3)
 * @param publishUnverified whether a change whose verification failed still becomes a draft pull
 *     request, marked as such, rather than {@code no_fix} (false)
 * @param spendCeiling the dollar ceiling on a day's agents beside the daily count, if one is set
 *     (none)
 * @param publishRetry how a verified fix is published again while the host is unavailable (1
 *     minute, doubling up to 32 minutes, for 6 hours)
 */
public record AutofixPolicy(
    int maxConcurrent,
    Duration lease,
    int maxAttempts,
    boolean publishUnverified,
    Optional<SpendCeiling> spendCeiling,
    PublishRetry publishRetry) {
  public AutofixPolicy {
    Objects.requireNonNull(lease, "lease == null");
    Objects.requireNonNull(publishRetry, "publishRetry == null");
    Objects.requireNonNull(spendCeiling, "spendCeiling == null");
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1: " + maxConcurrent);
    }
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive: " + lease);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
  }

  /** A policy with the default {@link PublishRetry}. */
  public AutofixPolicy(
      int maxConcurrent,
      Duration lease,
      int maxAttempts,
      boolean publishUnverified,
      Optional<SpendCeiling> spendCeiling) {
    this(
        maxConcurrent,
        lease,
        maxAttempts,
        publishUnverified,
        spendCeiling,
        PublishRetry.defaults());
  }

  /** A policy without a spend ceiling. */
  public AutofixPolicy(
      int maxConcurrent, Duration lease, int maxAttempts, boolean publishUnverified) {
    this(maxConcurrent, lease, maxAttempts, publishUnverified, Optional.empty());
  }

  /**
   * One agent at a time, a two-minute lease, three attempts, verified changes only, no spend
   * ceiling.
   */
  public static AutofixPolicy defaults() {
    return new AutofixPolicy(1, Duration.ofMinutes(2), 3, false);
  }

  public AutofixPolicy withMaxConcurrent(int value) {
    return new AutofixPolicy(
        value, lease, maxAttempts, publishUnverified, spendCeiling, publishRetry);
  }

  public AutofixPolicy withLease(Duration value) {
    return new AutofixPolicy(
        maxConcurrent, value, maxAttempts, publishUnverified, spendCeiling, publishRetry);
  }

  public AutofixPolicy withMaxAttempts(int value) {
    return new AutofixPolicy(
        maxConcurrent, lease, value, publishUnverified, spendCeiling, publishRetry);
  }

  public AutofixPolicy withPublishUnverified(boolean value) {
    return new AutofixPolicy(maxConcurrent, lease, maxAttempts, value, spendCeiling, publishRetry);
  }

  public AutofixPolicy withSpendCeiling(SpendCeiling value) {
    return new AutofixPolicy(
        maxConcurrent,
        lease,
        maxAttempts,
        publishUnverified,
        Optional.ofNullable(value),
        publishRetry);
  }

  public AutofixPolicy withPublishRetry(PublishRetry value) {
    return new AutofixPolicy(
        maxConcurrent, lease, maxAttempts, publishUnverified, spendCeiling, value);
  }

  /**
   * How a verified fix is published again while the host is unavailable: after {@code first}, then
   * twice as long each time up to {@code longest}, and never sooner than the host asked; once
   * {@code window} has passed since the first failure, the run fails.
   *
   * @param first the first wait
   * @param longest the longest wait
   * @param window how long to keep trying
   */
  public record PublishRetry(Duration first, Duration longest, Duration window) {
    public PublishRetry {
      Objects.requireNonNull(first, "first == null");
      Objects.requireNonNull(longest, "longest == null");
      Objects.requireNonNull(window, "window == null");
      if (first.isNegative() || first.isZero()) {
        throw new IllegalArgumentException("first must be positive: " + first);
      }
      if (longest.compareTo(first) < 0) {
        throw new IllegalArgumentException("longest is shorter than first: " + longest);
      }
      if (window.isNegative()) {
        throw new IllegalArgumentException("window is negative: " + window);
      }
    }

    /** The wait doubles 5 times at most: 1, 2, 4, 8, 16, 32 minutes by default. */
    public static final int MAX_DOUBLINGS = 5;

    /** One minute, doubling up to 32 minutes, for six hours. */
    public static PublishRetry defaults() {
      return of(Duration.ofMinutes(1), Duration.ofHours(6));
    }

    /** A first wait of {@code first}, doubling {@link #MAX_DOUBLINGS} times, for {@code window}. */
    public static PublishRetry of(Duration first, Duration window) {
      return new PublishRetry(first, first.multipliedBy(1L << MAX_DOUBLINGS), window);
    }

    /** The wait after the {@code tries}-th failed try (from 1). */
    public Duration after(int tries) {
      int doublings = Math.max(0, Math.min(tries - 1, 30));
      Duration wait = first.multipliedBy(1L << doublings);
      return wait.compareTo(longest) > 0 ? longest : wait;
    }
  }
}
