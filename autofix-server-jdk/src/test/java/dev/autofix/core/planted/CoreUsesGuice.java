package dev.autofix.core.planted;

import com.google.inject.Key;

/** Planted violation: the core depending on a framework. */
public final class CoreUsesGuice {
  final Key<String> key = Key.get(String.class);
}
