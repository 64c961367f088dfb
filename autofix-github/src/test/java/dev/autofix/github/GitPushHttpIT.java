package dev.autofix.github;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.port.PullRequestPublisher.Opened;
import dev.autofix.core.port.PullRequestPublisher.PublishResult;
import dev.autofix.core.port.PullRequestPublisher.Rejected;
import dev.autofix.github.internal.GitPush;
import dev.autofix.github.internal.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The push path with a token, for real: git pushes over smart HTTP to {@code git http-backend} on
 * 127.0.0.1, which accepts only the token; afterwards the token is nowhere on disk or in the logs.
 */
class GitPushHttpIT {
  private static final String TOKEN = "ghp_httpRemoteToken0123456789abcdef";

  @TempDir Path dir;

  private GitHttpRemote remote;
  private GitRepos.Checkout checkout;
  private Path served;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.autofix");

  @BeforeEach
  void setUp() {
    checkout = GitRepos.checkout(dir.resolve("local"));
    served = dir.resolve("served");
    GitRepos.git(
        dir, "init", "-q", "--bare", "-b", "main", served.resolve("acme/shop.git").toString());
    remote = new GitHttpRemote(served, TOKEN);
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logs);
    remote.close();
  }

  @Test
  void publish_pushesWithTheTokenFromTheEnvironmentOnly_whenTheRemoteIsHttp() throws Exception {
    // The worktree's own remote points at the HTTP server: the header is scoped to its host.
    GitRepos.git(checkout.worktree(), "remote", "set-url", "origin", remote.url("acme", "shop"));
    try (FakeGitHub github = new FakeGitHub("acme", "shop")) {
      github.validToken = TOKEN;
      GitHubConfig config =
          GitHubConfig.of("acme", "shop").withApiUrl(github.apiUrl()).withToken(TOKEN);
      OkHttpClient http = new OkHttpClient();
      PublishResult result =
          GitHubPullRequestPublisher.create(
                  config,
                  http,
                  new ObjectMapper(),
                  new RecordingSleeper(),
                  Clock.fixed(GitRepos.NOW, ZoneOffset.UTC))
              .publish(GitRepos.request(checkout));
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();

      assertThat(result).isInstanceOf(Opened.class);
      assertThat(github.pulls().get(0).get("body").asText()).doesNotContain(TOKEN);
    }
    assertThat(remote.users()).isNotEmpty().allMatch("x-access-token"::equals);
    Path bare = served.resolve("acme/shop.git");
    assertThat(GitRepos.git(bare, "rev-parse", "refs/heads/" + checkout.branch()))
        .isEqualToIgnoringWhitespace(checkout.commit());
    assertNoTokenIn(checkout.worktree().resolve(".git"));
    assertNoTokenIn(bare);
    assertThat(loggedText()).contains("pushed autofix/backend-4z").doesNotContain(TOKEN);
    assertThat(loggedText()).doesNotContain(Redactor.basicCredentials(TOKEN));
  }

  @Test
  void push_reportsUpToDate_whenTheBranchIsPushedAgain() {
    GitPush push = push(remote.url("acme", "shop"), TOKEN);

    GitPush.Outcome first = push.push(checkout.worktree(), checkout.branch());
    GitPush.Outcome second = push.push(checkout.worktree(), checkout.branch());

    assertThat(first).isInstanceOf(GitPush.Pushed.class);
    assertThat(((GitPush.Pushed) first).summary()).isEqualTo("[new branch]");
    assertThat(((GitPush.Pushed) second).summary()).isEqualTo("[up to date]");
    assertThat(((GitPush.Pushed) first).output()).doesNotContain(TOKEN);
  }

  @Test
  void push_refuses401WithoutTheToken_whenTheTokenIsWrong() {
    String wrong = "ghp_wrongToken999";
    GitPush.Outcome outcome =
        push(remote.url("acme", "shop"), wrong).push(checkout.worktree(), checkout.branch());

    assertThat(outcome).isInstanceOf(GitPush.Refused.class);
    GitPush.Refused refused = (GitPush.Refused) outcome;
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.message()).doesNotContain(wrong).contains("refused the token");
    assertThat(refused.output()).doesNotContain(wrong);
    assertThat(loggedText()).doesNotContain(wrong);
  }

  @Test
  void push_failsFastWithoutAPrompt_whenNoTokenIsConfiguredAndTheRemoteWantsOne() {
    GitPush.Outcome outcome =
        push(remote.url("acme", "shop"), null).push(checkout.worktree(), checkout.branch());

    assertThat(outcome).isInstanceOf(GitPush.Refused.class);
    assertThat(((GitPush.Refused) outcome).status()).isEqualTo(401);
  }

  @Test
  void publish_rejects409_whenTheRemoteBranchMovedOn() {
    String url = remote.url("acme", "shop");
    GitRepos.git(checkout.worktree(), "remote", "set-url", "origin", url);
    assertThat(push(url, TOKEN).push(checkout.worktree(), checkout.branch()))
        .isInstanceOf(GitPush.Pushed.class);
    // The run's commit is replaced by another one: pushing that is not a fast-forward.
    GitRepos.git(checkout.worktree(), "commit", "-q", "--amend", "-m", "another fix");

    GitPush.Outcome outcome = push(url, TOKEN).push(checkout.worktree(), checkout.branch());

    assertThat(outcome).isInstanceOf(GitPush.Refused.class);
    assertThat(((GitPush.Refused) outcome).status()).isEqualTo(409);
    assertThat(((GitPush.Refused) outcome).message()).contains("never force-pushes");
    PublishResult mapped =
        new Rejected(((GitPush.Refused) outcome).status(), ((GitPush.Refused) outcome).message());
    assertThat(mapped.toString()).doesNotContain(TOKEN);
  }

  private static GitPush push(String url, String token) {
    return new GitPush(
        new GitPush.Settings(url, token, Duration.ofSeconds(60), 2), new RecordingSleeper());
  }

  private String loggedText() {
    return logs.list.stream()
        .map(
            e ->
                e.getFormattedMessage()
                    + " "
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage()))
        .collect(Collectors.joining("\n"));
  }

  private static void assertNoTokenIn(Path gitDir) throws IOException {
    String basic = Redactor.basicCredentials(TOKEN);
    try (Stream<Path> files = Files.walk(gitDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String text =
            new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).as(file.toString()).doesNotContain(TOKEN).doesNotContain(basic);
      }
    }
  }
}
