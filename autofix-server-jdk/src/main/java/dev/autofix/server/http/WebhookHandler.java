package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.autofix.core.model.Delivery;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.RecordIssue;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/<source>}: one delivery in, one typed outcome out. The run is committed
 * before {@code 202} is sent; the answer never waits on an agent. Expected failures are 4xx with a
 * warning; only a defect is a 500, which the {@link ErrorBoundary} answers and reports.
 */
final class WebhookHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);

  /**
   * Body bytes held at once, in largest bodies: 8 MiB with the default 1 MiB limit, which keeps a
   * flood of large deliveries well inside the documented 96 MiB heap.
   */
  static final int BODIES_IN_MEMORY = 8;

  /** How long a delivery waits for room in the body budget before it is answered 503. */
  static final Duration BODY_WAIT = Duration.ofSeconds(1);

  /** How long a body may take to arrive once the headers are in, unless told otherwise. */
  static final Duration BODY_TIMEOUT = Duration.ofSeconds(5);

  /** Where a {@code ?secret=} query parameter is passed to the issue source. */
  static final String SECRET_HEADER = "X-Autofix-Webhook-Secret";

  /** Told about every outcome, for metrics. */
  interface Listener {
    void outcome(String outcome);
  }

  private final IssueSource source;
  private final RecordIssue record;
  private final dev.autofix.core.usecase.FollowIssue follow;
  private final long maxBodyBytes;
  private final Duration bodyTimeout;
  private final Listener listener;
  private final BodyBudget budget;

  WebhookHandler(IssueSource source, RecordIssue record, long maxBodyBytes, Listener listener) {
    this(source, record, null, maxBodyBytes, BODY_TIMEOUT, listener);
  }

  /**
   * @param bodyTimeout how long a body may take to arrive once the headers are in; a slower one is
   *     answered {@code 408} and its connection closed
   */
  WebhookHandler(
      IssueSource source,
      RecordIssue record,
      dev.autofix.core.usecase.FollowIssue follow,
      long maxBodyBytes,
      Duration bodyTimeout,
      Listener listener) {
    this.follow = follow;
    this.bodyTimeout = Objects.requireNonNull(bodyTimeout, "bodyTimeout == null");
    this.source = Objects.requireNonNull(source, "source == null");
    this.record = Objects.requireNonNull(record, "record == null");
    this.maxBodyBytes = maxBodyBytes;
    this.listener = Objects.requireNonNull(listener, "listener == null");
    this.budget = new BodyBudget(BODIES_IN_MEMORY * maxBodyBytes, maxBodyBytes, BODY_WAIT);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      if (!Exchanges.method(exchange, "POST")) {
        return;
      }
      try (BodyBudget.Hold hold = budget.hold()) {
        receive(exchange, hold);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // a client gone, or cut off by the request limit (a closed channel says nothing more)
      LOG.warn(
          "webhook connection failed: {}",
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  /**
   * Reads the body as it arrives, then answers. A refusal before the body is whole (too large, no
   * room, too slow) closes the connection instead of reading the rest: see {@link
   * Exchanges#refuse}.
   */
  private void receive(HttpExchange exchange, BodyBudget.Hold hold)
      throws IOException, InterruptedException {
    byte[] body;
    switch (Exchanges.readBody(exchange, maxBodyBytes, hold, bodyTimeout)) {
      case Exchanges.BodyRead.Body whole -> body = whole.bytes();
      case Exchanges.BodyRead.TooLarge tooLarge -> {
        refuse(exchange, 413, "too_large", "body larger than " + maxBodyBytes + " bytes");
        return;
      }
      case Exchanges.BodyRead.Busy busy -> {
        LOG.warn("delivery refused: too many large bodies in memory at once");
        exchange.getResponseHeaders().set("Retry-After", "1");
        refuse(exchange, 503, "busy", "too many large deliveries at once; retry");
        return;
      }
      case Exchanges.BodyRead.TooSlow tooSlow -> {
        LOG.warn("delivery refused: its body did not arrive within {} ms", bodyTimeout.toMillis());
        refuse(
            exchange,
            408,
            "too_slow",
            "the body did not arrive within " + bodyTimeout.toMillis() + " ms");
        return;
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, first(values)));
    // Senders that cannot set headers (Sentry's legacy WebHooks plugin) put the shared secret in
    // the URL; the source reads it from a header, which the URL never overrides.
    String secret = Exchanges.query(exchange).get("secret");
    if (secret != null && exchange.getRequestHeaders().getFirst(SECRET_HEADER) == null) {
      headers.put(SECRET_HEADER, secret);
    }
    respond(exchange, new Delivery(headers, body));
  }

  /**
   * The chain: the source parses the delivery, {@link RecordIssue} records its issue. A defect
   * there propagates to the {@link ErrorBoundary}: one 500 with its fingerprint, reported.
   */
  private void respond(HttpExchange exchange, Delivery delivery) throws IOException {
    IssueSource.ReceiveResult receipt = source.receive(delivery);
    RunStore.InsertResult recorded =
        receipt instanceof IssueSource.Received received ? record.execute(received.issue()) : null;
    switch (receipt) {
      case IssueSource.Received received -> recorded(exchange, recorded);
      case IssueSource.Changed changed -> followed(exchange, changed);
      case IssueSource.Ignored ignored -> {
        LOG.debug("delivery ignored: {}", ignored.reason());
        answer(exchange, 200, "ignored", "reason", ignored.reason());
      }
      case IssueSource.BadSignature bad -> {
        LOG.warn("delivery refused: {}", bad.reason());
        answer(exchange, 401, "unauthorized", "reason", bad.reason());
      }
      case IssueSource.Malformed malformed -> {
        LOG.warn("malformed delivery: {}", malformed.reason());
        answer(exchange, 400, "malformed", "reason", malformed.reason());
      }
      case IssueSource.TooLarge tooLarge -> {
        LOG.warn("delivery over {} bytes refused", tooLarge.limitBytes());
        answer(
            exchange,
            413,
            "too_large",
            "reason",
            "body larger than " + tooLarge.limitBytes() + " bytes");
      }
    }
  }

  /** What happened to an issue in Sentry, followed by its run (without one: ignored). */
  private void followed(HttpExchange exchange, IssueSource.Changed changed) throws IOException {
    if (follow == null) {
      answer(exchange, 200, "ignored", "reason", "this server does not follow issues");
      return;
    }
    String by = Character.toUpperCase(source.name().charAt(0)) + source.name().substring(1);
    switch (follow.execute(changed, by)) {
      case dev.autofix.core.usecase.FollowIssue.Cancelled cancelled -> {
        LOG.info(
            "issue {} {} in {}: run {} cancelled",
            changed.issue().value(),
            changed.change().name().toLowerCase(java.util.Locale.ROOT),
            by,
            cancelled.run().id());
        answer(exchange, 200, "cancelled", "runId", cancelled.run().id().value());
      }
      case dev.autofix.core.usecase.FollowIssue.Requeued requeued -> {
        LOG.info(
            "issue {} unresolved in {}: run {} queued again",
            changed.issue().value(),
            by,
            requeued.run().id());
        answer(exchange, 200, "requeued", "runId", requeued.run().id().value());
      }
      case dev.autofix.core.usecase.FollowIssue.Unchanged unchanged ->
          answer(exchange, 200, "unchanged", "reason", unchanged.reason());
    }
  }

  /** The store's answer: the run is durable before {@code 202} is sent. */
  private void recorded(HttpExchange exchange, RunStore.InsertResult result) throws IOException {
    switch (result) {
      case RunStore.Inserted inserted -> {
        LOG.info("issue {} accepted as run {}", inserted.run().issue().id(), inserted.run().id());
        answer(exchange, 202, "accepted", "runId", inserted.run().id().value());
      }
      case RunStore.AlreadyExists known ->
          answer(exchange, 200, "duplicate", "runId", known.id().value());
      case RunStore.Unavailable unavailable -> {
        LOG.warn("could not record a delivery durably: {}", unavailable.reason());
        exchange.getResponseHeaders().set("Retry-After", "5");
        answer(exchange, 503, "unavailable", "reason", unavailable.reason());
      }
    }
  }

  private void answer(HttpExchange exchange, int status, String outcome, String key, Object value)
      throws IOException {
    listener.outcome(outcome);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("outcome", outcome);
    body.put(key, value);
    Exchanges.json(exchange, status, body);
  }

  private void refuse(HttpExchange exchange, int status, String outcome, String reason)
      throws IOException {
    listener.outcome(outcome);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("outcome", outcome);
    body.put("reason", reason);
    Exchanges.refuse(exchange, status, body);
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() ? "" : values.getFirst();
  }
}
