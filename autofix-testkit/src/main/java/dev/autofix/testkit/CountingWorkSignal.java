package dev.autofix.testkit;

import dev.autofix.core.port.WorkSignal;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link WorkSignal} that counts wake-ups. */
public final class CountingWorkSignal implements WorkSignal {
  private final AtomicInteger wakeUps = new AtomicInteger();

  @Override
  public void wake() {
    wakeUps.incrementAndGet();
  }

  /** How many times {@link #wake()} was called. */
  public int wakeUps() {
    return wakeUps.get();
  }
}
