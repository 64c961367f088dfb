package dev.autofix.examples.embedded;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.autofix.core.model.Delivery;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.Defects;
import dev.autofix.core.usecase.RecordIssue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentry's webhook on the host's own route: the raw body and headers go to Sentry's {@link
 * IssueSource}, a new issue to {@link RecordIssue}, and each outcome becomes a status. The run is
 * committed before {@code 202} is sent, and nothing here waits on an agent (Sentry gives up after
 * one second).
 */
final class SentryHookHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SentryHookHandler.class);

  private final IssueSource source;
  private final RecordIssue record;
  private final long maxBodyBytes;

  SentryHookHandler(IssueSource source, RecordIssue record, long maxBodyBytes) {
    this.source = source;
    this.record = record;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        answer(exchange, 405, "method_not_allowed");
        return;
      }
      // One byte over the limit is enough for the source to answer TooLarge without reading more.
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      }
      Map<String, String> headers = new HashMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.getFirst()));
      answer(exchange, new Delivery(headers, body));
    }
  }

  /** The chain: Sentry's adapter parses the delivery, {@link RecordIssue} records its issue. */
  private void answer(HttpExchange exchange, Delivery delivery) throws IOException {
    try {
      // No default branches: a new outcome in a later autofix version is a compile error here.
      switch (source.receive(delivery)) {
        case IssueSource.Received received -> recorded(exchange, record.execute(received.issue()));
        // an issue resolved or reopened in Sentry: this example only fixes new ones
        case IssueSource.Changed changed -> answer(exchange, 200, "ignored");
        case IssueSource.Ignored ignored -> answer(exchange, 200, "ignored");
        case IssueSource.BadSignature bad -> {
          LOG.warn("Sentry webhook refused: {}", bad.reason());
          answer(exchange, 401, "unauthorized");
        }
        case IssueSource.Malformed malformed -> {
          LOG.warn("malformed Sentry webhook: {}", malformed.reason());
          answer(exchange, 400, "malformed");
        }
        case IssueSource.TooLarge tooLarge -> answer(exchange, 413, "too_large");
      }
    } catch (RuntimeException defect) {
      LOG.error("Sentry webhook defect {}", Defects.fingerprint(defect), defect);
      answer(exchange, 500, "error");
    }
  }

  private static void recorded(HttpExchange exchange, RunStore.InsertResult result)
      throws IOException {
    switch (result) {
      case RunStore.Inserted inserted -> {
        LOG.info(
            "Sentry issue {} queued as run {}", inserted.run().issue().id(), inserted.run().id());
        answer(exchange, 202, "accepted");
      }
      case RunStore.AlreadyExists known -> answer(exchange, 200, "duplicate");
      case RunStore.Unavailable unavailable -> {
        // Sentry does not retry, but the poller (or the next event) brings the issue back.
        LOG.warn("could not record a Sentry issue: {}", unavailable.reason());
        answer(exchange, 503, "unavailable");
      }
    }
  }

  private static void answer(HttpExchange exchange, int status, String outcome) throws IOException {
    byte[] json = ("{\"outcome\":\"" + outcome + "\"}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, json.length);
    exchange.getResponseBody().write(json);
  }
}
