package dev.autofix.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import dev.autofix.sentry.SentryIssuePoller.Disabled;
import dev.autofix.sentry.SentryIssuePoller.Failed;
import dev.autofix.sentry.SentryIssuePoller.PollResult;
import dev.autofix.sentry.SentryIssuePoller.Polled;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
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

/** {@link SentryIssuePoller} against a fake Sentry on MockWebServer. */
class SentryIssuePollerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  // api-issue-details.json was first seen at 2018-11-06T21:19:55Z
  private static final Instant NOW = Instant.parse("2018-11-06T22:00:00Z");

  private final MockWebServer sentry = new MockWebServer();
  private final OkHttpClient http = new OkHttpClient();
  private final List<Issue> handed = new CopyOnWriteArrayList<>();
  private final TestClock clock = new TestClock(NOW);

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

  private SentryIssuePoller poller(Set<String> projects, Level level, boolean withToken) {
    SentryConfig config =
        new SentryConfig(
            new SentryConfig.Secret(Fixtures.SECRET),
            sentry.url("/").uri(),
            withToken ? new SentryConfig.Secret("tok3n") : null,
            withToken ? "acme" : null,
            SentryConfig.DEFAULT_MAX_BODY_BYTES,
            false,
            null,
            projects,
            level,
            Set.of(),
            null,
            Duration.ofHours(1),
            Duration.ofSeconds(5),
            3,
            Duration.ofSeconds(30),
            null);
    return SentryIssuePoller.create(config, http, JSON, d -> {}, clock, handed::add);
  }

  private static MockResponse list(String body) {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static String issues() {
    return "[" + Fixtures.text("api-issue-details.json") + "]";
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest request = sentry.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).isNotNull();
    return request;
  }

  @Test
  void pollOnce_handsEachNewIssueToTheCallback() throws InterruptedException {
    sentry.enqueue(list(issues()));

    PollResult result = poller(Set.of(), null, true).pollOnce();

    assertThat(result).isEqualTo(new Polled(Instant.parse("2018-11-06T21:00:00Z"), 1, 0));
    RecordedRequest request = take();
    assertThat(request.getUrl().encodedPath()).isEqualTo("/api/0/organizations/acme/issues/");
    assertThat(request.getUrl().queryParameter("query"))
        .isEqualTo("is:unresolved firstSeen:>=2018-11-06T21:00:00Z");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer tok3n");
    assertThat(handed).hasSize(1);
    Issue issue = handed.getFirst();
    assertThat(issue.id()).isEqualTo(new IssueId("sentry", "1"));
    assertThat(issue.shortId()).isEqualTo("PUMP-STATION-1");
    assertThat(issue.project()).isEqualTo("pump-station");
    assertThat(issue.title()).isEqualTo("This is an example Python exception");
    assertThat(issue.culprit()).isEqualTo("raven.scripts.runner in main");
    assertThat(issue.level()).isEqualTo(Level.ERROR);
    assertThat(issue.permalink())
        .isEqualTo(
            URI.create("https://sentry.io/the-interstellar-jurisdiction/pump-station/issues/1/"));
    assertThat(issue.firstSeen()).isEqualTo(Instant.parse("2018-11-06T21:19:55Z"));
    assertThat(issue.eventCount()).isEqualTo(150);
  }

  @Test
  void pollOnce_handsAnIssueWithUnstorableTextOn_replacedAndMarked() {
    String hostile =
        issues()
            .replace(
                "\"title\": \"This is an example Python exception\"",
                "\"title\": \"This is \\u0000 an example \\ud800 Python exception\"");
    assertThat(hostile).contains("\\u0000");
    sentry.enqueue(list(hostile));

    PollResult result = poller(Set.of(), null, true).pollOnce();

    assertThat(result).isInstanceOf(Polled.class);
    assertThat(handed).hasSize(1);
    assertThat(handed.getFirst().title())
        .isEqualTo("This is \uFFFD an example \uFFFD Python exception");
    assertThat(handed.getFirst().textReplaced()).isTrue();
  }

  @Test
  void pollOnce_startsWhereTheLastSuccessfulPollBegan() throws InterruptedException {
    SentryIssuePoller poller = poller(Set.of(), null, true);
    sentry.enqueue(list("[]"));
    sentry.enqueue(list("[]"));
    poller.pollOnce();
    clock.set(NOW.plus(Duration.ofMinutes(5)));

    PollResult second = poller.pollOnce();

    take();
    assertThat(take().getUrl().queryParameter("query"))
        .isEqualTo("is:unresolved firstSeen:>=2018-11-06T21:59:00Z");
    assertThat(second).isEqualTo(new Polled(Instant.parse("2018-11-06T21:59:00Z"), 0, 0));
  }

  @Test
  void pollOnce_asksEachConfiguredProject() throws InterruptedException {
    sentry.enqueue(list(issues()));
    sentry.enqueue(list("[]"));

    PollResult result = poller(Set.of("pump-station", "web"), null, true).pollOnce();

    assertThat(take().getUrl().encodedPath())
        .isEqualTo("/api/0/projects/acme/pump-station/issues/");
    assertThat(take().getUrl().encodedPath()).isEqualTo("/api/0/projects/acme/web/issues/");
    assertThat(result).isInstanceOf(Polled.class);
    assertThat(handed).extracting(Issue::shortId).containsExactly("PUMP-STATION-1");
  }

  @Test
  void pollOnce_followsNextPages_whileSentrySaysThereAreResults() throws InterruptedException {
    String next = sentry.url("/api/0/organizations/acme/issues/?cursor=0:100:0").toString();
    sentry.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader(
                "Link",
                "<"
                    + next
                    + ">; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", "
                    + "<"
                    + next
                    + ">; rel=\"next\"; results=\"true\"; cursor=\"0:100:0\"")
            .body(issues())
            .build());
    sentry.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader(
                "Link", "<" + next + ">; rel=\"next\"; results=\"false\"; cursor=\"0:200:0\"")
            .body(issues().replace("\"id\": \"1\"", "\"id\": \"2\""))
            .build());

    PollResult result = poller(Set.of(), null, true).pollOnce();

    take();
    assertThat(take().getUrl().queryParameter("cursor")).isEqualTo("0:100:0");
    assertThat(sentry.getRequestCount()).isEqualTo(2);
    assertThat(result).isEqualTo(new Polled(Instant.parse("2018-11-06T21:00:00Z"), 2, 0));
    assertThat(handed).extracting(i -> i.id().value()).containsExactly("1", "2");
  }

  @Test
  void pollOnce_returnsFailed_andRetriesTheSamePeriod_whenSentryIsDown()
      throws InterruptedException {
    SentryIssuePoller poller = poller(Set.of(), null, true);
    for (int i = 0; i < 3; i++) {
      sentry.enqueue(new MockResponse.Builder().code(500).body("").build());
    }
    sentry.enqueue(list("[]"));

    PollResult failed = poller.pollOnce();
    clock.set(NOW.plus(Duration.ofMinutes(5)));
    PollResult next = poller.pollOnce();

    assertThat(failed).isInstanceOf(Failed.class);
    assertThat(((Failed) failed).reason()).contains("500");
    assertThat(next).isEqualTo(new Polled(Instant.parse("2018-11-06T21:00:00Z"), 0, 0));
  }

  @Test
  void pollOnce_appliesTheFilters() {
    sentry.enqueue(list(issues()));

    PollResult result = poller(Set.of(), Level.FATAL, true).pollOnce();

    assertThat(result).isEqualTo(new Polled(Instant.parse("2018-11-06T21:00:00Z"), 0, 1));
    assertThat(handed).isEmpty();
  }

  @Test
  void pollOnce_skipsIssuesFirstSeenBeforeThePeriod() {
    sentry.enqueue(list(issues().replace("2018-11-06T21:19:55Z", "2018-01-01T00:00:00Z")));

    PollResult result = poller(Set.of(), null, true).pollOnce();

    assertThat(result).isEqualTo(new Polled(Instant.parse("2018-11-06T21:00:00Z"), 0, 0));
  }

  @Test
  void pollOnce_isDisabled_withoutToken() {
    PollResult result = poller(Set.of(), null, false).pollOnce();

    assertThat(result).isEqualTo(new Disabled("no Sentry API token configured"));
    assertThat(sentry.getRequestCount()).isZero();
  }

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    void set(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
