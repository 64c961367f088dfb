package dev.autofix.sentry;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autofix.core.model.Delivery;
import dev.autofix.core.model.ErrorDetails;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.PullRequestRef;
import dev.autofix.core.port.IssueSource;
import dev.autofix.sentry.internal.EventMapper;
import dev.autofix.sentry.internal.IssueFilter;
import dev.autofix.sentry.internal.IssueReference;
import dev.autofix.sentry.internal.SentryApi;
import dev.autofix.sentry.internal.WebhookJson;
import dev.autofix.sentry.internal.WebhookParser;
import dev.autofix.sentry.internal.WebhookSignatures;
import dev.autofix.support.retry.Sleeper;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link IssueSource} for Sentry's Integration Platform: verifies {@code Sentry-Hook-Signature}
 * over the raw body, parses {@code issue.created}, {@code event_alert.triggered} and {@code
 * error.created}, fetches the recommended event through the REST API and comments on the issue.
 */
final class SentryIssueSource implements IssueSource {
  static final String NAME = "sentry";
  static final String SIGNATURE_HEADER = "Sentry-Hook-Signature";
  static final String RESOURCE_HEADER = "Sentry-Hook-Resource";

  private static final Logger LOG = LoggerFactory.getLogger(SentryIssueSource.class);
  private static final int MAX_COMMENT_SUMMARY_CHARS = 500;

  private final SentryConfig config;
  private final ObjectMapper json;
  private final ObjectReader reader;
  private final WebhookParser parser = new WebhookParser(NAME);
  private final IssueFilter filter;
  private final SentryApi api; // null without a token
  private final WebhookSignatures.Signer signer;

  private SentryIssueSource(SentryConfig config, ObjectMapper json, SentryApi api) {
    this.config = config;
    this.json = json;
    // "{...} trailing" is not one JSON document: reject it rather than read its first value
    this.reader = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.api = api;
    this.signer = new WebhookSignatures.Signer(config.clientSecret().value());
    this.filter = new IssueFilter(config.projects(), config.minimumLevel(), config.environments());
  }

  /**
   * A Sentry issue source.
   *
   * @param config the configuration
   * @param http the HTTP client for the REST API (owned by the caller, who closes it)
   * @param json the JSON mapper
   */
  public static IssueSource create(SentryConfig config, OkHttpClient http, ObjectMapper json) {
    return create(config, http, json, Sleeper.real(), Clock.systemUTC());
  }

  /** With the wait between retries and the clock under the caller's control (tests). */
  static IssueSource create(
      SentryConfig config, OkHttpClient http, ObjectMapper json, Sleeper sleeper, Clock clock) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(http, "http == null");
    Objects.requireNonNull(json, "json == null");
    return new SentryIssueSource(config, json, api(config, http, json, sleeper, clock));
  }

  static SentryApi api(
      SentryConfig config, OkHttpClient http, ObjectMapper json, Sleeper sleeper, Clock clock) {
    if (!config.hasToken()) {
      return null;
    }
    return new SentryApi(
        http,
        json,
        config.apiUrl(),
        config.token().value(),
        config.timeout(),
        config.maxAttempts(),
        config.maxRetryWait(),
        sleeper,
        clock);
  }

  @Override
  public String name() {
    return NAME;
  }

  // ---------------------------------------------------------------- receive

  @Override
  public ReceiveResult receive(Delivery delivery) {
    Objects.requireNonNull(delivery, "delivery == null");
    if (delivery.size() > config.maxBodyBytes()) {
      return new TooLarge(config.maxBodyBytes());
    }
    Optional<String> signature = delivery.header(SIGNATURE_HEADER);
    boolean legacy = signature.isEmpty() && delivery.header(RESOURCE_HEADER).isEmpty();
    if (signature.isEmpty() && !(legacy && config.legacyEnabled())) {
      return new BadSignature("missing " + SIGNATURE_HEADER + " header");
    }
    byte[] body = delivery.body();
    if (legacy) {
      String secret = delivery.header(SentryConfig.LEGACY_SECRET_HEADER).orElse(null);
      if (secret == null) {
        return new BadSignature(
            "legacy webhook without its shared secret (" + SentryConfig.LEGACY_SECRET_HEADER + ")");
      }
      if (!WebhookSignatures.sameSecret(config.legacySecret().value(), secret)) {
        return new BadSignature("legacy webhook with a wrong shared secret");
      }
    } else if (!signer.verify(body, signature.orElseThrow())) {
      return new BadSignature(SIGNATURE_HEADER + " does not match the body");
    }
    Optional<String> problem = contentTypeProblem(delivery.header("Content-Type"));
    if (problem.isPresent()) {
      return new Malformed(problem.get());
    }
    if (body.length == 0) {
      return new Malformed("empty body");
    }
    JsonNode root;
    try {
      root = WebhookJson.read(reader, body);
    } catch (JacksonException e) {
      return new Malformed("body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return new Malformed("body is not readable: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      return new Malformed(
          "body is JSON but not an object (" + (root == null ? "empty" : root.getNodeType()) + ")");
    }
    WebhookParser.Outcome outcome;
    if (legacy) {
      outcome = parser.parseLegacy(root);
    } else {
      Optional<String> resource = delivery.header(RESOURCE_HEADER);
      if (resource.isEmpty()) {
        return new Malformed("missing " + RESOURCE_HEADER + " header");
      }
      outcome = parser.parseIntegration(resource.get().trim(), root);
    }
    return switch (outcome) {
      case WebhookParser.Parsed parsed -> filtered(parsed);
      case WebhookParser.Changed changed -> new Changed(changed.issue(), changed.change());
      case WebhookParser.NotHandled notHandled -> new Ignored(notHandled.reason());
      case WebhookParser.Invalid invalid -> new Malformed(invalid.reason());
    };
  }

  private ReceiveResult filtered(WebhookParser.Parsed parsed) {
    Optional<String> rejection = filter.rejection(parsed.issue(), parsed.environment());
    if (rejection.isPresent()) {
      LOG.info("Sentry issue {} filtered out: {}", parsed.issue().id(), rejection.get());
      return new Ignored("filtered: " + rejection.get());
    }
    return new Received(parsed.issue());
  }

  /** A missing content type is accepted; a present one must be JSON. */
  private static Optional<String> contentTypeProblem(Optional<String> contentType) {
    if (contentType.isEmpty()) {
      return Optional.empty();
    }
    String mediaType = contentType.get().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
      return Optional.empty();
    }
    return Optional.of("content type " + mediaType + " is not application/json");
  }

  // ---------------------------------------------------------------- fetch

  /**
   * Looks an issue up by its page URL, id or short id ({@link IssueReference}): {@code GET
   * /organizations/{org}/issues/{id}/} or {@code GET /organizations/{org}/shortids/{shortId}/}, in
   * the configured organization only. The issue passes the same filters as a delivery.
   */
  @Override
  public LookupResult lookup(String reference) {
    if (api == null) {
      return new LookupUnsupported(
          "looking an issue up needs Sentry's API: set AUTOFIX_SENTRY_TOKEN (a token with"
              + " event:read)");
    }
    IssueReference.Parsed parsed = IssueReference.parse(reference, config.org());
    SentryApi.Answer answer;
    String what;
    switch (parsed) {
      case IssueReference.Invalid invalid -> {
        return new Malformed(invalid.reason());
      }
      case IssueReference.ById byId -> {
        what = "issue " + byId.id();
        answer = api.get(api.url("organizations", config.org(), "issues", byId.id()).build());
      }
      case IssueReference.ByShortId byShortId -> {
        what = "issue " + byShortId.shortId();
        answer =
            api.get(
                api.url("organizations", config.org(), "shortids", byShortId.shortId()).build());
      }
    }
    return switch (answer) {
      case SentryApi.Ok ok ->
          located(
              parsed instanceof IssueReference.ByShortId ? ok.body().path("group") : ok.body(),
              what);
      case SentryApi.Rejected rejected -> lookupRejected(what, rejected);
      case SentryApi.Unavailable unavailable ->
          new Unavailable(unavailable.message(), unavailable.retryAfter());
    };
  }

  private LookupResult located(JsonNode node, String what) {
    if (!node.isObject()) {
      return new NotFound("Sentry's answer for " + what + " holds no issue");
    }
    return switch (parser.parseApiIssue(node)) {
      case WebhookParser.Parsed parsed -> {
        Optional<String> rejection = filter.rejection(parsed.issue(), null);
        yield rejection.isPresent() ? new Ignored(rejection.get()) : new Located(parsed.issue());
      }
      case WebhookParser.NotHandled notHandled ->
          new NotFound("Sentry's answer for " + what + " is not an issue");
      case WebhookParser.Changed changed ->
          new NotFound("Sentry's answer for " + what + " is not an issue");
      case WebhookParser.Invalid invalid ->
          new NotFound("Sentry's answer for " + what + " cannot be read: " + invalid.reason());
    };
  }

  private LookupResult lookupRejected(String what, SentryApi.Rejected rejected) {
    return switch (rejected.status()) {
      // the token, not the issue: no lookup can work until it is fixed
      case 401 ->
          new LookupUnsupported(
              "Sentry rejected the API token (401) looking up "
                  + what
                  + ": check AUTOFIX_SENTRY_TOKEN");
      case 403 ->
          new LookupUnsupported(
              "the API token may not read "
                  + what
                  + " (403): it needs the event:read scope in organization "
                  + config.org());
      case 404 ->
          new NotFound(
              "Sentry has no "
                  + what
                  + " in organization "
                  + config.org()
                  + " (404: deleted, merged, or in another organization)");
      default ->
          new NotFound(
              "Sentry answered "
                  + rejected.status()
                  + " looking up "
                  + what
                  + ": "
                  + abbreviate(rejected.body()));
    };
  }

  /**
   * Fetches the issue's recommended event (its latest when the server has no recommendation).
   * Without a token the details are {@link ErrorDetails#none()}: webhook payloads are not kept, so
   * the source stays stateless.
   */
  @Override
  public FetchResult fetch(Issue issue) {
    Objects.requireNonNull(issue, "issue == null");
    if (api == null) {
      return new Found(ErrorDetails.none());
    }
    SentryApi.Answer answer = api.get(eventUrl(issue, "recommended"));
    if (answer instanceof SentryApi.Rejected rejected && rejected.status() == 404) {
      // servers without event recommendations (older self-hosted) answer 404: ask for the latest
      answer = api.get(eventUrl(issue, "latest"));
    }
    return switch (answer) {
      case SentryApi.Ok ok -> new Found(EventMapper.map(ok.body()));
      case SentryApi.Rejected rejected -> new NotFound(notFoundMessage(issue, rejected));
      case SentryApi.Unavailable unavailable ->
          new Unavailable(unavailable.message(), unavailable.retryAfter());
    };
  }

  private HttpUrl eventUrl(Issue issue, String which) {
    return api.url("organizations", config.org(), "issues", issue.id().value(), "events", which)
        .build();
  }

  private String notFoundMessage(Issue issue, SentryApi.Rejected rejected) {
    return switch (rejected.status()) {
      case 401 ->
          "Sentry rejected the API token (401) for issue "
              + issue.id().value()
              + ": check AUTOFIX_SENTRY_TOKEN";
      case 403 ->
          "the API token may not read issue "
              + issue.id().value()
              + " (403): it needs the event:read scope in organization "
              + config.org();
      case 404 ->
          "Sentry issue "
              + issue.id().value()
              + " has no event in organization "
              + config.org()
              + " (404: deleted, merged, or in another organization)";
      default ->
          "Sentry answered "
              + rejected.status()
              + " for issue "
              + issue.id().value()
              + ": "
              + abbreviate(rejected.body());
    };
  }

  // ---------------------------------------------------------------- feedback

  @Override
  public FeedbackResult postFeedback(Issue issue, Feedback feedback) {
    Objects.requireNonNull(issue, "issue == null");
    Objects.requireNonNull(feedback, "feedback == null");
    if (api == null) {
      return new Skipped("no Sentry API token configured");
    }
    try {
      FeedbackResult comment = comment(issue, commentText(feedback));
      if (comment instanceof Posted && feedback instanceof PullRequestOpened opened) {
        linkExternalIssue(issue, opened.pullRequest());
      }
      return comment;
    } catch (RuntimeException e) {
      // feedback never fails a run: a surprise here is logged and reported as a value
      LOG.warn("feedback on Sentry issue {} failed", issue.id(), e);
      return new NotPosted("feedback failed: " + e);
    }
  }

  private FeedbackResult comment(Issue issue, String text) {
    HttpUrl url =
        api.url("organizations", config.org(), "issues", issue.id().value(), "comments").build();
    ObjectNode body = json.createObjectNode().put("text", text);
    return switch (api.post(url, body)) {
      case SentryApi.Ok ok -> new Posted();
      case SentryApi.Rejected rejected
          when rejected.status() == 400 && rejected.body().contains("already posted") ->
          new Posted(); // the same comment within the hour: it is there
      case SentryApi.Rejected rejected -> {
        LOG.warn(
            "Sentry rejected the comment on issue {}: {} {}",
            issue.id(),
            rejected.status(),
            abbreviate(rejected.body()));
        yield new NotPosted(
            "Sentry answered " + rejected.status() + ": " + abbreviate(rejected.body()));
      }
      case SentryApi.Unavailable unavailable -> {
        LOG.warn("comment on Sentry issue {} not posted: {}", issue.id(), unavailable.message());
        yield new NotPosted(unavailable.message());
      }
    };
  }

  /** Links the pull request in the issue's sidebar; best effort, logged. */
  private void linkExternalIssue(Issue issue, PullRequestRef pullRequest) {
    if (config.installationUuid() == null) {
      return;
    }
    long numericId;
    try {
      numericId = Long.parseLong(issue.id().value());
    } catch (NumberFormatException e) {
      return;
    }
    HttpUrl url =
        api.url("sentry-app-installations", config.installationUuid(), "external-issues").build();
    ObjectNode body =
        json.createObjectNode()
            .put("issueId", numericId)
            .put("webUrl", pullRequest.url().toString())
            .put("project", repository(pullRequest))
            .put("identifier", "#" + pullRequest.number());
    switch (api.post(url, body)) {
      case SentryApi.Ok ok ->
          LOG.info("linked {} on Sentry issue {}", pullRequest.url(), issue.id());
      case SentryApi.Rejected rejected ->
          LOG.warn(
              "Sentry rejected the external-issue link on {}: {} {}",
              issue.id(),
              rejected.status(),
              abbreviate(rejected.body()));
      case SentryApi.Unavailable unavailable ->
          LOG.warn("external-issue link on {} not made: {}", issue.id(), unavailable.message());
    }
  }

  /** {@code owner/repo} from {@code https://github.com/owner/repo/pull/12}, else the host. */
  static String repository(PullRequestRef pullRequest) {
    String path = pullRequest.url().getPath() == null ? "" : pullRequest.url().getPath();
    String[] parts = path.replaceFirst("^/", "").split("/");
    if (parts.length >= 2 && !parts[0].isEmpty()) {
      return parts[0] + "/" + parts[1];
    }
    return String.valueOf(pullRequest.url().getHost());
  }

  /** The comment: the PR link and a one-line summary, or why there is no PR. */
  static String commentText(Feedback feedback) {
    return switch (feedback) {
      case PullRequestOpened opened -> {
        String summary = oneLine(opened.summary());
        yield "autofix opened a "
            + (opened.pullRequest().draft() ? "draft " : "")
            + "pull request: "
            + opened.pullRequest().url()
            + (summary.isEmpty() ? "" : "\n\n" + summary);
      }
      case BranchPushed pushed -> {
        String summary = oneLine(pushed.summary());
        yield "autofix pushed a verified fix to the branch "
            + pushed.branch()
            + (pushed.compareUrl() == null ? "" : ": " + pushed.compareUrl())
            + " (no pull request: branch mode)"
            + (summary.isEmpty() ? "" : "\n\n" + summary);
      }
      case EndedWithoutPullRequest ended ->
          "autofix finished without a pull request ("
              + ended.status().wireName()
              + "): "
              + oneLine(ended.reason());
    };
  }

  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String line = text.replaceAll("\\s+", " ").trim();
    return line.length() <= MAX_COMMENT_SUMMARY_CHARS
        ? line
        : line.substring(0, MAX_COMMENT_SUMMARY_CHARS) + "...";
  }

  private static String abbreviate(String text) {
    String line = text == null ? "" : text.replaceAll("\\s+", " ").trim();
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }
}
