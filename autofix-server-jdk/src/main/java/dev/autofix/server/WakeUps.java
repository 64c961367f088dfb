package dev.autofix.server;

import dev.autofix.core.port.WorkSignal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's {@link WorkSignal}: relays every wake-up to this process's worker and to the other
 * processes (PostgreSQL {@code NOTIFY}), registered after construction, which breaks the cycle
 * between the use cases that wake and the worker that runs them.
 */
final class WakeUps implements WorkSignal {
  private final List<WorkSignal> local = new CopyOnWriteArrayList<>();
  private final List<WorkSignal> others = new CopyOnWriteArrayList<>();

  void registerLocal(WorkSignal listener) {
    local.add(listener);
  }

  void registerOthers(WorkSignal listener) {
    others.add(listener);
  }

  /** Wakes this process only (a notification from another process arrived). */
  void wakeLocal() {
    for (WorkSignal listener : local) {
      listener.wake();
    }
  }

  @Override
  public void wake() {
    wakeLocal();
    for (WorkSignal listener : others) {
      listener.wake();
    }
  }
}
