package dev.autofix.sentry.planted;

import com.google.inject.Injector;

/** Planted violation: Guice used by a class that is not a module. */
public final class GuiceInAnAdapterClass {
  Injector injector;
}
