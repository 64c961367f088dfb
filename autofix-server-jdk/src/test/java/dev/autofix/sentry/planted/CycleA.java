package dev.autofix.sentry.planted;

import dev.autofix.redis.planted.CycleB;

/** Planted violation: one half of a package cycle. */
public final class CycleA {
  CycleB other;
}
