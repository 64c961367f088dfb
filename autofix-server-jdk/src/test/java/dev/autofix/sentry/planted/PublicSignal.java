package dev.autofix.sentry.planted;

import dev.autofix.core.port.WorkSignal;

/** Planted violation: a public adapter implementation of a port. */
public final class PublicSignal implements WorkSignal {
  @Override
  public void wake() {}
}
