package dev.autofix.support.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.IntFunction;
import org.slf4j.Logger;

/**
 * The one retry loop of autofix's adapters: it calls an attempt until the caller's decision says
 * {@link Done}, the attempts run out, a wait is longer than the limit, or the thread is
 * interrupted.
 *
 * <p>Each caller keeps only its judgement of one attempt ({@link Done} or {@link RetryAfter}, with
 * the wait it wants, from a {@code Retry-After} header through {@link Waits#retryAfter} or a {@link
 * Waits#backoff}); counting, the limits, the waiting, its log lines and interruption are here. How
 * the loop ended is a {@link Result}, so that callers that report a give-up differently from a
 * success can, and the others take {@link Result#result()}.
 */
public final class Retry {
  private final int maxAttempts;
  private final Duration maxWait;
  private final Sleeper sleeper;
  private final Logger log;

  private Retry(int maxAttempts, Duration maxWait, Sleeper sleeper, Logger log) {
    this.maxAttempts = maxAttempts;
    this.maxWait = maxWait;
    this.sleeper = sleeper;
    this.log = log;
  }

  /**
   * A retry loop.
   *
   * @param maxAttempts how many attempts at most, the first included
   * @param maxWait the longest wait before another attempt; an attempt that asks for more ends the
   *     loop ({@link WaitTooLong})
   * @param sleeper how to wait
   * @param log where "retrying" and "giving up" go: the caller's logger, so that they read as its
   */
  public static Retry create(int maxAttempts, Duration maxWait, Sleeper sleeper, Logger log) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
    }
    Objects.requireNonNull(maxWait, "maxWait == null");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait is negative: " + maxWait);
    }
    Objects.requireNonNull(sleeper, "sleeper == null");
    Objects.requireNonNull(log, "log == null");
    return new Retry(maxAttempts, maxWait, sleeper, log);
  }

  /** The caller's judgement of one attempt. */
  public sealed interface Decision<T> permits Done, RetryAfter {}

  /** Retrying would not change {@code result}: a success, or a failure that stays one. */
  public record Done<T>(T result) implements Decision<T> {}

  /**
   * Worth another attempt after {@code delay}.
   *
   * @param result what to return if there is none
   * @param reason what went wrong, for the log (without secrets)
   */
  public record RetryAfter<T>(Duration delay, T result, String reason) implements Decision<T> {
    public RetryAfter {
      Objects.requireNonNull(delay, "delay == null");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay is negative: " + delay);
      }
      Objects.requireNonNull(reason, "reason == null");
    }
  }

  /** How the attempts ended; {@link #result()} is the last attempt's. */
  public sealed interface Result<T> permits Completed, Exhausted, WaitTooLong, Interrupted {
    /** The last attempt's result. */
    T result();

    /** How many attempts were made. */
    int attempts();
  }

  /** An attempt was {@link Done}. */
  public record Completed<T>(T result, int attempts) implements Result<T> {}

  /** The last attempt allowed still asked to retry, after {@code delay}. */
  public record Exhausted<T>(T result, int attempts, Duration delay) implements Result<T> {}

  /** An attempt asked to wait {@code delay}, longer than the limit, so none followed. */
  public record WaitTooLong<T>(T result, int attempts, Duration delay) implements Result<T> {}

  /**
   * The thread was interrupted while it waited {@code delay} for the next attempt; its interrupt
   * flag is set again.
   */
  public record Interrupted<T>(T result, int attempts, Duration delay) implements Result<T> {}

  /**
   * Runs {@code attempt} (given the attempt's number, from 1) until it is {@link Done} or the loop
   * gives up.
   *
   * @param what what is being tried, for the log, for example {@code GitHub GET /repos/a/b/pulls}
   */
  public <T> Result<T> run(String what, IntFunction<Decision<T>> attempt) {
    Objects.requireNonNull(what, "what == null");
    for (int number = 1; ; number++) {
      Decision<T> decision = Objects.requireNonNull(attempt.apply(number), "decision == null");
      switch (decision) {
        case Done<T> done -> {
          return new Completed<>(done.result(), number);
        }
        case RetryAfter<T> retry -> {
          if (retry.delay().compareTo(maxWait) > 0) {
            log.warn(
                "{}: {}; the wait asked for, {}, is beyond the limit of {}: giving up",
                what,
                retry.reason(),
                retry.delay(),
                maxWait);
            return new WaitTooLong<>(retry.result(), number, retry.delay());
          }
          if (number >= maxAttempts) {
            log.warn(
                "{}: {}; giving up after {}",
                what,
                retry.reason(),
                number == 1 ? "one attempt" : number + " attempts");
            return new Exhausted<>(retry.result(), number, retry.delay());
          }
          log.warn(
              "{}: {} (attempt {} of {}); retrying in {}",
              what,
              retry.reason(),
              number,
              maxAttempts,
              retry.delay());
          try {
            sleeper.sleep(retry.delay());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.info("{}: interrupted while waiting to retry", what);
            return new Interrupted<>(retry.result(), number, retry.delay());
          }
        }
      }
    }
  }
}
