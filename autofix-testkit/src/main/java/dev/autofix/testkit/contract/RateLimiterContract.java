package dev.autofix.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.port.RateLimiter;
import dev.autofix.testkit.Concurrently;
import dev.autofix.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RateLimiter} shares. Extend it and build a limiter with fresh counters
 * (a new key prefix, say) in {@link #newLimiter}.
 */
public abstract class RateLimiterContract {
  protected static final Instant NOON = Instant.parse("2026-11-24T12:00:00Z");

  /** A limiter with no permits taken yet, allowing {@code limit} a day on {@code clock}. */
  protected abstract RateLimiter newLimiter(int limit, Clock clock, ZoneId zone);

  @Test
  @DisplayName("grants up to the limit, then denies until the start of the next day")
  void tryAcquire_grantsUpToLimit_thenDeniesUntilNextDay() {
    MutableClock clock = MutableClock.at(NOON);
    RateLimiter limiter = newLimiter(2, clock, ZoneOffset.UTC);

    assertThat(limiter.tryAcquire())
        .isEqualTo(new RateLimiter.Granted(LocalDate.parse("2026-11-24"), 1, 2));
    assertThat(limiter.tryAcquire())
        .isEqualTo(new RateLimiter.Granted(LocalDate.parse("2026-11-24"), 2, 2));
    assertThat(limiter.tryAcquire())
        .isEqualTo(
            new RateLimiter.Denied(
                LocalDate.parse("2026-11-24"), 2, Instant.parse("2026-11-25T00:00:00Z")));
    assertThat(limiter.usage())
        .isEqualTo(new RateLimiter.Usage(LocalDate.parse("2026-11-24"), 2, 2));
  }

  @Test
  @DisplayName("a new day grants again")
  void tryAcquire_grantsAgain_afterDayRollOver() {
    MutableClock clock = MutableClock.at(NOON);
    RateLimiter limiter = newLimiter(1, clock, ZoneOffset.UTC);
    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Granted.class);
    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Denied.class);

    clock.set(Instant.parse("2026-11-25T00:00:00Z"));

    assertThat(limiter.tryAcquire())
        .isEqualTo(new RateLimiter.Granted(LocalDate.parse("2026-11-25"), 1, 1));
  }

  @Test
  @DisplayName("the day boundary follows the configured time zone")
  void tryAcquire_usesConfiguredTimeZone() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    // 23:30 UTC on the 24th is already the 25th in Berlin.
    MutableClock clock = MutableClock.at("2026-11-24T23:30:00Z");
    RateLimiter limiter = newLimiter(1, clock, berlin);

    assertThat(limiter.tryAcquire())
        .isEqualTo(new RateLimiter.Granted(LocalDate.parse("2026-11-25"), 1, 1));
    RateLimiter.Permit denied = limiter.tryAcquire();
    assertThat(denied)
        .isEqualTo(
            new RateLimiter.Denied(
                LocalDate.parse("2026-11-25"), 1, Instant.parse("2026-11-25T23:00:00Z")));
  }

  @Test
  @DisplayName("a denial consumes nothing, and a refund frees a permit")
  void refund_givesBackAPermit_andDenialsConsumeNothing() {
    MutableClock clock = MutableClock.at(NOON);
    RateLimiter limiter = newLimiter(1, clock, ZoneOffset.UTC);
    RateLimiter.Granted granted = (RateLimiter.Granted) limiter.tryAcquire();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Denied.class);
    }

    limiter.refund(granted);

    assertThat(limiter.usage().used()).isZero();
    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Granted.class);
  }

  @Test
  @DisplayName("refunds never take the count below zero")
  void refund_neverGoesBelowZero() {
    MutableClock clock = MutableClock.at(NOON);
    RateLimiter limiter = newLimiter(2, clock, ZoneOffset.UTC);
    RateLimiter.Granted granted = (RateLimiter.Granted) limiter.tryAcquire();

    limiter.refund(granted);
    limiter.refund(granted);
    limiter.refund(granted);

    assertThat(limiter.usage().used()).isZero();
    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Granted.class);
    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Granted.class);
    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Denied.class);
  }

  @Test
  @DisplayName("a refund of yesterday's permit leaves today's count alone")
  void refund_ofAnEarlierDay_leavesTodayAlone() {
    MutableClock clock = MutableClock.at(NOON);
    RateLimiter limiter = newLimiter(1, clock, ZoneOffset.UTC);
    RateLimiter.Granted yesterday = (RateLimiter.Granted) limiter.tryAcquire();
    clock.advance(Duration.ofDays(1));
    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Granted.class);

    limiter.refund(yesterday);

    assertThat(limiter.usage().used()).isEqualTo(1);
    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Denied.class);
  }

  @Test
  @DisplayName("a limit of zero denies everything")
  void tryAcquire_deniesEverything_withLimitZero() {
    RateLimiter limiter = newLimiter(0, MutableClock.at(NOON), ZoneOffset.UTC);
    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Denied.class);
  }

  @Test
  @DisplayName("50 concurrent acquisitions with a cap of 5 grant exactly 5")
  void tryAcquire_grantsExactlyTheLimit_underContention() throws Exception {
    RateLimiter limiter = newLimiter(5, MutableClock.at(NOON), ZoneOffset.UTC);

    List<RateLimiter.Permit> permits = Concurrently.run(16, 50, i -> limiter::tryAcquire);

    assertThat(permits.stream().filter(p -> p instanceof RateLimiter.Granted)).hasSize(5);
    assertThat(limiter.usage().used()).isEqualTo(5);
  }
}
