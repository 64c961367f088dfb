package dev.autofix.github.internal;

import dev.autofix.support.retry.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import okhttp3.Headers;

/**
 * How long to wait before trying GitHub again, following GitHub's rate-limit guide: the answer to
 * "is this retryable, and after how long" that GitHub's calls and the push give {@code Retry};
 * {@code retry-after} first, then {@code x-ratelimit-reset} when {@code x-ratelimit-remaining} is
 * 0, then at least a minute (doubling) for a secondary limit; a short doubling backoff for 5xx and
 * transport failures.
 */
public final class RetryDelays {
  static final Duration SERVER_ERROR_BASE = Duration.ofSeconds(1);
  static final Duration SECONDARY_LIMIT_BASE = Duration.ofSeconds(60);

  /** The longest backoff, and so the longest wait of a push retried after a transport failure. */
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private RetryDelays() {}

  /**
   * The wait before the next attempt after this answer, or {@code null} when retrying cannot help
   * (a 401, 404, 422, or a 403 that is not a rate limit).
   *
   * @param attempt the attempt that got this answer, from 1
   */
  public static Duration forResponse(
      int status, Headers headers, String message, int attempt, Instant now) {
    if (status == 429 || status == 403) {
      Optional<Duration> retryAfter = Waits.retryAfter(headers.get("retry-after"), now);
      if (retryAfter.isPresent()) {
        return retryAfter.get();
      }
      if ("0".equals(trim(headers.get("x-ratelimit-remaining")))) {
        Duration untilReset = untilReset(headers.get("x-ratelimit-reset"), now);
        if (untilReset != null) {
          return untilReset;
        }
      }
      boolean secondary =
          message != null && message.toLowerCase(Locale.ROOT).contains("secondary rate limit");
      if (secondary || status == 429) {
        return backoff(SECONDARY_LIMIT_BASE, attempt);
      }
      return null;
    }
    if (status == 500 || status == 502 || status == 503 || status == 504) {
      return backoff(SERVER_ERROR_BASE, attempt);
    }
    return null;
  }

  /** The wait after a transport failure or timeout. */
  public static Duration forTransportFailure(int attempt) {
    return backoff(SERVER_ERROR_BASE, attempt);
  }

  static Duration backoff(Duration base, int attempt) {
    return Waits.backoff(base, attempt, MAX_BACKOFF);
  }

  /** Until the epoch second in {@code x-ratelimit-reset}, plus a second for clock skew. */
  static Duration untilReset(String value, Instant now) {
    String v = trim(value);
    if (v == null) {
      return null;
    }
    try {
      Instant reset = Instant.ofEpochSecond(Long.parseLong(v)).plusSeconds(1);
      return reset.isAfter(now) ? Duration.between(now, reset) : Duration.ofSeconds(1);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String trim(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
