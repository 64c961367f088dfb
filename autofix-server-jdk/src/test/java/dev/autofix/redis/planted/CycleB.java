package dev.autofix.redis.planted;

import dev.autofix.sentry.planted.CycleA;

/** Planted violation: the other half of a package cycle. */
public final class CycleB {
  CycleA other;
}
