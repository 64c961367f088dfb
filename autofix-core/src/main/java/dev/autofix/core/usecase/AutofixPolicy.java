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
 */
public record AutofixPolicy(
    int maxConcurrent,
    Duration lease,
    int maxAttempts,
    boolean publishUnverified,
    Optional<SpendCeiling> spendCeiling) {
  public AutofixPolicy {
    Objects.requireNonNull(lease, "lease == null");
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
    return new AutofixPolicy(value, lease, maxAttempts, publishUnverified, spendCeiling);
  }

  public AutofixPolicy withLease(Duration value) {
    return new AutofixPolicy(maxConcurrent, value, maxAttempts, publishUnverified, spendCeiling);
  }

  public AutofixPolicy withMaxAttempts(int value) {
    return new AutofixPolicy(maxConcurrent, lease, value, publishUnverified, spendCeiling);
  }

  public AutofixPolicy withPublishUnverified(boolean value) {
    return new AutofixPolicy(maxConcurrent, lease, maxAttempts, value, spendCeiling);
  }

  public AutofixPolicy withSpendCeiling(SpendCeiling value) {
    return new AutofixPolicy(
        maxConcurrent, lease, maxAttempts, publishUnverified, Optional.ofNullable(value));
  }
}
