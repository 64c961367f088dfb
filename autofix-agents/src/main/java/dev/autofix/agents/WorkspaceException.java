package dev.autofix.agents;

import dev.autofix.core.AutofixException;

/** A workspace could not be prepared, committed or released: a bad repository, a failed git. */
public final class WorkspaceException extends AutofixException {
  private static final long serialVersionUID = 1L;

  public WorkspaceException(String message) {
    super(message);
  }

  public WorkspaceException(String message, Throwable cause) {
    super(message, cause);
  }
}
