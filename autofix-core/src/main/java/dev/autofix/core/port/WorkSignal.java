package dev.autofix.core.port;

/**
 * Wakes the workers when a run becomes runnable, so it starts at once rather than at the next poll
 * (in-process, and across processes with PostgreSQL {@code LISTEN/NOTIFY}).
 */
public interface WorkSignal {

  /** Says that a run is waiting. Must be cheap and must not throw. */
  void wake();
}
