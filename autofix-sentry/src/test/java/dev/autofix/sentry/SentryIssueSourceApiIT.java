package dev.autofix.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.Breadcrumb;
import dev.autofix.core.model.ContextLine;
import dev.autofix.core.model.ErrorDetails;
import dev.autofix.core.model.ExceptionInfo;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import dev.autofix.core.model.PullRequestRef;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.model.StackFrame;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.IssueSource.FetchResult;
import dev.autofix.core.port.IssueSource.Found;
import dev.autofix.core.port.IssueSource.NotFound;
import dev.autofix.core.port.IssueSource.NotPosted;
import dev.autofix.core.port.IssueSource.Posted;
import dev.autofix.core.port.IssueSource.Unavailable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST side of {@link SentryIssueSource} against a fake Sentry on MockWebServer. */
class SentryIssueSourceApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Issue ISSUE =
      new Issue(
          new IssueId("sentry", "1170820242"),
          "FRONT-END-9",
          "front-end",
          "ReferenceError: blooopy is not defined",
          "?(runner)",
          Level.ERROR,
          null,
          Instant.parse("2019-08-19T20:58:37.391Z"),
          1);
  private static final PullRequestRef PR =
      new PullRequestRef(URI.create("https://github.com/acme/web/pull/42"), 42, "autofix/x", true);

  private final MockWebServer sentry = new MockWebServer();
  private final OkHttpClient http = new OkHttpClient();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    sentry.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    sentry.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private IssueSource source(Duration timeout, int maxAttempts, String installationUuid) {
    SentryConfig config =
        new SentryConfig(
            new SentryConfig.Secret(Fixtures.SECRET),
            sentry.url("/").uri(),
            new SentryConfig.Secret("tok3n"),
            "acme",
            SentryConfig.DEFAULT_MAX_BODY_BYTES,
            false,
            null,
            Set.of(),
            null,
            Set.of(),
            null,
            null,
            timeout,
            maxAttempts,
            Duration.ofSeconds(30),
            installationUuid);
    return SentryIssueSource.create(config, http, JSON, sleeps::add, Clock.systemUTC());
  }

  private IssueSource source() {
    return source(Duration.ofSeconds(5), 3, null);
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest request = sentry.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("a request reached the fake Sentry").isNotNull();
    return request;
  }

  @Test
  void fetch_mapsRecommendedEvent_fieldByField() throws InterruptedException {
    sentry.enqueue(json(200, Fixtures.text("api-issue-event-latest.json")));

    FetchResult result = source().fetch(ISSUE);

    RecordedRequest request = take();
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getUrl().encodedPath())
        .isEqualTo("/api/0/organizations/acme/issues/1170820242/events/recommended/");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer tok3n");
    assertThat(result).isInstanceOf(Found.class);
    ErrorDetails details = ((Found) result).details();
    assertThat(details.eventId()).isEqualTo("9999aaaaca8b46d797c23c6077c6ff01");
    assertThat(details.release()).isEqualTo("b65bc521378269d3eaefdc964f8ef56621414943");
    assertThat(details.environment()).isEqualTo("prod");
    assertThat(details.requestUrl())
        .isEqualTo("https://sentry.io/organizations/hellboy-meowmeow/issues/");
    assertThat(details.tags())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "browser", "Chrome 83.0.4103",
                "browser.name", "Chrome",
                "environment", "prod",
                "handled", "yes",
                "level", "error",
                "mechanism", "generic"));

    assertThat(details.exceptions()).hasSize(1);
    ExceptionInfo exception = details.exceptions().getFirst();
    assertThat(exception.type()).isEqualTo("ForbiddenError");
    assertThat(exception.value()).isEqualTo("GET /organizations/hellboy-meowmeow/users/ 403");
    assertThat(exception.module()).isNull();
    assertThat(exception.frames()).hasSize(2);
    assertThat(exception.inAppFrames()).isEmpty();
    StackFrame first = exception.frames().get(0);
    assertThat(first.file())
        .isEqualTo("/usr/src/getsentry/src/sentry/node_modules/@sentry/browser/esm/helpers.js");
    assertThat(first.line()).isEqualTo(71);
    assertThat(first.function()).isEqualTo("ignoreOnError");
    assertThat(first.module())
        .isEqualTo("usr/src/getsentry/src/sentry/node_modules/@sentry/browser/esm/helpers");
    assertThat(first.inApp()).isFalse();
    assertThat(first.context()).hasSize(11);
    assertThat(first.context().getFirst()).isEqualTo(new ContextLine(66, "            }"));
    assertThat(first.context().get(5))
        .isEqualTo(new ContextLine(71, "            return fn.apply(this, wrappedArguments);"));
    StackFrame last = exception.frames().get(1);
    assertThat(last.function()).isEqualTo("apply");
    assertThat(last.line()).isEqualTo(74);
    assertThat(last.context().get(5))
        .isEqualTo(new ContextLine(74, "            me.trigger.apply(me, args);"));

    assertThat(details.breadcrumbs()).hasSize(3);
    Breadcrumb tracing = details.breadcrumbs().get(0);
    assertThat(tracing.timestamp()).isEqualTo(Instant.parse("2020-06-17T22:26:55.266586Z"));
    assertThat(tracing.type()).isEqualTo("debug");
    assertThat(tracing.category()).isEqualTo("tracing");
    assertThat(tracing.level()).isEqualTo("debug");
    assertThat(tracing.message()).isEqualTo("[Tracing] pushActivity: idleTransactionStarted#1");
    assertThat(tracing.data()).isEmpty();
    Breadcrumb xhr = details.breadcrumbs().get(1);
    assertThat(xhr.type()).isEqualTo("http");
    assertThat(xhr.category()).isEqualTo("xhr");
    assertThat(xhr.message()).isNull();
    assertThat(xhr.data())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("url", "/api/0/internal/health/", "status_code", "200", "method", "GET"));
  }

  @Test
  void fetch_listsChainOutermostFirst_andKeepsInAppFrames() {
    String event =
        """
        {"eventID":"e1","entries":[{"type":"exception","data":{"values":[
          {"type":"KeyError","value":"'id'","module":"builtins","stacktrace":{"frames":[
            {"filename":"app/db.py","lineNo":10,"function":"load","module":"app.db","inApp":true,
             "context":[[9,"def load(row):"],[10,"    return row['id']"]]}]}},
          {"type":"LookupFailed","value":"no user","stacktrace":{"frames":[
            {"filename":"lib/x.py","lineNo":1,"inApp":false},
            {"filename":"app/users.py","lineNo":20,"function":"get","inApp":true}]}}]}}],
         "release":"1.2.3","environment":"staging","tags":[]}
        """;
    sentry.enqueue(json(200, event));

    ErrorDetails details = ((Found) source().fetch(ISSUE)).details();

    assertThat(details.exceptions())
        .extracting(ExceptionInfo::type)
        .containsExactly("LookupFailed", "KeyError");
    assertThat(details.exceptions().getFirst().inAppFrames())
        .extracting(StackFrame::file)
        .containsExactly("app/users.py");
    assertThat(details.exceptions().get(1).frames().getFirst().context())
        .containsExactly(
            new ContextLine(9, "def load(row):"), new ContextLine(10, "    return row['id']"));
    assertThat(details.release()).isEqualTo("1.2.3");
    assertThat(details.environment()).isEqualTo("staging");
  }

  @Test
  void fetch_fallsBackToLatestEvent_whenRecommendedIs404() throws InterruptedException {
    sentry.enqueue(json(404, "{\"detail\":\"Event not found\"}"));
    sentry.enqueue(json(200, Fixtures.text("api-issue-event-latest.json")));

    FetchResult result = source().fetch(ISSUE);

    assertThat(take().getUrl().encodedPath()).endsWith("/events/recommended/");
    assertThat(take().getUrl().encodedPath()).endsWith("/events/latest/");
    assertThat(result).isInstanceOf(Found.class);
  }

  @Test
  void fetch_retriesAfter429_honouringRetryAfter() throws InterruptedException {
    sentry.enqueue(
        new MockResponse.Builder().code(429).addHeader("Retry-After", "2").body("{}").build());
    sentry.enqueue(json(200, Fixtures.text("api-issue-event-latest.json")));

    FetchResult result = source().fetch(ISSUE);

    assertThat(result).isInstanceOf(Found.class);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    assertThat(sentry.getRequestCount()).isEqualTo(2);
  }

  @Test
  void fetch_returnsUnavailable_after500ThreeTimes() {
    for (int i = 0; i < 3; i++) {
      sentry.enqueue(json(500, "{\"detail\":\"Internal Error\"}"));
    }

    FetchResult result = source().fetch(ISSUE);

    assertThat(result).isInstanceOf(Unavailable.class);
    Unavailable unavailable = (Unavailable) result;
    assertThat(unavailable.message()).contains("500").contains("3 attempts");
    assertThat(unavailable.retryAfter()).isPositive();
    assertThat(sentry.getRequestCount()).isEqualTo(3);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void fetch_returnsUnavailable_whenRetryAfterExceedsTheWaitLimit() {
    sentry.enqueue(
        new MockResponse.Builder().code(429).addHeader("Retry-After", "3600").body("").build());

    FetchResult result = source().fetch(ISSUE);

    assertThat(result).isInstanceOf(Unavailable.class);
    assertThat(((Unavailable) result).retryAfter()).isEqualTo(Duration.ofHours(1));
    assertThat(sentry.getRequestCount()).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void fetch_returnsNotFound_whenSentryAnswers404() {
    sentry.enqueue(json(404, "{\"detail\":\"The requested resource does not exist\"}"));
    sentry.enqueue(json(404, "{\"detail\":\"The requested resource does not exist\"}"));

    FetchResult result = source().fetch(ISSUE);

    assertThat(result).isInstanceOf(NotFound.class);
    assertThat(((NotFound) result).message())
        .contains("1170820242")
        .contains("404")
        .contains("acme");
  }

  @Test
  void fetch_returnsNotFound_withTokenHint_whenSentryAnswers401() {
    sentry.enqueue(json(401, "{\"detail\":\"Invalid token\"}"));

    FetchResult result = source().fetch(ISSUE);

    assertThat(result).isInstanceOf(NotFound.class);
    assertThat(((NotFound) result).message()).contains("401").contains("AUTOFIX_SENTRY_TOKEN");
    assertThat(sentry.getRequestCount()).isEqualTo(1);
  }

  @Test
  void fetch_returnsNotFound_namingTheRegionHost_whenSentryRedirects() {
    sentry.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", "https://de.sentry.io/api/0/organizations/acme/issues/1/")
            .build());

    FetchResult result = source().fetch(ISSUE);

    assertThat(result).isInstanceOf(NotFound.class);
    assertThat(((NotFound) result).message())
        .contains("302")
        .contains("https://de.sentry.io/")
        .contains("AUTOFIX_SENTRY_API_URL");
    assertThat(sentry.getRequestCount()).isEqualTo(1);
  }

  @Test
  void fetch_returnsUnavailable_whenResponseIsSlowerThanTheTimeout() {
    MockResponse slow =
        new MockResponse.Builder()
            .headersDelay(2, TimeUnit.SECONDS)
            .body(Fixtures.text("api-issue-event-latest.json"))
            .build();
    sentry.enqueue(slow);
    sentry.enqueue(slow);

    FetchResult result = source(Duration.ofMillis(300), 2, null).fetch(ISSUE);

    assertThat(result).isInstanceOf(Unavailable.class);
    assertThat(((Unavailable) result).message()).contains("in time");
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void fetch_returnsUnavailable_whenSentryAnswersUnreadableJson() {
    sentry.enqueue(json(200, "<html>maintenance</html>"));

    assertThat(source().fetch(ISSUE)).isInstanceOf(Unavailable.class);
  }

  @Test
  void postFeedback_commentsPrLinkAndSummary_whenPullRequestOpened() throws Exception {
    sentry.enqueue(json(201, "{\"id\":\"1\"}"));

    IssueSource.FeedbackResult result =
        source()
            .postFeedback(
                ISSUE, new IssueSource.PullRequestOpened(PR, "Guard against a missing\nvariable"));

    assertThat(result).isEqualTo(new Posted());
    RecordedRequest request = take();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath())
        .isEqualTo("/api/0/organizations/acme/issues/1170820242/comments/");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer tok3n");
    JsonNode body = JSON.readTree(request.getBody().utf8());
    assertThat(body.get("text").asText())
        .isEqualTo(
            "autofix opened a draft pull request: https://github.com/acme/web/pull/42\n\n"
                + "Guard against a missing variable");
    assertThat(sentry.getRequestCount()).isEqualTo(1);
  }

  @Test
  void postFeedback_commentsWhy_whenRunEndedWithoutPullRequest() throws Exception {
    sentry.enqueue(json(201, "{\"id\":\"1\"}"));

    IssueSource.FeedbackResult result =
        source()
            .postFeedback(
                ISSUE,
                new IssueSource.EndedWithoutPullRequest(RunStatus.NO_FIX, "the tests still fail"));

    assertThat(result).isEqualTo(new Posted());
    assertThat(JSON.readTree(take().getBody().utf8()).get("text").asText())
        .isEqualTo("autofix finished without a pull request (no_fix): the tests still fail");
  }

  @Test
  void postFeedback_linksPullRequestAsExternalIssue_whenInstallationKnown() throws Exception {
    sentry.enqueue(json(201, "{\"id\":\"1\"}"));
    sentry.enqueue(json(200, Fixtures.text("api-sentry-app-external-issue-response.json")));

    IssueSource.FeedbackResult result =
        source(Duration.ofSeconds(5), 3, "a8e5d37a-696c-4c54-adb5-b3f28d64c7de")
            .postFeedback(ISSUE, new IssueSource.PullRequestOpened(PR, "fix"));

    assertThat(result).isEqualTo(new Posted());
    take();
    RecordedRequest link = take();
    assertThat(link.getUrl().encodedPath())
        .isEqualTo(
            "/api/0/sentry-app-installations/a8e5d37a-696c-4c54-adb5-b3f28d64c7de/external-issues/");
    JsonNode body = JSON.readTree(link.getBody().utf8());
    assertThat(body.get("issueId").asLong()).isEqualTo(1170820242L);
    assertThat(body.get("webUrl").asText()).isEqualTo("https://github.com/acme/web/pull/42");
    assertThat(body.get("project").asText()).isEqualTo("acme/web");
    assertThat(body.get("identifier").asText()).isEqualTo("#42");
  }

  @Test
  void postFeedback_returnsPosted_whenSentrySaysTheCommentIsAlreadyThere() {
    sentry.enqueue(json(400, "{\"detail\":\"You have already posted that comment.\"}"));

    assertThat(source().postFeedback(ISSUE, new IssueSource.PullRequestOpened(PR, "fix")))
        .isEqualTo(new Posted());
  }

  @Test
  void postFeedback_returnsNotPosted_whenSentryRejectsOrIsDown() {
    sentry.enqueue(json(403, "{\"detail\":\"You do not have permission\"}"));
    IssueSource.FeedbackResult rejected =
        source().postFeedback(ISSUE, new IssueSource.PullRequestOpened(PR, "fix"));
    for (int i = 0; i < 3; i++) {
      sentry.enqueue(json(503, ""));
    }
    IssueSource.FeedbackResult down =
        source().postFeedback(ISSUE, new IssueSource.PullRequestOpened(PR, "fix"));

    assertThat(rejected).isInstanceOf(NotPosted.class);
    assertThat(((NotPosted) rejected).reason()).contains("403");
    assertThat(down).isInstanceOf(NotPosted.class);
  }

  @Test
  void postFeedback_retriesATransientFailure_thenPosts() {
    sentry.enqueue(json(503, ""));
    sentry.enqueue(json(201, "{\"id\":\"1\"}"));

    assertThat(source().postFeedback(ISSUE, new IssueSource.PullRequestOpened(PR, "fix")))
        .isEqualTo(new Posted());
    assertThat(sentry.getRequestCount()).isEqualTo(2);
  }

  @Test
  void postFeedback_returnsNotPosted_whenSentryUnreachable() {
    IssueSource source = source(Duration.ofSeconds(2), 1, null);
    sentry.close();

    assertThat(source.postFeedback(ISSUE, new IssueSource.PullRequestOpened(PR, "fix")))
        .isInstanceOf(NotPosted.class);
  }
}
