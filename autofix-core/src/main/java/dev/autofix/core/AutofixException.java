package dev.autofix.core;

/**
 * Root of autofix's defects: bugs, broken invariants, misconfiguration and infrastructure failures
 * that no use case plans for.
 *
 * <p>Expected outcomes are values (sealed results on the ports and use cases); an {@code
 * AutofixException} is only caught at the edges, where it is logged with a fingerprint and handed
 * to the {@link dev.autofix.core.port.DefectReporter}.
 */
public abstract class AutofixException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected AutofixException(String message) {
    super(message);
  }

  protected AutofixException(String message, Throwable cause) {
    super(message, cause);
  }
}
