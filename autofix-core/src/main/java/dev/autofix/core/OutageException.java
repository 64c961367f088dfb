package dev.autofix.core;

import java.util.Optional;

/**
 * Infrastructure that is down for now (the database unreachable, restarting or out of disk, Redis
 * refused), met in the middle of a call that returns no typed result. It is not a defect: nothing
 * about the run or the code is wrong, and what it interrupted is tried again. Callers log it at
 * WARN with its message, report nothing, and postpone; the HTTP boundary answers 503 with {@code
 * Retry-After}.
 */
public class OutageException extends AutofixException {
  private static final long serialVersionUID = 1L;

  public OutageException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The outage behind {@code failure}: itself or one of its causes, if any is one. */
  public static Optional<OutageException> in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof OutageException outage) {
        return Optional.of(outage);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }
}
