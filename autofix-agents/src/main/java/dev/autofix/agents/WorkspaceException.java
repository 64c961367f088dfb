package dev.autofix.agents;

import dev.autofix.core.AutofixException;

/**
 * A workspace or an agent's files could not be prepared, committed or released: a bad repository, a
 * failed git, an unreadable prompt template.
 */
public final class WorkspaceException extends AutofixException {
  private static final long serialVersionUID = 1L;

  public WorkspaceException(String message) {
    super(message);
  }

  public WorkspaceException(String message, Throwable cause) {
    super(message, cause);
  }
}
