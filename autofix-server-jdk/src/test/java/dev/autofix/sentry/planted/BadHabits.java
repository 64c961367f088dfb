package dev.autofix.sentry.planted;

import com.google.inject.Inject;
import java.util.logging.Logger;

/** Planted violations of the general coding rules. */
public final class BadHabits {
  private static final Logger LOG = Logger.getLogger("planted");

  @Inject Object injected;

  void throwGeneric() {
    throw new RuntimeException("generic");
  }

  void print() {
    System.out.println("to the terminal");
    LOG.info("through java.util.logging");
  }
}
