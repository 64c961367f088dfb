package dev.autofix.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.autofix.core.model.Issue;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.TriggerIssue;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/issues} (admin token), body {@code {"issue": "<URL, id or short id>"}}: records
 * an issue that already exists, through the same insert-if-absent path as a delivery ({@link
 * TriggerIssue}). {@code 202} with the new run, {@code 200} with the issue's run when it has one
 * (or with the filter's reason when the filters leave it out), {@code 400} for a body or reference
 * that is none, {@code 404} when Sentry has no such issue (or the token may not read it), {@code
 * 409} when lookups are off (no Sentry token), {@code 503} with {@code Retry-After} while Sentry or
 * the store is unavailable.
 */
final class IssuesHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(IssuesHandler.class);

  /** A reference is a URL at most; the body's limit leaves room for JSON around it. */
  static final int MAX_BODY_BYTES = 8 * 1024;

  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(5);

  private final TriggerIssue trigger;
  private final AdminToken adminToken;
  private final BodyBudget budget =
      new BodyBudget(4L * MAX_BODY_BYTES, MAX_BODY_BYTES, Duration.ofSeconds(1));

  IssuesHandler(TriggerIssue trigger, Optional<String> adminToken) {
    this.trigger = Objects.requireNonNull(trigger, "trigger == null");
    this.adminToken = new AdminToken(adminToken);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!path.equals("/api/issues") && !path.equals("/api/issues/")) {
      Exchanges.error(exchange, 404, "no such resource: " + path);
      return;
    }
    if (!Exchanges.method(exchange, "POST") || !adminToken.authorized(exchange)) {
      return;
    }
    byte[] body;
    try (BodyBudget.Hold hold = budget.hold()) {
      switch (Exchanges.readBody(exchange, MAX_BODY_BYTES, hold, BODY_TIMEOUT)) {
        case Exchanges.BodyRead.Body whole -> body = whole.bytes();
        case Exchanges.BodyRead.TooLarge tooLarge -> {
          // answered as usual, not cut off: the caller holds the admin token, and a client still
          // sending its body would otherwise lose the answer to the reset
          answer(
              exchange,
              413,
              "too_large",
              "reason",
              "body larger than " + MAX_BODY_BYTES + " bytes");
          return;
        }
        case Exchanges.BodyRead.Busy busy -> {
          exchange.getResponseHeaders().set("Retry-After", "1");
          refuse(exchange, 503, "busy", "too many requests at once; retry");
          return;
        }
        case Exchanges.BodyRead.TooSlow tooSlow -> {
          refuse(exchange, 408, "too_slow", "the body did not arrive in time");
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Optional<String> reference = reference(body);
    if (reference.isEmpty()) {
      answer(
          exchange,
          400,
          "malformed",
          "reason",
          "expected a JSON body {\"issue\": \"<Sentry issue URL, id or short id>\"}");
      return;
    }
    // outside any try: a defect in the lookup or the store is the ErrorBoundary's 500
    switch (trigger.execute(reference.get())) {
      case TriggerIssue.Recorded recorded -> recorded(exchange, recorded);
      case TriggerIssue.NotRecorded notRecorded -> notRecorded(exchange, notRecorded.why());
    }
  }

  private static Optional<String> reference(byte[] body) {
    try {
      JsonNode node = Exchanges.JSON.readTree(body);
      JsonNode issue = node == null ? null : node.get("issue");
      return issue != null && issue.isTextual() && !issue.asText().isBlank()
          ? Optional.of(issue.asText())
          : Optional.empty();
    } catch (IOException e) {
      // not JSON (Jackson's parse errors are IOExceptions; a byte array has no other I/O)
      return Optional.empty();
    }
  }

  private void recorded(HttpExchange exchange, TriggerIssue.Recorded recorded) throws IOException {
    Issue issue = recorded.issue();
    switch (recorded.result()) {
      case RunStore.Inserted inserted -> {
        LOG.info("issue {} triggered as run {}", issue.shortId(), inserted.run().id());
        answer(exchange, 202, "accepted", issue, inserted.run().id().value());
      }
      case RunStore.AlreadyExists known ->
          answer(exchange, 200, "duplicate", issue, known.id().value());
      case RunStore.Unavailable unavailable -> {
        LOG.warn("could not record a triggered issue: {}", unavailable.reason());
        exchange.getResponseHeaders().set("Retry-After", "5");
        answer(exchange, 503, "unavailable", "reason", unavailable.reason());
      }
    }
  }

  private void notRecorded(HttpExchange exchange, IssueSource.LookupResult why) throws IOException {
    switch (why) {
      case IssueSource.Ignored ignored ->
          answer(exchange, 200, "ignored", "reason", ignored.reason());
      case IssueSource.Malformed malformed ->
          answer(exchange, 400, "malformed", "reason", malformed.reason());
      case IssueSource.NotFound notFound ->
          answer(exchange, 404, "not_found", "reason", notFound.message());
      case IssueSource.LookupUnsupported unsupported ->
          answer(exchange, 409, "unsupported", "reason", unsupported.reason());
      case IssueSource.Unavailable unavailable -> {
        exchange
            .getResponseHeaders()
            .set("Retry-After", Long.toString(Math.max(1, unavailable.retryAfter().toSeconds())));
        answer(exchange, 503, "unavailable", "reason", unavailable.message());
      }
      case IssueSource.Located located ->
          throw new IllegalStateException("a located issue is recorded, not answered as such");
    }
  }

  private static void answer(
      HttpExchange exchange, int status, String outcome, Issue issue, long runId)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("outcome", outcome);
    body.put("runId", runId);
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("id", issue.id().value());
    about.put("shortId", issue.shortId());
    about.put("title", issue.title());
    about.put("permalink", issue.permalink() == null ? null : issue.permalink().toString());
    body.put("issue", about);
    Exchanges.json(exchange, status, body);
  }

  private static void answer(
      HttpExchange exchange, int status, String outcome, String key, Object value)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("outcome", outcome);
    body.put(key, value);
    Exchanges.json(exchange, status, body);
  }

  private static void refuse(HttpExchange exchange, int status, String outcome, String reason)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("outcome", outcome);
    body.put("reason", reason);
    Exchanges.refuse(exchange, status, body);
  }
}
