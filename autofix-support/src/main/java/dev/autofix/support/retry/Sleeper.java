package dev.autofix.support.retry;

import java.time.Duration;

/** Waits between attempts; tests pass one that records the waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

  /** Waits for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;

  /** The real one: {@link Thread#sleep(Duration)}. */
  static Sleeper real() {
    return Thread::sleep;
  }
}
