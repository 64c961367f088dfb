package dev.autofix.server;

import dev.autofix.core.port.WorkSignal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-process {@link WorkSignal}: relays every wake-up to the listeners registered later (the
 * worker), which breaks the cycle between the use cases that wake and the worker that runs them.
 */
final class WakeUps implements WorkSignal {
  private final List<WorkSignal> listeners = new CopyOnWriteArrayList<>();

  void register(WorkSignal listener) {
    listeners.add(listener);
  }

  @Override
  public void wake() {
    for (WorkSignal listener : listeners) {
      listener.wake();
    }
  }
}
