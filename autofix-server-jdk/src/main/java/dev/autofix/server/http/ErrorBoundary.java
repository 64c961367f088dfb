package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.autofix.core.port.DefectReporter;
import dev.autofix.core.usecase.Defects;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one error boundary around every route: the handler inside answers the expected outcomes
 * itself; anything it throws is a defect, reported to the {@link DefectReporter} with its
 * fingerprint and answered {@code 500 {"error":"internal","fingerprint":...}} when no answer was
 * started. A failed connection (the client went away) is only logged. The exchange is closed here,
 * once, whatever happened: the handlers do not close it.
 */
final class ErrorBoundary implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorBoundary.class);

  private final String where;
  private final HttpHandler handler;
  private final DefectReporter defects;
  private final Runnable onDefect;

  /**
   * @param where the route's name in logs and defect reports ({@code webhook}, {@code runs-api})
   * @param handler the route
   * @param defects where defects go
   * @param onDefect told about each defect (the webhook's metrics)
   */
  ErrorBoundary(String where, HttpHandler handler, DefectReporter defects, Runnable onDefect) {
    this.where = Objects.requireNonNull(where, "where == null");
    this.handler = Objects.requireNonNull(handler, "handler == null");
    this.defects = Objects.requireNonNull(defects, "defects == null");
    this.onDefect = Objects.requireNonNull(onDefect, "onDefect == null");
  }

  @Override
  public void handle(HttpExchange exchange) {
    // not try-with-resources: that would close the exchange before the catch could answer
    try {
      handler.handle(exchange);
    } catch (IOException e) {
      LOG.warn("{} connection failed: {}", where, e.getMessage());
    } catch (RuntimeException | LinkageError | AssertionError defect) {
      defect(exchange, defect);
    } finally {
      exchange.close();
    }
  }

  private void defect(HttpExchange exchange, Throwable defect) {
    var outage = dev.autofix.core.OutageException.in(defect);
    if (outage.isPresent()) {
      // the database or Redis is down for now: no defect, the client asks again
      LOG.warn("{} unavailable: {}", where, outage.get().getMessage());
      if (exchange.getResponseCode() == -1) {
        try {
          exchange.getResponseHeaders().set("Retry-After", "5");
          Exchanges.json(
              exchange, 503, Map.of("error", "unavailable", "reason", outage.get().getMessage()));
        } catch (IOException | RuntimeException e) {
          LOG.warn("{} could not answer: {}", where, e.getMessage());
        }
      }
      return;
    }
    String fingerprint = Defects.fingerprint(defect);
    LOG.error("{} defect {}", where, fingerprint, defect);
    try {
      onDefect.run();
      defects.report(new DefectReporter.Defect(fingerprint, where, defect, Map.of()));
    } catch (RuntimeException reporting) {
      LOG.error("reporting {} defect {} failed", where, fingerprint, reporting);
    }
    if (exchange.getResponseCode() != -1) {
      return; // the answer had started: the client sees a cut-off response, and the log says why
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "internal");
    body.put("fingerprint", fingerprint);
    try {
      Exchanges.json(exchange, 500, body);
    } catch (IOException | RuntimeException e) {
      LOG.warn("{} could not answer defect {}: {}", where, fingerprint, e.getMessage());
    }
  }
}
