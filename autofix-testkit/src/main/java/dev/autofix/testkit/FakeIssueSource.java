package dev.autofix.testkit;

import dev.autofix.core.model.Delivery;
import dev.autofix.core.model.ErrorDetails;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.port.IssueSource;
import dev.autofix.testkit.fixtures.ErrorDetailsFixtures;
import dev.autofix.testkit.fixtures.Issues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link IssueSource} with a tiny wire format of its own, so tests can send real deliveries.
 *
 * <p>A delivery is trusted when its {@value #SIGNATURE_HEADER} header says {@value #VALID}. Its
 * body is {@code issue:<id>} (a new issue with that id), {@code ignore:<reason>}, or anything else
 * (malformed); bodies over {@link #maxBodyBytes} are too large. {@link #delivery(String)} builds a
 * valid one.
 */
public final class FakeIssueSource implements IssueSource {
  public static final String SIGNATURE_HEADER = "X-Fake-Signature";
  public static final String VALID = "valid";

  private final int maxBodyBytes;
  private final Map<String, Issue> issues = new HashMap<>();
  private final Map<IssueId, Deque<FetchResult>> fetches = new HashMap<>();
  private final List<Feedback> feedback = new ArrayList<>();
  private final Deque<Object> feedbackScript = new ArrayDeque<>();

  public FakeIssueSource() {
    this(1024 * 1024);
  }

  public FakeIssueSource(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** A signed delivery of a new issue with id {@code issueId}. */
  public static Delivery delivery(String issueId) {
    return new Delivery(
        Map.of(SIGNATURE_HEADER, VALID), ("issue:" + issueId).getBytes(StandardCharsets.UTF_8));
  }

  /** A delivery with {@code body} and the given signature header value. */
  public static Delivery delivery(String body, String signature) {
    return new Delivery(
        signature == null ? Map.of() : Map.of(SIGNATURE_HEADER, signature),
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** Makes deliveries of {@code issue}'s id parse to exactly this issue. */
  public synchronized FakeIssueSource knows(Issue issue) {
    issues.put(issue.id().value(), issue);
    return this;
  }

  /** Makes the next fetch of {@code issue} answer {@code result} (queued, in order). */
  public synchronized FakeIssueSource onFetch(Issue issue, FetchResult result) {
    fetches.computeIfAbsent(issue.id(), k -> new ArrayDeque<>()).add(result);
    return this;
  }

  /** Makes the next feedback answer {@code result}. */
  public synchronized FakeIssueSource onFeedback(FeedbackResult result) {
    feedbackScript.add(result);
    return this;
  }

  /** Makes the next feedback throw {@code defect}. */
  public synchronized FakeIssueSource onFeedbackThrow(RuntimeException defect) {
    feedbackScript.add(defect);
    return this;
  }

  /** The feedback posted (or attempted) so far. */
  public synchronized List<Feedback> feedback() {
    return List.copyOf(feedback);
  }

  @Override
  public String name() {
    return "sentry";
  }

  @Override
  public synchronized ReceiveResult receive(Delivery delivery) {
    if (delivery.size() > maxBodyBytes) {
      return new TooLarge(maxBodyBytes);
    }
    Optional<String> signature = delivery.header(SIGNATURE_HEADER);
    if (signature.isEmpty()) {
      return new BadSignature("missing " + SIGNATURE_HEADER + " header");
    }
    if (!VALID.equals(signature.get())) {
      return new BadSignature("signature does not match the body");
    }
    String body = new String(delivery.body(), StandardCharsets.UTF_8);
    if (body.startsWith("ignore:")) {
      return new Ignored(body.substring("ignore:".length()));
    }
    if (body.startsWith("issue:") && body.length() > "issue:".length()) {
      String id = body.substring("issue:".length()).strip();
      return new Received(issues.getOrDefault(id, Issues.anIssue().withId(id).build()));
    }
    return new Malformed("expected issue:<id> or ignore:<reason>");
  }

  /**
   * Looks up {@code reference}: a known issue's id (see {@link #knows}) is located, {@code
   * unavailable} answers that the source is down, anything blank is malformed, and any other id is
   * not found.
   */
  @Override
  public synchronized LookupResult lookup(String reference) {
    if (reference == null || reference.isBlank()) {
      return new Malformed("an issue id is needed");
    }
    if (reference.equals("unavailable")) {
      return new Unavailable("the fake source is down", java.time.Duration.ofSeconds(5));
    }
    Issue known = issues.get(reference.strip());
    return known == null ? new NotFound("no issue " + reference) : new Located(known);
  }

  @Override
  public synchronized FetchResult fetch(Issue issue) {
    Deque<FetchResult> scripted = fetches.get(issue.id());
    if (scripted != null && !scripted.isEmpty()) {
      return scripted.poll();
    }
    ErrorDetails details = ErrorDetailsFixtures.divisionByZero();
    return new Found(details);
  }

  @Override
  public synchronized FeedbackResult postFeedback(Issue issue, Feedback item) {
    feedback.add(item);
    Object next = feedbackScript.poll();
    if (next instanceof RuntimeException e) {
      throw e;
    }
    return next instanceof FeedbackResult result ? result : new Posted();
  }
}
