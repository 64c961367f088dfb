package dev.autofix.redis;

import dev.autofix.core.OutageException;

/**
 * Redis could not be reached (refused, timed out, dropped the connection or the pool ran dry). The
 * message names the host and port, never the password; the cause is the client's exception.
 */
public final class RedisUnavailableException extends OutageException {
  private static final long serialVersionUID = 1L;

  RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
