package dev.autofix.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.Level;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.IssueSource.Ignored;
import dev.autofix.core.port.IssueSource.Located;
import dev.autofix.core.port.IssueSource.LookupUnsupported;
import dev.autofix.core.port.IssueSource.Malformed;
import dev.autofix.core.port.IssueSource.NotFound;
import dev.autofix.core.port.IssueSource.Unavailable;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link IssueSource#lookup} against a fake Sentry on MockWebServer, with Sentry's own payloads.
 */
class SentryIssueLookupIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MockWebServer sentry = new MockWebServer();
  private final OkHttpClient http = new OkHttpClient();

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

  private IssueSource source(String token, Set<String> projects) {
    SentryConfig config =
        new SentryConfig(
            new SentryConfig.Secret(Fixtures.SECRET),
            sentry.url("/").uri(),
            token == null ? null : new SentryConfig.Secret(token),
            "acme",
            SentryConfig.DEFAULT_MAX_BODY_BYTES,
            false,
            null,
            projects == null ? Set.of() : projects,
            null,
            Set.of(),
            null,
            null,
            Duration.ofSeconds(5),
            2,
            Duration.ofSeconds(30),
            null);
    return SentryIssueSource.create(config, http, JSON, wait -> {}, Clock.systemUTC());
  }

  private IssueSource source() {
    return source("tok3n", null);
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
  void aNumericId_isFetchedFromTheConfiguredOrganization_andMapped() throws Exception {
    sentry.enqueue(json(200, Fixtures.text("api-issue-details.json")));

    IssueSource.LookupResult result = source().lookup("https://acme.sentry.io/issues/1/");

    RecordedRequest request = take();
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/api/0/organizations/acme/issues/1/");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer tok3n");
    assertThat(result)
        .isInstanceOfSatisfying(
            Located.class,
            located -> {
              assertThat(located.issue().id().value()).isEqualTo("1");
              assertThat(located.issue().shortId()).isEqualTo("PUMP-STATION-1");
              assertThat(located.issue().project()).isEqualTo("pump-station");
              assertThat(located.issue().title()).isEqualTo("This is an example Python exception");
              assertThat(located.issue().level()).isEqualTo(Level.ERROR);
              assertThat(located.issue().eventCount()).isEqualTo(150);
              assertThat(located.issue().firstSeen())
                  .isEqualTo(Instant.parse("2018-11-06T21:19:55Z"));
            });
  }

  @Test
  void aShortId_isResolvedThroughShortIds() throws Exception {
    String group = Fixtures.text("api-issue-details.json");
    sentry.enqueue(
        json(
            200,
            "{\"organizationSlug\":\"acme\",\"projectSlug\":\"pump-station\",\"groupId\":\"1\","
                + "\"shortId\":\"PUMP-STATION-1\",\"group\":"
                + group
                + "}"));

    IssueSource.LookupResult result = source().lookup("pump-station-1");

    assertThat(take().getUrl().encodedPath())
        .isEqualTo("/api/0/organizations/acme/shortids/PUMP-STATION-1/");
    assertThat(result)
        .isInstanceOfSatisfying(
            Located.class, l -> assertThat(l.issue().id().value()).isEqualTo("1"));
  }

  @Test
  void anIssueTheFiltersLeaveOut_isIgnored_withTheFiltersReason() {
    sentry.enqueue(json(200, Fixtures.text("api-issue-details.json")));

    assertThat(source("tok3n", Set.of("shop")).lookup("1"))
        .isInstanceOfSatisfying(
            Ignored.class, i -> assertThat(i.reason()).contains("pump-station").contains("shop"));
  }

  @Test
  void noSuchIssue_isNotFound_namingTheOrganization() {
    sentry.enqueue(json(404, "{\"detail\":\"The requested resource does not exist\"}"));

    assertThat(source().lookup("4711"))
        .isInstanceOfSatisfying(
            NotFound.class, n -> assertThat(n.message()).contains("4711").contains("acme"));
  }

  @Test
  void aRefusedToken_isNoLookupAtAll_namingTheSetting() {
    sentry.enqueue(json(401, "{\"detail\":\"Invalid token\"}"));

    assertThat(source().lookup("4711"))
        .as("the token, not the issue: not a 404")
        .isInstanceOfSatisfying(
            LookupUnsupported.class, n -> assertThat(n.reason()).contains("AUTOFIX_SENTRY_TOKEN"));
    sentry.enqueue(json(403, "{\"detail\":\"You do not have permission\"}"));
    assertThat(source().lookup("4711")).isInstanceOf(LookupUnsupported.class);
  }

  @Test
  void anOutage_isUnavailable_afterTheRetries() {
    sentry.enqueue(json(503, "{}"));
    sentry.enqueue(json(503, "{}"));

    assertThat(source().lookup("4711")).isInstanceOf(Unavailable.class);
    assertThat(sentry.getRequestCount()).isEqualTo(2);
  }

  @Test
  void anAnswerThatIsNoIssue_isNotFound_notADefect() {
    sentry.enqueue(json(200, "[1, 2, 3]"));
    assertThat(source().lookup("4711")).isInstanceOf(NotFound.class);
    sentry.enqueue(json(200, "{\"groupId\":\"1\"}"));
    assertThat(source().lookup("SHOP-1")).isInstanceOf(NotFound.class);
    sentry.enqueue(json(200, "{\"title\":\"no id\"}"));
    assertThat(source().lookup("4711")).isInstanceOf(NotFound.class);
  }

  @Test
  void aBadReference_neverReachesSentry() {
    assertThat(source().lookup("../../admin")).isInstanceOf(Malformed.class);
    assertThat(source().lookup("https://evil.sentry.io/issues/1/")).isInstanceOf(Malformed.class);
    assertThat(sentry.getRequestCount()).isZero();
  }

  @Test
  void withoutAToken_lookupsAreUnsupported_namingTheSetting() {
    assertThat(source(null, null).lookup("4711"))
        .isInstanceOfSatisfying(
            LookupUnsupported.class, u -> assertThat(u.reason()).contains("AUTOFIX_SENTRY_TOKEN"));
    assertThat(sentry.getRequestCount()).isZero();
  }
}
