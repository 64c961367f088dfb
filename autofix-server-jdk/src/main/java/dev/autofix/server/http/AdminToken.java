package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin actions' bearer token: refused with {@code 403} when none is configured (the actions
 * are off), {@code 401} when the request's token is missing or wrong (compared in constant time).
 */
final class AdminToken {
  private final Optional<String> token;

  AdminToken(Optional<String> token) {
    this.token = Objects.requireNonNull(token, "token == null");
  }

  /** Whether {@code exchange} carries the admin token; if not, it has been answered. */
  boolean authorized(HttpExchange exchange) throws IOException {
    if (token.isEmpty()) {
      Exchanges.error(
          exchange, 403, "the admin API is disabled: set AUTOFIX_ADMIN_TOKEN to enable it");
      return false;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String expected = "Bearer " + token.get();
    if (header == null
        || !MessageDigest.isEqual(
            header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      Exchanges.error(exchange, 401, "a valid admin bearer token is required");
      return false;
    }
    return true;
  }
}
