package dev.autofix.github.internal;

/** Target of a planted dependency on an internal package. */
public final class PlantedInternal {}
