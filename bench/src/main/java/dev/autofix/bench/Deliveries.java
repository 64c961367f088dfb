package dev.autofix.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signed webhook deliveries built from Sentry's recorded bodies ({@code issue.created} and {@code
 * event_alert.triggered}) with the issue id swapped in, and the deliberately bad ones.
 */
final class Deliveries {
  static final String ISSUE_CREATED = "issue-created.body.json";
  static final String EVENT_ALERT = "event-alert-triggered.body.json";
  private static final String ISSUE_ID_IN_ISSUE = "\"id\":\"1170820242\"";
  private static final String ISSUE_ID_IN_EVENT = "\"issue_id\":\"1117540176\"";

  /** One HTTP request to send, and the statuses that count as a correct answer. */
  record Delivery(String resource, byte[] body, String signature, Set<Integer> expected) {
    Delivery {
      Objects.requireNonNull(resource, "resource == null");
      Objects.requireNonNull(body, "body == null");
      Objects.requireNonNull(signature, "signature == null");
      expected = Set.copyOf(expected);
    }
  }

  private final Signatures signatures;
  private final String issueCreated;
  private final String eventAlert;
  private final AtomicLong nextNewId;

  Deliveries(Signatures signatures, long firstNewId) {
    this.signatures = Objects.requireNonNull(signatures, "signatures == null");
    this.issueCreated = resource(ISSUE_CREATED);
    this.eventAlert = resource(EVENT_ALERT);
    if (!issueCreated.contains(ISSUE_ID_IN_ISSUE) || !eventAlert.contains(ISSUE_ID_IN_EVENT)) {
      throw new IllegalStateException("the recorded bodies no longer carry the expected issue ids");
    }
    this.nextNewId = new AtomicLong(firstNewId);
  }

  /** A fresh issue id, never handed out before by this instance. */
  String newIssueId() {
    return Long.toString(nextNewId.getAndIncrement());
  }

  /** A signed {@code issue.created} delivery for {@code issueId}. */
  Delivery issueCreated(String issueId) {
    byte[] body = issueCreatedBody(issueId);
    return new Delivery("issue", body, signatures.sign(body), Set.of(200, 202));
  }

  /** A signed {@code event_alert.triggered} delivery for {@code issueId}. */
  Delivery eventAlert(String issueId) {
    byte[] body =
        eventAlert
            .replace(ISSUE_ID_IN_EVENT, "\"issue_id\":\"" + issueId + "\"")
            .getBytes(StandardCharsets.UTF_8);
    return new Delivery("event_alert", body, signatures.sign(body), Set.of(200, 202));
  }

  /** A delivery of a new issue, which must be accepted. */
  Delivery newIssue(String issueId) {
    Delivery d = issueCreated(issueId);
    return new Delivery(d.resource(), d.body(), d.signature(), Set.of(202));
  }

  /** A well-formed body whose signature is wrong: 401. */
  Delivery badSignature(String issueId) {
    byte[] body = issueCreatedBody(issueId);
    String good = signatures.sign(body);
    // the right length and alphabet, one digit off: the server must compare all of it
    String bad = (good.charAt(0) == '0' ? '1' : '0') + good.substring(1);
    return new Delivery("issue", body, bad, Set.of(401));
  }

  /** A correctly signed body that is not a JSON object: 400. */
  Delivery malformed() {
    byte[] body = "{\"action\":\"created\",\"data\":{\"issue\":".getBytes(StandardCharsets.UTF_8);
    return new Delivery("issue", body, signatures.sign(body), Set.of(400));
  }

  private byte[] issueCreatedBody(String issueId) {
    return issueCreated
        .replace(ISSUE_ID_IN_ISSUE, "\"id\":\"" + issueId + "\"")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String resource(String name) {
    try (InputStream in = Deliveries.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
