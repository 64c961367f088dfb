package dev.autofix.server.http;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A bound on the webhook bytes held in memory at once. Every request reserves its declared length
 * (or the largest body allowed, when it declares none) before its body is read, and gives it back
 * when it is answered; a request that cannot reserve within the wait is answered {@code 503}. So a
 * flood of large bodies slows ingest down instead of exhausting the heap: the server runs in a
 * small heap (see the README), and signatures are checked only after a body has been read.
 */
final class BodyBudget {
  private static final int KIB = 1024;

  private final Semaphore kib;
  private final int maxBodyKib;
  private final Duration wait;

  /**
   * @param totalBytes how many body bytes may be held at once
   * @param maxBodyBytes the largest body a request may have
   * @param wait how long a request waits for room
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
    this.maxBodyKib = kibOf(maxBodyBytes);
    this.wait = wait;
  }

  /** Room reserved for one body; closing it gives the room back. */
  interface Reservation extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Reserves room for a body of {@code declaredBytes} (negative: not declared), waiting up to the
   * configured time; empty when there was no room. A declared length over the largest body is
   * reserved at the largest body's size (the reader refuses it after that many bytes anyway).
   */
  Optional<Reservation> reserve(long declaredBytes) throws InterruptedException {
    int cost =
        declaredBytes < 0 ? maxBodyKib : Math.max(1, Math.min(maxBodyKib, kibOf(declaredBytes)));
    if (!kib.tryAcquire(cost, wait.toNanos(), TimeUnit.NANOSECONDS)) {
      return Optional.empty();
    }
    return Optional.of(() -> kib.release(cost));
  }

  /** The room left, in KiB (for tests). */
  int availableKib() {
    return kib.availablePermits();
  }

  private static int kibOf(long bytes) {
    return (int) Math.min(Integer.MAX_VALUE, (bytes + KIB - 1) / KIB);
  }
}
