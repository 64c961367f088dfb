package dev.autofix.store.jooq;

import dev.autofix.core.AutofixException;

/**
 * A PostgreSQL failure that no use case plans for; the message names the database, never its
 * password.
 */
public final class RunStoreException extends AutofixException {
  private static final long serialVersionUID = 1L;

  public RunStoreException(String message) {
    super(message);
  }

  public RunStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
