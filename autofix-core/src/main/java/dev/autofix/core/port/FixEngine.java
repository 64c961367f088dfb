package dev.autofix.core.port;

import java.time.Duration;

/**
 * What carries runs to their end: the loop that claims the next runnable run under the concurrency
 * cap, its wake-ups, the recovery of abandoned runs and a graceful stop. The server and embedders
 * configure one and start it. The core's own ({@code QueueEngine}) polls the run store; another (a
 * workflow engine, say) can take its place without touching the use cases.
 */
public interface FixEngine extends WorkSignal, AutoCloseable {

  /** Recovers abandoned runs, then starts taking work. */
  void start();

  /** Whether the engine is taking work. */
  boolean isAlive();

  /**
   * Stops taking work and waits up to {@code grace} for running attempts to end; then stops them,
   * and their runs go back to the queue.
   */
  void stop(Duration grace);

  /** Stops with a grace of 30 seconds. */
  @Override
  default void close() {
    stop(Duration.ofSeconds(30));
  }
}
