package dev.autofix.core.model.planted;

/** Planted violation: a model class with a mutable field. */
public final class MutableModel {
  int counter;
}
