package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code GET /healthz} (the process is up) and {@code GET /readyz} (each named check passes: the
 * database is reachable, the worker is alive). Not ready is a 503 naming the failing checks.
 */
final class HealthHandler implements HttpHandler {
  private final Map<String, Supplier<Boolean>> readiness;

  HealthHandler(Map<String, Supplier<Boolean>> readiness) {
    this.readiness = Map.copyOf(Objects.requireNonNull(readiness, "readiness == null"));
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!Exchanges.method(exchange, "GET", "HEAD")) {
        return;
      }
      if (exchange.getRequestURI().getPath().equals("/healthz")) {
        Exchanges.json(exchange, 200, Map.of("status", "up"));
        return;
      }
      Map<String, Object> checks = new LinkedHashMap<>();
      boolean ready = true;
      for (var check : new java.util.TreeMap<>(readiness).entrySet()) {
        boolean ok;
        try {
          ok = check.getValue().get();
        } catch (RuntimeException e) {
          ok = false;
        }
        checks.put(check.getKey(), ok ? "ok" : "failing");
        ready &= ok;
      }
      Exchanges.json(
          exchange,
          ready ? 200 : 503,
          Map.of("status", ready ? "ready" : "not ready", "checks", checks));
    }
  }
}
