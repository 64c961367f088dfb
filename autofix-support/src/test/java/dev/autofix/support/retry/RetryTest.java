package dev.autofix.support.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class RetryTest {
  private static final Logger LOG = LoggerFactory.getLogger(RetryTest.class);
  private static final Instant NOW = Instant.parse("2026-11-24T09:00:00Z");

  private final List<Duration> waits = new ArrayList<>();
  private final List<Integer> attempts = new ArrayList<>();

  private Retry retry(int maxAttempts, Duration maxWait) {
    return Retry.create(maxAttempts, maxWait, waits::add, LOG);
  }

  /** {@code maxAttempts} within 30 s of attempts that ask for {@code wait} until {@code doneAt}. */
  private Retry.Result<String> run(int maxAttempts, int doneAt, Duration wait) {
    return retry(maxAttempts, Duration.ofSeconds(30))
        .run("GET /x", n -> retryUntil(n, doneAt, wait));
  }

  /** An attempt that asks to retry after {@code wait} until attempt {@code doneAt}. */
  private Retry.Decision<String> retryUntil(int number, int doneAt, Duration wait) {
    attempts.add(number);
    return number >= doneAt
        ? new Retry.Done<>("ok " + number)
        : new Retry.RetryAfter<>(wait, "failed " + number, "503 from the fake");
  }

  @Test
  void run_returnsCompleted_withoutWaiting_whenTheFirstAttemptIsDone() {
    Retry.Result<String> result = run(3, 1, Duration.ZERO);

    assertThat(result).isEqualTo(new Retry.Completed<>("ok 1", 1));
    assertThat(waits).isEmpty();
  }

  @Test
  void run_waitsWhatEachAttemptAsks_thenReturnsTheDoneResult() {
    Retry.Result<String> result =
        retry(5, Duration.ofSeconds(30))
            .run(
                "GET /x",
                n ->
                    retryUntil(
                        n, 3, Waits.backoff(Duration.ofSeconds(1), n, Duration.ofMinutes(1))));

    assertThat(result).isEqualTo(new Retry.Completed<>("ok 3", 3));
    assertThat(attempts).containsExactly(1, 2, 3);
    assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void run_returnsExhausted_withTheLastResult_afterMaxAttempts() {
    Retry.Result<String> result = run(3, 99, Duration.ofSeconds(5));

    assertThat(result).isEqualTo(new Retry.Exhausted<>("failed 3", 3, Duration.ofSeconds(5)));
    assertThat(attempts).containsExactly(1, 2, 3);
    assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  @Test
  void run_triesOnce_whenOneAttemptIsAllowed() {
    Retry.Result<String> result = run(1, 99, Duration.ofSeconds(1));

    assertThat(result).isInstanceOf(Retry.Exhausted.class);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void run_givesUpWithoutWaiting_whenRetryAfterSecondsExceedTheMaxWait() {
    Duration asked = Waits.retryAfter("3600", NOW).orElseThrow();

    Retry.Result<String> result = run(3, 99, asked);

    assertThat(result).isEqualTo(new Retry.WaitTooLong<>("failed 1", 1, Duration.ofHours(1)));
    assertThat(waits).isEmpty();
  }

  @Test
  void run_waitsTheRetryAfterDate_whenItIsWithinTheMaxWait() {
    Duration asked = Waits.retryAfter("Tue, 24 Nov 2026 09:00:30 GMT", NOW).orElseThrow();

    Retry.Result<String> result = run(3, 2, asked);

    assertThat(result).isEqualTo(new Retry.Completed<>("ok 2", 2));
    assertThat(waits).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void run_stopsAndSetsTheInterruptFlagAgain_whenInterruptedWhileWaiting() {
    Retry retry =
        Retry.create(
            5,
            Duration.ofSeconds(30),
            wait -> {
              throw new InterruptedException("stop");
            },
            LOG);

    Retry.Result<String> result =
        retry.run("GET /x", n -> retryUntil(n, 99, Duration.ofSeconds(2)));

    assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    assertThat(result).isEqualTo(new Retry.Interrupted<>("failed 1", 1, Duration.ofSeconds(2)));
    assertThat(attempts).containsExactly(1);
  }

  @Test
  void create_refusesNoAttemptsAndANegativeWait() {
    assertThatThrownBy(() -> retry(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> retry(1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retryAfter_readsSecondsAndHttpDates() {
    assertThat(Waits.retryAfter("8", NOW)).contains(Duration.ofSeconds(8));
    assertThat(Waits.retryAfter(" 8 ", NOW)).contains(Duration.ofSeconds(8));
    assertThat(Waits.retryAfter("-3", NOW)).contains(Duration.ZERO);
    assertThat(Waits.retryAfter("Tue, 24 Nov 2026 09:00:20 GMT", NOW))
        .contains(Duration.ofSeconds(20));
    assertThat(Waits.retryAfter("Tue, 24 Nov 2026 08:00:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @Test
  void retryAfter_isEmpty_whenAbsentOrUnreadable() {
    assertThat(Waits.retryAfter(null, NOW)).isEqualTo(Optional.empty());
    assertThat(Waits.retryAfter(" ", NOW)).isEmpty();
    assertThat(Waits.retryAfter("soon", NOW)).isEmpty();
    assertThat(Waits.retryAfter("1.5", NOW)).isEmpty();
  }

  @Test
  void backoff_doublesFromTheFirstWait_upToTheCap() {
    Duration second = Duration.ofSeconds(1);
    Duration cap = Duration.ofMinutes(5);

    assertThat(Waits.backoff(second, 1, cap)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Waits.backoff(second, 3, cap)).isEqualTo(Duration.ofSeconds(4));
    assertThat(Waits.backoff(Duration.ofSeconds(60), 30, cap)).isEqualTo(cap);
    assertThat(Waits.backoff(Duration.ofDays(100_000), 60, cap)).isEqualTo(cap);
    assertThat(Waits.backoff(second, 0, cap)).isEqualTo(second);
  }
}
