package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunStore;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /api/costs}: what the agents cost today (attempts ended since midnight in the daily
 * cap's zone) and in all, beside today's use of the cap. Every attempt counts with its own figure;
 * attempts of unknown cost count nothing.
 */
final class CostsHandler implements HttpHandler {
  private final RunStore store;
  private final RateLimiter limiter;
  private final ZoneId zone;

  CostsHandler(RunStore store, RateLimiter limiter, ZoneId zone) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.limiter = Objects.requireNonNull(limiter, "limiter == null");
    this.zone = Objects.requireNonNull(zone, "zone == null");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!path.equals("/api/costs") && !path.equals("/api/costs/")) {
      Exchanges.error(exchange, 404, "no such resource: " + path);
      return;
    }
    if (!Exchanges.method(exchange, "GET", "HEAD")) {
      return;
    }
    RateLimiter.Usage usage = limiter.usage();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("day", usage.day().toString());
    body.put("timeZone", zone.getId());
    body.put("todayUsd", store.attemptCostSince(usage.day().atStartOfDay(zone).toInstant()));
    body.put("totalUsd", store.attemptCostSince(Instant.EPOCH));
    body.put("attemptsToday", usage.used());
    body.put("attemptsLimit", usage.limit());
    Exchanges.json(exchange, 200, body);
  }
}
