package dev.autofix.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.port.PullRequestPublisher;
import dev.autofix.core.port.PullRequestPublisher.AlreadyOpen;
import dev.autofix.core.port.PullRequestPublisher.NothingToPropose;
import dev.autofix.core.port.PullRequestPublisher.Opened;
import dev.autofix.core.port.PullRequestPublisher.PublishRequest;
import dev.autofix.core.port.PullRequestPublisher.PublishResult;
import dev.autofix.core.port.PullRequestPublisher.Rejected;
import dev.autofix.core.port.PullRequestPublisher.Unavailable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher against a stateful fake GitHub API and a real bare git remote. */
class GitHubPullRequestPublisherIT {
  private static final OkHttpClient HTTP = new OkHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private FakeGitHub github;
  private GitRepos.Checkout checkout;
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final Clock clock = Clock.fixed(GitRepos.NOW, ZoneOffset.UTC);

  @BeforeEach
  void setUp() {
    github = new FakeGitHub("acme", "shop");
    checkout = GitRepos.checkout(dir);
  }

  @AfterEach
  void tearDown() {
    github.close();
    assertThat(github.violations()).as("requests and answers per GitHub's OpenAPI").isEmpty();
  }

  @AfterAll
  static void closeClient() {
    HTTP.dispatcher().executorService().shutdown();
    HTTP.connectionPool().evictAll();
  }

  private GitHubConfig config() {
    return GitHubConfig.of("acme", "shop")
        .withApiUrl(github.apiUrl())
        .withToken(github.validToken)
        .withPushUrl(checkout.remote().toString());
  }

  private PullRequestPublisher publisher(GitHubConfig config) {
    return GitHubPullRequestPublisher.create(config, HTTP, JSON, sleeper, clock);
  }

  private PublishResult publish() {
    return publish(config());
  }

  private PublishResult publish(GitHubConfig config) {
    PublishRequest request = GitRepos.request(checkout);
    return publisher(config).publish(request);
  }

  @Test
  void publish_pushesAndOpensDraftPullRequest_whenNoneExists() throws Exception {
    PublishResult result = publish();

    assertThat(result).isInstanceOf(Opened.class);
    var pr = ((Opened) result).pullRequest();
    assertThat(pr.draft()).isTrue();
    assertThat(pr.branch()).isEqualTo("autofix/backend-4z");
    assertThat(pr.number()).isEqualTo(486);
    assertThat(pr.url()).hasToString("https://github.com/acme/shop/pull/486");

    assertThat(GitRepos.git(checkout.remote(), "rev-parse", "refs/heads/" + checkout.branch()))
        .isEqualToIgnoringWhitespace(checkout.commit());

    JsonNode created = github.pulls().get(0);
    assertThat(created.get("draft").asBoolean()).isTrue();
    assertThat(created.get("title").asText())
        .isEqualTo(
            "fix: TypeError: Cannot read properties of undefined (reading 'total') (BACKEND-4Z)");
    assertThat(created.at("/base/ref").asText()).isEqualTo("main");
    assertThat(created.get("body").asText())
        .contains("Fixes BACKEND-4Z")
        .contains("Root cause: the cart can be undefined")
        .contains("`npm test` succeeded in 14 s")
        .contains("https://acme.sentry.io/issues/1170820242/")
        .contains("claude-code")
        .contains("4 min 23 s")
        .contains("$0.42")
        .contains("needs human review");
    assertThat(github.labelsOf(486)).containsExactly("autofix");

    RecordedRequest lookup = github.requests().get(0);
    assertThat(lookup.getMethod()).isEqualTo("GET");
    assertThat(lookup.getUrl().queryParameter("head")).isEqualTo("acme:autofix/backend-4z");
    assertThat(lookup.getUrl().queryParameter("state")).isEqualTo("all");
    for (RecordedRequest request : github.requests()) {
      assertThat(request.getHeaders().get("Accept")).isEqualTo("application/vnd.github+json");
      assertThat(request.getHeaders().get("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
      assertThat(request.getHeaders().get("Authorization"))
          .isEqualTo("Bearer " + github.validToken);
      assertThat(request.getHeaders().get("User-Agent")).isEqualTo("autofix/0.1");
    }
    JsonNode sent = JSON.readTree(requestTo("POST", "/pulls").getBody().utf8());
    assertThat(sent.get("draft").asBoolean()).isTrue();
    assertThat(sent.get("head").asText()).isEqualTo("autofix/backend-4z");
  }

  @Test
  void publish_usesTheConfiguredApiBase_whenItIsAnEnterpriseServerPath() {
    try (FakeGitHub enterprise = new FakeGitHub("acme", "shop", "/api/v3")) {
      PublishResult result = publish(config().withApiUrl(enterprise.apiUrl()));

      assertThat(result).isInstanceOf(Opened.class);
      assertThat(enterprise.requests())
          .allMatch(r -> r.getUrl().encodedPath().startsWith("/api/v3/repos/acme/shop/"));
      assertThat(enterprise.violations()).isEmpty();
    }
  }

  @Test
  void publish_opensOnePullRequest_whenCalledTwiceForOneRun() {
    PublishResult first = publish();
    PublishResult second = publish();

    assertThat(first).isInstanceOf(Opened.class);
    assertThat(second).isInstanceOf(AlreadyOpen.class);
    assertThat(((AlreadyOpen) second).pullRequest()).isEqualTo(((Opened) first).pullRequest());
    assertThat(github.pulls()).hasSize(1);
    assertThat(github.count("POST", "/pulls")).isEqualTo(1);
  }

  @Test
  void publish_replacesAnEarlierAttemptAndOpens_whenItEndedBeforeOpeningAPullRequest() {
    // the earlier attempt pushed, then ended (GitHub down, a crash) before opening its PR
    GitRepos.git(checkout.worktree(), "push", "-q", "origin", checkout.branch());
    checkout = GitRepos.retried(checkout);

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Opened.class);
    assertThat(GitRepos.git(checkout.remote(), "rev-parse", "refs/heads/" + checkout.branch()))
        .isEqualToIgnoringWhitespace(checkout.commit());
    assertThat(github.pulls()).hasSize(1);
  }

  @Test
  void publish_keepsTheOpenPullRequestAsTheRuns_whenTheEarlierAttemptCrashedAfterOpeningIt() {
    PublishResult first = publish();
    String opened = checkout.commit();
    checkout = GitRepos.retried(checkout);

    // the run never recorded the pull request: a crash between opening it and recording it
    PublishResult second = publish();

    assertThat(second).isInstanceOf(AlreadyOpen.class);
    assertThat(((AlreadyOpen) second).pullRequest()).isEqualTo(((Opened) first).pullRequest());
    assertThat(GitRepos.git(checkout.remote(), "rev-parse", "refs/heads/" + checkout.branch()))
        .isEqualToIgnoringWhitespace(opened);
    assertThat(github.pulls()).hasSize(1);
  }

  @Test
  void publish_rejects409AndKeepsTheCommit_whenARetriedRunsPullRequestIsOpenOnTheEarlierAttempt() {
    PublishResult first = publish();
    String reviewed = checkout.commit();
    checkout = GitRepos.retried(checkout);

    // an operator retried the run that recorded this pull request
    PublishResult second =
        publisher(config())
            .publish(GitRepos.request(checkout, ((Opened) first).pullRequest().url()));

    assertThat(first).isInstanceOf(Opened.class);
    assertThat(second).isInstanceOf(Rejected.class);
    assertThat(((Rejected) second).status()).isEqualTo(409);
    assertThat(((Rejected) second).message())
        .contains(((Opened) first).pullRequest().url().toString())
        .contains("close it or delete the branch");
    assertThat(GitRepos.git(checkout.remote(), "rev-parse", "refs/heads/" + checkout.branch()))
        .isEqualToIgnoringWhitespace(reviewed);
    assertThat(github.pulls()).hasSize(1);
  }

  @Test
  void publish_returnsNothingToPropose_whenTheEarlierAttemptsPullRequestWasMerged() {
    GitRepos.git(checkout.worktree(), "push", "-q", "origin", checkout.branch());
    String merged = checkout.commit();
    github.seedPull(checkout.branch(), "closed", true);
    checkout = GitRepos.retried(checkout);

    PublishResult result = publish();

    assertThat(result).isInstanceOf(NothingToPropose.class);
    assertThat(GitRepos.git(checkout.remote(), "rev-parse", "refs/heads/" + checkout.branch()))
        .isEqualToIgnoringWhitespace(merged);
  }

  @Test
  void publish_rejects409AndKeepsTheCommit_whenTheEarlierAttemptsPullRequestWasClosed() {
    GitRepos.git(checkout.worktree(), "push", "-q", "origin", checkout.branch());
    String closed = checkout.commit();
    int number = github.seedPull(checkout.branch(), "closed", false).get("number").asInt();
    checkout = GitRepos.retried(checkout);

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).status()).isEqualTo(409);
    assertThat(((Rejected) result).message())
        .contains("#" + number + " was closed without merging");
    assertThat(GitRepos.git(checkout.remote(), "rev-parse", "refs/heads/" + checkout.branch()))
        .isEqualToIgnoringWhitespace(closed);
    assertThat(github.count("POST", "/pulls")).isZero();
  }

  @Test
  void publish_usesTheMachinesCredentials_whenNoTokenIsConfigured() {
    github.validToken = null;

    PublishResult result = publish(config().withToken(null));

    assertThat(result).isInstanceOf(Opened.class);
    assertThat(github.requests()).allMatch(r -> r.getHeaders().get("Authorization") == null);
    assertThat(GitRepos.git(checkout.remote(), "rev-parse", "refs/heads/" + checkout.branch()))
        .isEqualToIgnoringWhitespace(checkout.commit());
  }

  @Test
  void publish_opensOnePullRequest_whenTwoPublishersRaceForOneBranch() throws Exception {
    PullRequestPublisher first = publisher(config());
    PullRequestPublisher second = publisher(config());
    PublishRequest request = GitRepos.request(checkout);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = pool.submit(() -> first.publish(request));
      var b = pool.submit(() -> second.publish(request));
      List<PublishResult> results =
          List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));

      assertThat(results).hasOnlyElementsOfTypes(Opened.class, AlreadyOpen.class);
      assertThat(results).filteredOn(Opened.class::isInstance).hasSize(1);
      assertThat(github.pulls()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void publish_returnsAlreadyOpen_whenTheCreateLosesARace() {
    github.seedPull(checkout.branch(), "open", false);
    // The first look-up misses it (another publisher opens it right after), so the POST gets 422.
    github.failNext("GET", "/pulls", FakeGitHub.json(200, "[]"));

    PublishResult result = publish();

    assertThat(result).isInstanceOf(AlreadyOpen.class);
    assertThat(((AlreadyOpen) result).pullRequest().number()).isEqualTo(486);
    assertThat(github.pulls()).hasSize(1);
    assertThat(github.count("GET", "/pulls")).isEqualTo(2);
  }

  @Test
  void publish_looksUpBeforeCreatingAgain_whenACreateFailedAfterCreating() {
    github.failNextAfterApplying("POST", "/pulls", FakeGitHub.error(502, "Server Error"));

    PublishResult result = publish();

    assertThat(result).isInstanceOf(AlreadyOpen.class);
    assertThat(github.pulls()).hasSize(1);
    assertThat(github.count("POST", "/pulls")).isEqualTo(1);
    assertThat(sleeper.all()).contains(Duration.ofSeconds(1));
  }

  @Test
  void publish_retriesAndOpens_whenGitHubAnswers500First() {
    github.failNext("POST", "/pulls", FakeGitHub.error(500, "Server Error"));

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Opened.class);
    assertThat(github.pulls()).hasSize(1);
    assertThat(github.count("POST", "/pulls")).isEqualTo(2);
    assertThat(github.count("GET", "/pulls")).isEqualTo(2);
  }

  @Test
  void publish_waitsForRetryAfter_whenGitHubAnswers429() {
    github.failNext(
        "GET",
        "/pulls",
        new MockResponse.Builder()
            .code(429)
            .addHeader("Retry-After", "8")
            .body(
                "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few"
                    + " minutes before you try again.\"}")
            .build());

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Opened.class);
    assertThat(sleeper.all()).startsWith(Duration.ofSeconds(8));
  }

  @Test
  void publish_waitsForTheReset_whenThePrimaryLimitIsSpent() {
    long reset = GitRepos.NOW.getEpochSecond() + 30;
    github.failNext(
        "GET",
        "/pulls",
        new MockResponse.Builder()
            .code(403)
            .addHeader("X-RateLimit-Remaining", "0")
            .addHeader("X-RateLimit-Reset", Long.toString(reset))
            .body("{\"message\":\"API rate limit exceeded for user ID 1.\"}")
            .build());

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Opened.class);
    assertThat(sleeper.all()).startsWith(Duration.ofSeconds(31));
  }

  @Test
  void publish_waitsAMinute_whenASecondaryLimitGivesNoRetryAfter() {
    github.failNext(
        "POST",
        "/pulls",
        new MockResponse.Builder()
            .code(403)
            .body(
                "{\"message\":\"You have exceeded a secondary rate limit and have been"
                    + " temporarily blocked from content creation.\"}")
            .build());

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Opened.class);
    assertThat(sleeper.all()).startsWith(Duration.ofSeconds(60));
    assertThat(github.pulls()).hasSize(1);
  }

  @Test
  void publish_isUnavailableUntilTheReset_whenTheRateLimitResetsTooLate() {
    long reset = GitRepos.NOW.getEpochSecond() + 3600;
    github.failNext(
        "GET",
        "/pulls",
        new MockResponse.Builder()
            .code(403)
            .addHeader("X-RateLimit-Remaining", "0")
            .addHeader("X-RateLimit-Reset", Long.toString(reset))
            .body("{\"message\":\"API rate limit exceeded for user ID 1.\"}")
            .build());

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Unavailable.class);
    Unavailable unavailable = (Unavailable) result;
    assertThat(unavailable.reason()).contains("403").contains("API rate limit exceeded");
    assertThat(unavailable.retryAfter()).isEqualTo(Duration.ofSeconds(3601));
    assertThat(unavailable.pushed()).isTrue();
    assertThat(sleeper.all()).as("not waited for here: the run is postponed").isEmpty();
  }

  @Test
  void publish_isUnavailableUntilRetryAfter_whenA429AsksForLongerThanTheLimit() {
    github.failNext(
        "GET",
        "/pulls",
        new MockResponse.Builder()
            .code(429)
            .addHeader("Retry-After", "3600")
            .body("{\"message\":\"You have exceeded a secondary rate limit.\"}")
            .build());

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Unavailable.class);
    assertThat(((Unavailable) result).retryAfter()).isEqualTo(Duration.ofHours(1));
    assertThat(((Unavailable) result).reason()).contains("429").contains("asked to wait PT1H");
    assertThat(sleeper.all()).isEmpty();
  }

  @Test
  void publish_isUnavailable_withTheBranchPushed_whenGitHubKeepsAnswering500() throws Exception {
    for (int i = 0; i < config().maxAttempts(); i++) {
      github.failNext("GET", "/pulls", FakeGitHub.error(500, "Server Error"));
    }

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Unavailable.class);
    Unavailable unavailable = (Unavailable) result;
    assertThat(unavailable.reason()).contains("GitHub answered 500").contains("4 times");
    assertThat(unavailable.pushed()).isTrue();
    assertThat(GitRepos.git(checkout.remote(), "rev-parse", "refs/heads/" + checkout.branch()))
        .isEqualToIgnoringWhitespace(checkout.commit());
    assertThat(github.count("GET", "/pulls")).isEqualTo(4);
    assertThat(github.pulls()).isEmpty();

    // GitHub is back: the same commit is published, and the branch is not pushed twice
    assertThat(publish()).isInstanceOf(Opened.class);
    assertThat(github.pulls()).hasSize(1);
  }

  @Test
  void publish_isUnavailable_notADefect_whenTheApiIsUnreachable() throws Exception {
    PublishResult result = publish(config().withApiUrl(closedPort("/")));

    assertThat(result).isInstanceOf(Unavailable.class);
    assertThat(((Unavailable) result).reason())
        .contains("could not be reached")
        .contains("4 tries");
    assertThat(((Unavailable) result).pushed()).isTrue();
  }

  @Test
  void publish_isUnavailable_notPushed_whenTheGitRemoteIsUnreachable() throws Exception {
    PublishResult result = publish(config().withPushUrl(closedPort("/acme/shop.git").toString()));

    assertThat(result).isInstanceOf(Unavailable.class);
    assertThat(((Unavailable) result).pushed()).isFalse();
    assertThat(((Unavailable) result).reason()).contains("could not reach").doesNotContain("ghp_");
    assertThat(github.requests()).as("the API is not called before the push").isEmpty();
  }

  @Test
  void publish_rejectsInWords_whenTheKeptCommitsRepositoryIsGone() {
    PublishRequest request = GitRepos.request(checkout);
    var patch = request.patch();
    var gone =
        new PublishRequest(
            request.run(),
            request.issue(),
            request.workspace(),
            new dev.autofix.core.model.Patch(
                patch.branch(),
                patch.commit(),
                patch.changedFiles(),
                patch.diffStat(),
                dir.resolve("wiped/git")),
            request.report(),
            request.verification(),
            request.agent(),
            request.duration());

    PublishResult result = publisher(config()).publish(gone);

    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).message()).contains("is gone").contains("retry the run");
    assertThat(github.requests()).isEmpty();
  }

  /** An address on 127.0.0.1 where nothing listens. */
  private static java.net.URI closedPort(String path) throws java.io.IOException {
    int port;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    return java.net.URI.create("http://127.0.0.1:" + port + path);
  }

  @Test
  void publish_retriesTheLookUp_whenItTimesOut() {
    github.failNext(
        "GET",
        "/pulls",
        new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).code(200).body("[]").build());
    GitHubConfig config = config();
    config =
        new GitHubConfig(
            config.apiUrl(),
            config.token(),
            config.owner(),
            config.repo(),
            config.baseBranch(),
            config.pushUrl(),
            config.labels(),
            config.reviewers(),
            config.allowNonDraftFallback(),
            config.connectTimeout(),
            Duration.ofMillis(300),
            config.callTimeout(),
            config.pushTimeout(),
            config.maxAttempts(),
            config.maxRateLimitWait(),
            config.userAgent(),
            config.apiVersion(),
            config.publish());

    PublishResult result = publish(config);

    assertThat(result).isInstanceOf(Opened.class);
    assertThat(github.count("GET", "/pulls")).isEqualTo(2);
  }

  @Test
  void publish_retriesOnce_whenGitHubDoesNotSeeThePushedBranchYet() {
    github.failNext(
        "POST",
        "/pulls",
        FakeGitHub.json(
            422,
            "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"PullRequest\","
                + "\"field\":\"head\",\"code\":\"invalid\"}]}"));

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Opened.class);
    assertThat(sleeper.all()).startsWith(Duration.ofSeconds(2));
  }

  @Test
  void publish_rejects422_whenTheHeadStaysInvalid() {
    String invalidHead =
        "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"PullRequest\","
            + "\"field\":\"head\",\"code\":\"invalid\"}]}";
    github.failNext("POST", "/pulls", FakeGitHub.json(422, invalidHead));
    github.failNext("POST", "/pulls", FakeGitHub.json(422, invalidHead));

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).status()).isEqualTo(422);
    assertThat(((Rejected) result).message()).contains("head invalid");
  }

  @Test
  void publish_rejectsWithGitHubsMessage_whenDraftsAreUnsupported() {
    github.draftsAllowed = false;

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).status()).isEqualTo(422);
    assertThat(((Rejected) result).message())
        .contains("Draft pull requests are not supported in this repository.")
        .contains("AUTOFIX_GITHUB_ALLOW_NON_DRAFT");
    assertThat(github.pulls()).isEmpty();
  }

  @Test
  void publish_opensALabelledReadyPullRequest_whenDraftsAreUnsupportedAndFallbackIsOn() {
    github.draftsAllowed = false;
    GitHubConfig config = config().withPullRequestOptions(List.of("autofix"), List.of(), true);

    PublishResult result = publish(config);

    assertThat(result).isInstanceOf(Opened.class);
    assertThat(((Opened) result).pullRequest().draft()).isFalse();
    JsonNode pull = github.pulls().get(0);
    assertThat(pull.get("title").asText()).startsWith("[autofix] fix: ");
    assertThat(github.labelsOf(pull.get("number").asInt()))
        .containsExactlyInAnyOrder("autofix", GitHubConfig.MEANT_AS_DRAFT_LABEL);
  }

  @Test
  void publish_returnsNothingToPropose_whenTheBranchHasNoCommits() {
    github.branchesWithoutCommits.add(checkout.branch());

    PublishResult result = publish();

    assertThat(result).isInstanceOf(NothingToPropose.class);
    assertThat(((NothingToPropose) result).reason())
        .contains("No commits between main and autofix/backend-4z");
  }

  @Test
  void publish_returnsNothingToPropose_whenItsPullRequestWasMerged() {
    github.seedPull(checkout.branch(), "closed", true);

    PublishResult result = publish();

    assertThat(result).isInstanceOf(NothingToPropose.class);
    assertThat(github.count("POST", "/pulls")).isZero();
  }

  @Test
  void publish_rejects401_whenTheTokenIsBad() {
    PublishResult result = publish(config().withToken("ghp_wrong"));

    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).status()).isEqualTo(401);
    assertThat(((Rejected) result).message()).contains("Bad credentials").doesNotContain("ghp_");
  }

  @Test
  void publish_rejects403WithTheMissingPermission_whenTheTokenLacksIt() {
    github.missingPermission = "pull_requests=write";

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).status()).isEqualTo(403);
    assertThat(((Rejected) result).message())
        .contains("Resource not accessible by personal access token")
        .contains("pull_requests=write");
  }

  @Test
  void publish_rejects404_whenTheRepositoryIsMissing() {
    github.repoExists = false;

    PublishResult result = publish();

    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).status()).isEqualTo(404);
    assertThat(((Rejected) result).message()).contains("Not Found").contains("acme/shop");
  }

  @Test
  void publish_requestsReviewers_whenConfigured() {
    GitHubConfig config =
        config().withPullRequestOptions(List.of("autofix", "bot"), List.of("alice"), false);

    PublishResult result = publish(config);

    int number = ((Opened) result).pullRequest().number();
    assertThat(github.reviewersOf(number)).containsExactly("alice");
    assertThat(github.labelsOf(number)).containsExactlyInAnyOrder("autofix", "bot");
  }

  private RecordedRequest requestTo(String method, String suffix) {
    return github.requests().stream()
        .filter(r -> r.getMethod().equals(method) && r.getUrl().encodedPath().endsWith(suffix))
        .findFirst()
        .orElseThrow();
  }
}
