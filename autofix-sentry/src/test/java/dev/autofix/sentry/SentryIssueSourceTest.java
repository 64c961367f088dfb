package dev.autofix.sentry;

import static dev.autofix.sentry.Fixtures.SECRET;
import static dev.autofix.sentry.Fixtures.bytes;
import static dev.autofix.sentry.Fixtures.signed;
import static dev.autofix.sentry.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.Delivery;
import dev.autofix.core.model.ErrorDetails;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import dev.autofix.core.model.PullRequestRef;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.IssueSource.BadSignature;
import dev.autofix.core.port.IssueSource.Ignored;
import dev.autofix.core.port.IssueSource.Malformed;
import dev.autofix.core.port.IssueSource.ReceiveResult;
import dev.autofix.core.port.IssueSource.Received;
import dev.autofix.core.port.IssueSource.TooLarge;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class SentryIssueSourceTest {
  private static final OkHttpClient HTTP = new OkHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final IssueSource source = source(SentryConfig.withClientSecret(SECRET));

  private static IssueSource source(SentryConfig config) {
    return SentryIssueSource.create(config, HTTP, JSON);
  }

  private static SentryConfig config(
      boolean legacy, Set<String> projects, Level level, Set<String> environments) {
    return new SentryConfig(
        new SentryConfig.Secret(SECRET),
        null,
        null,
        null,
        SentryConfig.DEFAULT_MAX_BODY_BYTES,
        legacy,
        legacy ? new SentryConfig.Secret("legacy-shared-secret") : null,
        projects,
        level,
        environments,
        null,
        null,
        null,
        3,
        null,
        null);
  }

  private static Issue received(ReceiveResult result) {
    assertThat(result).isInstanceOf(Received.class);
    return ((Received) result).issue();
  }

  @Test
  void receive_parsesIssue_whenIssueCreatedArrivesAsOnTheWire() {
    Issue issue = received(source.receive(signed("issue", bytes("issue-created.body.json"))));

    assertThat(issue.id()).isEqualTo(new IssueId("sentry", "1170820242"));
    assertThat(issue.shortId()).isEqualTo("FRONT-END-9");
    assertThat(issue.project()).isEqualTo("front-end");
    assertThat(issue.title()).isEqualTo("ReferenceError: blooopy is not defined");
    assertThat(issue.culprit()).isEqualTo("?(runner)");
    assertThat(issue.level()).isEqualTo(Level.ERROR);
    assertThat(issue.permalink()).isNull();
    assertThat(issue.firstSeen()).isEqualTo(Instant.parse("2019-08-19T20:58:37.391Z"));
    assertThat(issue.eventCount()).isEqualTo(1);
  }

  /**
   * The issue resource's other actions, signed like {@code created}. No payload of them is recorded
   * in the fixtures; these are {@code issue.created}'s with the action Sentry's documentation names
   * (resolved, ignored, archived, unresolved): the same {@code data.issue}.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "resolved, RESOLVED",
    "ignored, IGNORED",
    "archived, IGNORED",
    "unresolved, UNRESOLVED"
  })
  void receive_readsWhatHappenedToTheIssue_fromTheIssueResourcesOtherActions(
      String action, IssueSource.Change change) {
    String body =
        new String(bytes("issue-created.body.json"), java.nio.charset.StandardCharsets.UTF_8)
            .replace("\"action\":\"created\"", "\"action\":\"" + action + "\"");

    assertThat(
            source.receive(signed("issue", body.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
        .isEqualTo(new IssueSource.Changed(new IssueId("sentry", "1170820242"), change));
  }

  @Test
  void receive_isMalformed_whenAResolvedIssueHasNoId() {
    String body = "{\"action\":\"resolved\",\"data\":{\"issue\":{\"title\":\"x\"}}}";
    assertThat(
            source.receive(signed("issue", body.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
        .isInstanceOf(IssueSource.Malformed.class);
  }

  @Test
  void receive_parsesIssue_whenIssueCreatedIsPrettyPrinted() {
    Issue issue = received(source.receive(signed("issue", bytes("issue-created.json"))));

    assertThat(issue.id().value()).isEqualTo("1170820242");
  }

  @Test
  void receive_readsPlusZeroOffset_likeZ() {
    String body =
        text("issue-created.body.json")
            .replace(
                "\"firstSeen\":\"2019-08-19T20:58:37.391000Z\"",
                "\"firstSeen\":\"2019-08-19T20:58:37.391000+00:00\"")
            .replace(
                "\"permalink\":null",
                "\"permalink\":null,\"web_url\":\"https://sentry.io/organizations/o/issues/1/\"");

    Issue issue = received(source.receive(signed("issue", body)));

    assertThat(issue.firstSeen()).isEqualTo(Instant.parse("2019-08-19T20:58:37.391Z"));
    assertThat(issue.permalink())
        .isEqualTo(URI.create("https://sentry.io/organizations/o/issues/1/"));
  }

  @Test
  void receive_parsesIssue_whenEventAlertTriggered() {
    Issue issue =
        received(source.receive(signed("event_alert", bytes("event-alert-triggered.body.json"))));

    assertThat(issue.id()).isEqualTo(new IssueId("sentry", "1117540176"));
    assertThat(issue.shortId()).isEqualTo("1117540176");
    assertThat(issue.project()).isEqualTo("front-end");
    assertThat(issue.title()).isEqualTo("ReferenceError: heck is not defined");
    assertThat(issue.culprit()).isEqualTo("?(<anonymous>)");
    assertThat(issue.level()).isEqualTo(Level.ERROR);
    assertThat(issue.permalink())
        .isEqualTo(URI.create("https://sentry.io/organizations/test-org/issues/1117540176/"));
    assertThat(issue.firstSeen()).isNull();
    assertThat(issue.eventCount()).isEqualTo(1);
  }

  @Test
  void receive_parsesIssue_whenErrorCreated() {
    Issue issue = received(source.receive(signed("error", bytes("error-created.json"))));

    assertThat(issue.id()).isEqualTo(new IssueId("sentry", "1170820242"));
    assertThat(issue.project()).isEqualTo("front-end");
    assertThat(issue.title()).isEqualTo("ReferenceError: blooopy is not defined");
    assertThat(issue.culprit()).isEqualTo("?(runner)");
    assertThat(issue.permalink())
        .isEqualTo(URI.create("https://sentry.io/organizations/test-org/issues/1170820242/"));
  }

  @Test
  void receive_returnsIgnored_forCommentAndSeerResources() {
    assertThat(source.receive(signed("comment", bytes("comment-created.json"))))
        .isEqualTo(new Ignored("comment.created does not ask for a fix"));
    assertThat(source.receive(signed("comment", bytes("nonascii-comment.body.json"))))
        .isInstanceOf(Ignored.class);
    assertThat(source.receive(signed("seer", bytes("seer-pr-created.json"))))
        .isEqualTo(new Ignored("seer.pr_created does not ask for a fix"));
    assertThat(source.receive(signed("seer", bytes("seer-root-cause-completed.json"))))
        .isEqualTo(new Ignored("seer.root_cause_completed does not ask for a fix"));
  }

  @Test
  void receive_returnsIgnored_forOtherActionsAndUnknownResources() {
    String assigned =
        text("issue-created.body.json")
            .replace("\"action\":\"created\"", "\"action\":\"assigned\"");
    assertThat(source.receive(signed("issue", assigned)))
        .isEqualTo(new Ignored("issue.assigned does not ask for a fix"));
    assertThat(source.receive(signed("installation", "{\"action\":\"created\",\"data\":{}}")))
        .isEqualTo(new Ignored("installation.created does not ask for a fix"));
    assertThat(source.receive(signed("no_such_resource", "{\"action\":\"x\"}")))
        .isInstanceOf(Ignored.class);
  }

  @Test
  void receive_returnsBadSignature_whenBodyAlteredByOneByte() {
    byte[] body = bytes("issue-created.body.json");
    Delivery genuine = signed("issue", body);
    byte[] altered = body.clone();
    altered[100] ^= 1;

    ReceiveResult result = source.receive(new Delivery(genuine.headers(), altered));

    assertThat(result).isInstanceOf(BadSignature.class);
  }

  @Test
  void receive_returnsBadSignature_whenSignatureHeaderMissing() {
    Map<String, String> headers =
        new HashMap<>(signed("issue", bytes("issue-created.body.json")).headers());
    headers.remove("sentry-hook-signature");

    ReceiveResult result = source.receive(new Delivery(headers, bytes("issue-created.body.json")));

    assertThat(result).isEqualTo(new BadSignature("missing Sentry-Hook-Signature header"));
  }

  @Test
  void receive_returnsBadSignature_whenSignedWithAnotherSecret() {
    ReceiveResult result =
        source.receive(signed("issue", bytes("issue-created.body.json"), "another-secret"));

    assertThat(result).isInstanceOf(BadSignature.class);
  }

  @Test
  void receive_returnsMalformed_whenBodyEmpty() {
    assertThat(source.receive(signed("issue", new byte[0]))).isEqualTo(new Malformed("empty body"));
  }

  @Test
  void receive_returnsMalformed_whenJsonTruncated() {
    byte[] body = bytes("issue-created.body.json");
    byte[] truncated = Arrays.copyOf(body, body.length / 2);

    assertThat(source.receive(signed("issue", truncated))).isInstanceOf(Malformed.class);
  }

  @Test
  void receive_returnsMalformed_whenJsonIsAnArrayOrScalarOrHasTrailingData() {
    assertThat(source.receive(signed("issue", "[{\"action\":\"created\"}]")))
        .isInstanceOf(Malformed.class);
    assertThat(source.receive(signed("issue", "42"))).isInstanceOf(Malformed.class);
    assertThat(source.receive(signed("issue", "null"))).isInstanceOf(Malformed.class);
    assertThat(source.receive(signed("issue", "{} {}"))).isInstanceOf(Malformed.class);
  }

  @Test
  void receive_returnsTooLarge_beforeParsing_whenBodyIsTenMebibytes() {
    byte[] body = new byte[10 * 1024 * 1024];
    Arrays.fill(body, (byte) '[');

    assertThat(source.receive(signed("issue", body)))
        .isEqualTo(new TooLarge(SentryConfig.DEFAULT_MAX_BODY_BYTES));
  }

  @Test
  void receive_returnsMalformed_whenContentTypeIsNotJson() {
    byte[] body = bytes("issue-created.body.json");
    Map<String, String> headers = new HashMap<>(signed("issue", body).headers());
    headers.put("content-type", "text/plain");

    assertThat(source.receive(new Delivery(headers, body)))
        .isEqualTo(new Malformed("content type text/plain is not application/json"));
  }

  @Test
  void receive_acceptsJsonWithCharset() {
    byte[] body = bytes("issue-created.body.json");
    Map<String, String> headers = new HashMap<>(signed("issue", body).headers());
    headers.put("content-type", "application/json; charset=utf-8");

    assertThat(source.receive(new Delivery(headers, body))).isInstanceOf(Received.class);
  }

  @Test
  void receive_returnsMalformed_whenResourceHeaderMissing() {
    byte[] body = bytes("issue-created.body.json");
    Map<String, String> headers = new HashMap<>(signed("issue", body).headers());
    headers.remove("sentry-hook-resource");

    assertThat(source.receive(new Delivery(headers, body)))
        .isEqualTo(new Malformed("missing Sentry-Hook-Resource header"));
  }

  @Test
  void receive_returnsMalformed_whenIssueIdOrActionMissingOrLevelUnknown() {
    String noId = text("issue-created.body.json").replace("\"id\":\"1170820242\",", "");
    String noAction = text("issue-created.body.json").replace("\"action\":\"created\",", "");
    String badLevel =
        text("issue-created.body.json").replace("\"level\":\"error\"", "\"level\":\"loud\"");
    String badDate =
        text("issue-created.body.json").replace("2019-08-19T20:58:37.391000Z", "yesterday");

    assertThat(source.receive(signed("issue", noId)))
        .isEqualTo(new Malformed("issue.created: issue has no id"));
    assertThat(source.receive(signed("issue", noAction)))
        .isEqualTo(new Malformed("payload has no action"));
    assertThat(source.receive(signed("issue", badLevel))).isInstanceOf(Malformed.class);
    assertThat(source.receive(signed("issue", badDate))).isInstanceOf(Malformed.class);
    assertThat(source.receive(signed("event_alert", "{\"action\":\"triggered\",\"data\":{}}")))
        .isEqualTo(new Malformed("event_alert.triggered: data.event is missing"));
  }

  @Test
  void receive_neverThrows_forRandomSignedBytes() {
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] body = new byte[random.nextInt(300)];
      random.nextBytes(body);
      String resource = i % 2 == 0 ? "issue" : "event_alert";

      assertThat(source.receive(signed(resource, body))).isNotNull();
    }
  }

  @Test
  void receive_parsesLegacyPayload_whenEnabledAndSecretMatches() {
    IssueSource legacy = source(config(true, Set.of(), null, Set.of()));
    Map<String, String> headers =
        Map.of(
            "Content-Type",
            "application/json",
            SentryConfig.LEGACY_SECRET_HEADER,
            "legacy-shared-secret");

    Issue issue =
        received(legacy.receive(new Delivery(headers, bytes("legacy-webhook-plugin.json"))));

    assertThat(issue.id()).isEqualTo(new IssueId("sentry", "1385042923"));
    assertThat(issue.project()).isEqualTo("meow");
    assertThat(issue.title()).isEqualTo("ReferenceError: hello is not defined");
    assertThat(issue.culprit()).isEqualTo("?(runner)");
    assertThat(issue.level()).isEqualTo(Level.ERROR);
    assertThat(issue.permalink())
        .isEqualTo(URI.create("https://sentry.io/organizations/meredith/issues/1385042923/"));
  }

  @Test
  void receive_returnsBadSignature_forLegacyPayload_whenDisabledOrSecretWrongOrMissing() {
    byte[] body = bytes("legacy-webhook-plugin.json");
    IssueSource legacy = source(config(true, Set.of(), null, Set.of()));

    assertThat(
            source.receive(
                new Delivery(
                    Map.of(SentryConfig.LEGACY_SECRET_HEADER, "legacy-shared-secret"), body)))
        .isInstanceOf(BadSignature.class);
    assertThat(
            legacy.receive(new Delivery(Map.of(SentryConfig.LEGACY_SECRET_HEADER, "guess"), body)))
        .isEqualTo(new BadSignature("legacy webhook with a wrong shared secret"));
    assertThat(legacy.receive(new Delivery(Map.of("Content-Type", "application/json"), body)))
        .isInstanceOf(BadSignature.class);
  }

  @Test
  void receive_returnsIgnored_whenProjectNotAllowed() {
    IssueSource filtered = source(config(false, Set.of("backend"), null, Set.of()));

    ReceiveResult result = filtered.receive(signed("issue", bytes("issue-created.body.json")));

    assertThat(result).isInstanceOf(Ignored.class);
    assertThat(((Ignored) result).reason())
        .contains("project front-end is not in the allowed projects");
  }

  @Test
  void receive_returnsReceived_whenProjectAllowed() {
    IssueSource filtered = source(config(false, Set.of("front-end"), null, Set.of()));

    assertThat(filtered.receive(signed("event_alert", bytes("event-alert-triggered.body.json"))))
        .isInstanceOf(Received.class);
  }

  @Test
  void receive_returnsIgnored_whenLevelBelowMinimum() {
    IssueSource filtered = source(config(false, Set.of(), Level.FATAL, Set.of()));

    ReceiveResult result = filtered.receive(signed("issue", bytes("issue-created.body.json")));

    assertThat(result).isEqualTo(new Ignored("filtered: level error is below fatal"));
  }

  @Test
  void receive_filtersOnEnvironment_whenPayloadNamesOne() {
    IssueSource filtered = source(config(false, Set.of(), null, Set.of("production")));
    String staging =
        text("error-created.json")
            .replace(
                "[\"level\", \"error\"]", "[\"level\", \"error\"], [\"environment\", \"staging\"]");
    String production = staging.replace("\"staging\"", "\"production\"");

    ReceiveResult stagingResult = filtered.receive(signed("error", staging));

    assertThat(stagingResult).isInstanceOf(Ignored.class);
    assertThat(((Ignored) stagingResult).reason()).contains("environment staging");
    assertThat(filtered.receive(signed("error", production))).isInstanceOf(Received.class);
    // issue.created carries no environment: it passes
    assertThat(filtered.receive(signed("issue", bytes("issue-created.body.json"))))
        .isInstanceOf(Received.class);
  }

  @Test
  void fetch_returnsNoDetails_whenNoTokenConfigured() {
    Issue issue = received(source.receive(signed("issue", bytes("issue-created.body.json"))));

    assertThat(source.fetch(issue)).isEqualTo(new IssueSource.Found(ErrorDetails.none()));
  }

  @Test
  void postFeedback_returnsSkipped_whenNoTokenConfigured() {
    Issue issue = received(source.receive(signed("issue", bytes("issue-created.body.json"))));
    var feedback =
        new IssueSource.PullRequestOpened(
            new PullRequestRef(URI.create("https://github.com/o/r/pull/1"), 1, "autofix/x", true),
            "fix");

    assertThat(source.postFeedback(issue, feedback))
        .isEqualTo(new IssueSource.Skipped("no Sentry API token configured"));
  }

  @Test
  void name_isSentry() {
    assertThat(source.name()).isEqualTo("sentry");
  }
}
