package dev.autofix.server.planted;

import dev.autofix.github.internal.PlantedInternal;

/** Planted violation: the assembly reaching into an adapter's internals. */
public final class UsesInternal {
  PlantedInternal internal;
}
