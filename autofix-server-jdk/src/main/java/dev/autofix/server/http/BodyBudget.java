package dev.autofix.server.http;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A bound on the webhook bytes held in memory at once. A body takes room as its buffer grows, that
 * is as its bytes arrive (the buffer at most doubles, starting at 8 KiB), not by the length it
 * declares: a client that declares 1 MiB and sends a byte a second holds 8 KiB, not 1 MiB. A body
 * that cannot get more room within the wait is answered {@code 503}, and everything it held is
 * given back when it is answered. So a flood of large bodies slows ingest down instead of
 * exhausting the heap: the server runs in a small heap (see the README), and signatures are checked
 * only after a body has been read.
 */
final class BodyBudget {
  private static final int KIB = 1024;

  private final Semaphore kib;
  private final Duration wait;

  /**
   * @param totalBytes how many body bytes may be held at once
   * @param maxBodyBytes the largest body a request may have
   * @param wait how long a body waits for more room
   */
  BodyBudget(long totalBytes, long maxBodyBytes, Duration wait) {
    if (maxBodyBytes < 1 || totalBytes < maxBodyBytes) {
      throw new IllegalArgumentException(
          "the budget ("
              + totalBytes
              + " bytes) must hold one largest body ("
              + maxBodyBytes
              + ")");
    }
    this.kib = new Semaphore(kibOf(totalBytes), true);
    this.wait = wait;
  }

  /** The room one body holds, growing as it arrives; closing it gives all of it back. */
  final class Hold implements AutoCloseable {
    private int heldKib;

    private Hold() {}

    /**
     * Grows the room held to at least {@code bytes}, waiting up to the configured time; false when
     * no room came (what was held before is still held).
     */
    boolean growTo(long bytes) throws InterruptedException {
      int wanted = kibOf(bytes);
      if (wanted <= heldKib) {
        return true;
      }
      if (!kib.tryAcquire(wanted - heldKib, wait.toNanos(), TimeUnit.NANOSECONDS)) {
        return false;
      }
      heldKib = wanted;
      return true;
    }

    @Override
    public void close() {
      kib.release(heldKib);
      heldKib = 0;
    }
  }

  /** A hold on no room yet, for one body. */
  Hold hold() {
    return new Hold();
  }

  /** The room left, in KiB (for tests). */
  int availableKib() {
    return kib.availablePermits();
  }

  private static int kibOf(long bytes) {
    return (int) Math.min(Integer.MAX_VALUE, (bytes + KIB - 1) / KIB);
  }
}
