package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.CancelRun;
import dev.autofix.core.usecase.RetryRun;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The runs API: {@code GET /api/runs}, {@code GET /api/runs/{id}}, {@code GET /api/runs/{id}/log},
 * and the admin actions {@code POST /api/runs/{id}/retry} and {@code /cancel} (bearer token;
 * refused when no admin token is configured).
 */
final class RunsHandler implements HttpHandler {
  private static final int DEFAULT_LIMIT = 50;
  private static final int LOG_TAIL_CHARS = 256 * 1024;

  private final RunStore store;
  private final RunLogs logs;
  private final RetryRun retry;
  private final CancelRun cancel;
  private final AdminToken adminToken;

  RunsHandler(
      RunStore store, RunLogs logs, RetryRun retry, CancelRun cancel, Optional<String> adminToken) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.logs = Objects.requireNonNull(logs, "logs == null");
    this.retry = Objects.requireNonNull(retry, "retry == null");
    this.cancel = Objects.requireNonNull(cancel, "cancel == null");
    this.adminToken = new AdminToken(adminToken);
  }

  /** Answers one request; a defect propagates to the {@link ErrorBoundary}, which answers it. */
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String rest = path.substring("/api/runs".length());
    if (rest.isEmpty() || rest.equals("/")) {
      if (Exchanges.method(exchange, "GET", "HEAD")) {
        list(exchange);
      }
      return;
    }
    String[] parts = rest.substring(1).split("/");
    Optional<RunId> id = parseId(parts[0]);
    if (id.isEmpty() || parts.length > 2) {
      Exchanges.error(exchange, 404, "no such resource: " + path);
      return;
    }
    String action = parts.length == 2 ? parts[1] : "";
    switch (action) {
      case "" -> {
        if (Exchanges.method(exchange, "GET", "HEAD")) {
          show(exchange, id.get());
        }
      }
      case "log" -> {
        if (Exchanges.method(exchange, "GET", "HEAD")) {
          log(exchange, id.get());
        }
      }
      case "retry" -> {
        if (Exchanges.method(exchange, "POST") && authorized(exchange)) {
          retry(exchange, id.get());
        }
      }
      case "cancel" -> {
        if (Exchanges.method(exchange, "POST") && authorized(exchange)) {
          cancel(exchange, id.get());
        }
      }
      default -> Exchanges.error(exchange, 404, "no such resource: " + path);
    }
  }

  private void list(HttpExchange exchange) throws IOException {
    Map<String, String> query = Exchanges.query(exchange);
    RunStore.RunQuery runQuery;
    try {
      RunStatus status = null;
      RunId before = null;
      int limit = DEFAULT_LIMIT;
      if (query.containsKey("status") && !query.get("status").isBlank()) {
        status = RunStatus.fromWire(query.get("status"));
      }
      if (query.containsKey("before")) {
        before = RunId.parse(query.get("before"));
      }
      if (query.containsKey("limit")) {
        limit = Integer.parseInt(query.get("limit"));
      }
      runQuery = new RunStore.RunQuery(status, before, limit, query.get("project"), query.get("q"));
    } catch (IllegalArgumentException e) {
      Exchanges.error(exchange, 400, e.getMessage());
      return;
    }
    // outside the try: an IllegalArgumentException from the store is a defect, not a bad request
    List<FixRun> runs = store.list(runQuery);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("runs", runs.stream().map(RunJson::of).toList());
    body.put("next", runs.size() == runQuery.limit() ? runs.getLast().id().value() : null);
    Exchanges.json(exchange, 200, body);
  }

  private void show(HttpExchange exchange, RunId id) throws IOException {
    Optional<FixRun> run = store.find(id);
    if (run.isEmpty()) {
      Exchanges.error(exchange, 404, "no run " + id);
      return;
    }
    Map<String, Object> body = RunJson.of(run.get());
    List<dev.autofix.core.model.RunEvent> history = store.history(id);
    body.put("totalCostUsd", RunJson.totalCost(history));
    body.put("history", RunJson.history(history));
    Exchanges.json(exchange, 200, body);
  }

  private void log(HttpExchange exchange, RunId id) throws IOException {
    if (store.find(id).isEmpty()) {
      Exchanges.error(exchange, 404, "no run " + id);
      return;
    }
    Exchanges.text(exchange, 200, logs.tail(id, LOG_TAIL_CHARS));
  }

  private void retry(HttpExchange exchange, RunId id) throws IOException {
    switch (retry.execute(new RetryRun.Command(id, "the admin API"))) {
      case RetryRun.Requeued requeued -> Exchanges.json(exchange, 202, RunJson.of(requeued.run()));
      case RetryRun.NotFound notFound -> Exchanges.error(exchange, 404, "no run " + id);
      case RetryRun.NotRetryable notRetryable ->
          Exchanges.error(
              exchange,
              409,
              "run "
                  + id
                  + " is "
                  + notRetryable.status().wireName()
                  + "; only ended and deferred runs retry");
      case RetryRun.NoPermit noPermit ->
          Exchanges.error(exchange, 409, "run " + id + " stays deferred: " + noPermit.reason());
    }
  }

  private void cancel(HttpExchange exchange, RunId id) throws IOException {
    switch (cancel.execute(new CancelRun.Command(id, "the admin API"))) {
      case CancelRun.Cancelled cancelled ->
          Exchanges.json(exchange, 200, RunJson.of(cancelled.run()));
      case CancelRun.NotFound notFound -> Exchanges.error(exchange, 404, "no run " + id);
      case CancelRun.AlreadyEnded ended ->
          Exchanges.error(
              exchange, 409, "run " + id + " has already ended: " + ended.status().wireName());
    }
  }

  private boolean authorized(HttpExchange exchange) throws IOException {
    return adminToken.authorized(exchange);
  }

  private static Optional<RunId> parseId(String text) {
    try {
      return Optional.of(RunId.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
