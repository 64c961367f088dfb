package dev.autofix.store.jooq;

import dev.autofix.core.OutageException;

/**
 * PostgreSQL cannot be reached (refused, restarting, shutting down) or is out of a resource (disk,
 * memory, connections: SQLSTATE class 53) for now; the message names the database, never its
 * password. Not a defect: the caller retries later.
 */
public final class StoreUnavailableException extends OutageException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
