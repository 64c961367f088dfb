package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/** {@code GET /metrics}: the Prometheus text exposition. */
final class MetricsHandler implements HttpHandler {
  private final Supplier<String> scrape;

  MetricsHandler(Supplier<String> scrape) {
    this.scrape = Objects.requireNonNull(scrape, "scrape == null");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (Exchanges.method(exchange, "GET", "HEAD")) {
      Exchanges.send(
          exchange,
          200,
          "text/plain; version=0.0.4; charset=utf-8",
          scrape.get().getBytes(StandardCharsets.UTF_8));
    }
  }
}
