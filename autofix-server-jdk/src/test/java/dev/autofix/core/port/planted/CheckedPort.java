package dev.autofix.core.port.planted;

import java.io.IOException;

/** Planted violation: a port declaring a checked exception. */
public interface CheckedPort {
  void read() throws IOException;
}
