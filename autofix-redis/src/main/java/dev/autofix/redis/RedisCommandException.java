package dev.autofix.redis;

import dev.autofix.core.AutofixException;

/**
 * Redis answered with an error (wrong password, a counter key holding something that is not a
 * number, a script error). The message names the host and port, never the password.
 */
public final class RedisCommandException extends AutofixException {
  private static final long serialVersionUID = 1L;

  RedisCommandException(String message, Throwable cause) {
    super(message, cause);
  }
}
