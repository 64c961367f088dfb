package dev.autofix.sentry.internal;

/**
 * A payload that cannot be turned into an issue. Internal flow control only: it is caught inside
 * this adapter and becomes a {@code Malformed} result, never crossing the port.
 */
final class InvalidPayloadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidPayloadException(String message) {
    super(message, null, false, false);
  }
}
