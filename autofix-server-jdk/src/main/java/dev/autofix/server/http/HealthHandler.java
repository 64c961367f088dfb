package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code GET /healthz} (the process is up) and {@code GET /readyz} (each named check passes: the
 * database is reachable, the worker is alive, the agents can start). Not ready is a 503 naming the
 * failing checks, each with its reason under {@code problems} when it has one.
 */
final class HealthHandler implements HttpHandler {
  private final Map<String, Supplier<Optional<String>>> readiness;
  private final Predicate<HttpExchange> reader;

  /**
   * @param readiness each check answers empty when it passes, else why not
   * @param reader whether a request may see the reasons (they can name paths and hosts): without a
   *     read token everyone may, with one only its holders; the others see which checks fail
   */
  HealthHandler(Map<String, Supplier<Optional<String>>> readiness, Predicate<HttpExchange> reader) {
    this.readiness = Map.copyOf(Objects.requireNonNull(readiness, "readiness == null"));
    this.reader = Objects.requireNonNull(reader, "reader == null");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!Exchanges.method(exchange, "GET", "HEAD")) {
      return;
    }
    if (exchange.getRequestURI().getPath().equals("/healthz")) {
      Exchanges.json(exchange, 200, Map.of("status", "up"));
      return;
    }
    Map<String, Object> checks = new LinkedHashMap<>();
    Map<String, Object> problems = new LinkedHashMap<>();
    for (var check : new java.util.TreeMap<>(readiness).entrySet()) {
      Optional<String> problem;
      try {
        problem = check.getValue().get();
      } catch (RuntimeException e) {
        problem = Optional.of("");
      }
      checks.put(check.getKey(), problem.isEmpty() ? "ok" : "failing");
      problem.filter(p -> !p.isEmpty()).ifPresent(p -> problems.put(check.getKey(), p));
    }
    boolean ready = !checks.containsValue("failing");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "ready" : "not ready");
    body.put("checks", checks);
    if (!problems.isEmpty() && reader.test(exchange)) {
      body.put("problems", problems);
    }
    Exchanges.json(exchange, ready ? 200 : 503, body);
  }
}
