package dev.autofix.github.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

class RetryDelaysTest {
  private static final Instant NOW = Instant.parse("2026-11-24T09:00:00Z");

  @Test
  void forResponse_honoursRetryAfterSeconds_when429() {
    Headers headers = Headers.of("retry-after", "8");

    assertThat(RetryDelays.forResponse(429, headers, "slow down", 1, NOW))
        .isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void forResponse_honoursRetryAfterDate_whenGivenAsHttpDate() {
    Headers headers = Headers.of("Retry-After", "Tue, 24 Nov 2026 09:00:20 GMT");

    assertThat(RetryDelays.forResponse(403, headers, "secondary rate limit", 1, NOW))
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void forResponse_waitsUntilResetPlusASecond_whenRemainingIsZero() {
    Headers headers =
        Headers.of(
            "x-ratelimit-remaining",
            "0",
            "x-ratelimit-reset",
            Long.toString(NOW.getEpochSecond() + 120));

    assertThat(RetryDelays.forResponse(403, headers, "API rate limit exceeded", 1, NOW))
        .isEqualTo(Duration.ofSeconds(121));
  }

  @Test
  void forResponse_waitsAMinuteThenDoubles_whenASecondaryLimitHasNoHeaders() {
    String message = "You have exceeded a secondary rate limit.";

    assertThat(RetryDelays.forResponse(403, Headers.of(), message, 1, NOW))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(RetryDelays.forResponse(403, Headers.of(), message, 3, NOW))
        .isEqualTo(Duration.ofSeconds(240));
  }

  @Test
  void forResponse_backsOffFromOneSecond_whenServerErrors() {
    assertThat(RetryDelays.forResponse(502, Headers.of(), "Bad Gateway", 1, NOW))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(RetryDelays.forResponse(503, Headers.of(), "", 3, NOW))
        .isEqualTo(Duration.ofSeconds(4));
    assertThat(RetryDelays.forTransportFailure(2)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void forResponse_returnsNull_whenRetryingCannotHelp() {
    Headers plenty = Headers.of("x-ratelimit-remaining", "4000");
    assertThat(RetryDelays.forResponse(403, plenty, "Resource not accessible", 1, NOW)).isNull();
    assertThat(RetryDelays.forResponse(401, Headers.of(), "Bad credentials", 1, NOW)).isNull();
    assertThat(RetryDelays.forResponse(404, Headers.of(), "Not Found", 1, NOW)).isNull();
    assertThat(RetryDelays.forResponse(422, Headers.of(), "Validation Failed", 1, NOW)).isNull();
  }

  @Test
  void backoff_isCapped_whenAttemptsGrow() {
    assertThat(RetryDelays.backoff(Duration.ofSeconds(60), 30)).isEqualTo(Duration.ofMinutes(5));
  }
}
