package dev.autofix.support.retry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/** The waits callers hand to {@link Retry}: a doubling backoff, and HTTP's {@code Retry-After}. */
public final class Waits {
  private static final int MAX_DOUBLINGS = 30;

  private Waits() {}

  /**
   * {@code first}, doubled for every attempt after the first, and never more than {@code cap}.
   *
   * @param attempt the attempt that failed, from 1
   */
  public static Duration backoff(Duration first, int attempt, Duration cap) {
    Objects.requireNonNull(first, "first == null");
    Objects.requireNonNull(cap, "cap == null");
    int doublings = Math.max(0, Math.min(attempt - 1, MAX_DOUBLINGS));
    Duration delay;
    try {
      delay = first.multipliedBy(1L << doublings);
    } catch (ArithmeticException overflow) {
      return cap;
    }
    return delay.compareTo(cap) > 0 ? cap : delay;
  }

  /**
   * The wait an HTTP {@code Retry-After} value asks for: delta seconds, or an HTTP date (a date in
   * the past is no wait); empty when the value is absent or neither (RFC 9110 section 10.2.3).
   *
   * @param now what the date is measured from
   */
  public static Optional<Duration> retryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
