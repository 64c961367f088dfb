package dev.autofix.github;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.FixCommits;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.port.PullRequestPublisher.Opened;
import dev.autofix.core.port.PullRequestPublisher.PublishResult;
import dev.autofix.core.port.PullRequestPublisher.Rejected;
import dev.autofix.github.internal.GitPush;
import dev.autofix.github.internal.Redactor;
import dev.autofix.testkit.GitHttpRemote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
    try (FakeGitHub github = new FakeGitHub("acme", "shop")) {
      github.validToken = TOKEN;
      GitHubConfig config =
          GitHubConfig.of("acme", "shop")
              .withApiUrl(github.apiUrl())
              .withToken(TOKEN)
              .withPushUrl(remote.url("acme", "shop"));
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

    GitPush.Outcome first =
        push.push(GitRepos.gitDir(checkout), GitRepos.tip(checkout), checkout.branch());
    GitPush.Outcome second =
        push.push(GitRepos.gitDir(checkout), GitRepos.tip(checkout), checkout.branch());

    assertThat(first).isInstanceOf(GitPush.Pushed.class);
    assertThat(((GitPush.Pushed) first).summary()).isEqualTo("[new branch]");
    assertThat(((GitPush.Pushed) second).summary()).isEqualTo("[up to date]");
    assertThat(((GitPush.Pushed) first).output()).doesNotContain(TOKEN);
  }

  @Test
  void push_refuses401WithoutTheToken_whenTheTokenIsWrong() {
    String wrong = "ghp_wrongToken999";
    GitPush.Outcome outcome =
        push(remote.url("acme", "shop"), wrong)
            .push(GitRepos.gitDir(checkout), GitRepos.tip(checkout), checkout.branch());

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
        push(remote.url("acme", "shop"), null)
            .push(GitRepos.gitDir(checkout), GitRepos.tip(checkout), checkout.branch());

    assertThat(outcome).isInstanceOf(GitPush.Refused.class);
    assertThat(((GitPush.Refused) outcome).status()).isEqualTo(401);
  }

  @Test
  void push_reportsAnEarlierAttemptAndReplacesIt_whenARetryMeetsItsOwnCommit() {
    String url = remote.url("acme", "shop");
    GitRepos.git(checkout.worktree(), "remote", "set-url", "origin", url);
    String earlier = checkout.commit();
    assertThat(
            push(url, TOKEN)
                .push(GitRepos.gitDir(checkout), GitRepos.tip(checkout), checkout.branch()))
        .isInstanceOf(GitPush.Pushed.class);
    GitRepos.Checkout retry = GitRepos.retried(checkout);

    GitPush.Outcome outcome =
        push(url, TOKEN).push(GitRepos.gitDir(retry), GitRepos.tip(retry), retry.branch());

    assertThat(outcome).isInstanceOf(GitPush.EarlierAttempt.class);
    GitPush.EarlierAttempt attempt = (GitPush.EarlierAttempt) outcome;
    assertThat(attempt.remoteCommit()).isEqualTo(earlier);
    assertThat(attempt.message()).contains("earlier attempt").doesNotContain(TOKEN);
    assertThat(remoteTip()).isEqualTo(earlier);
    // the comparison's ref does not stay behind in the user's repository
    assertThat(GitRepos.git(retry.worktree(), "for-each-ref", "refs/autofix/")).isBlank();

    GitPush.Outcome replaced =
        push(url, TOKEN)
            .replace(
                GitRepos.gitDir(retry),
                GitRepos.tip(retry),
                retry.branch(),
                attempt.remoteCommit());

    assertThat(replaced).isInstanceOf(GitPush.Pushed.class);
    assertThat(((GitPush.Pushed) replaced).summary()).contains("forced update");
    assertThat(remoteTip()).isEqualTo(retry.commit());
    assertThat(loggedText()).doesNotContain(TOKEN);
  }

  @Test
  void push_refuses409_whenSomeoneElseCommittedOnTheBranch() {
    String url = remote.url("acme", "shop");
    GitRepos.git(checkout.worktree(), "remote", "set-url", "origin", url);
    assertThat(
            push(url, TOKEN)
                .push(GitRepos.gitDir(checkout), GitRepos.tip(checkout), checkout.branch()))
        .isInstanceOf(GitPush.Pushed.class);
    String reviewers = pushByAReviewer(url);
    GitRepos.Checkout retry = GitRepos.retried(checkout);

    GitPush.Outcome outcome =
        push(url, TOKEN).push(GitRepos.gitDir(retry), GitRepos.tip(retry), retry.branch());

    assertThat(refused409(outcome))
        .contains("is not one commit on this attempt's history")
        .contains("delete the remote branch");
    assertThat(remoteTip()).isEqualTo(reviewers);
    // pushed and fetched by URL: no remote-tracking branch of anyone's moved
    assertThat(GitRepos.git(checkout.worktree(), "for-each-ref", "refs/remotes/origin/autofix/"))
        .isBlank();
    assertThat(GitRepos.git(retry.worktree(), "for-each-ref", "refs/autofix/")).isBlank();
    PublishResult mapped =
        new Rejected(((GitPush.Refused) outcome).status(), ((GitPush.Refused) outcome).message());
    assertThat(mapped.toString()).doesNotContain(TOKEN);
  }

  @Test
  void push_refuses409_whenSomeoneElseAmendedTheEarlierCommit() {
    // the author stays autofix's, the committer is the one who amended it
    assertRefusedOver(
        () ->
            GitRepos.gitAs(
                "Ada Reviewer",
                "ada@example.com",
                checkout.worktree(),
                "commit",
                "-q",
                "--amend",
                "--no-edit"));
  }

  @Test
  void push_refuses409_whenTheEarlierCommitHasAnotherAuthor() {
    // committed by autofix's identity, written by someone else
    assertRefusedOver(() -> amendTheFix("--author=Ada Reviewer <ada@example.com>", "--no-edit"));
  }

  @Test
  void push_refuses409_whenTheRemoteCommitIsAMerge() {
    // a merge by autofix's identity whose first parent is the base: not one plain commit
    assertRefusedOver(
        () -> {
          GitRepos.git(checkout.worktree(), "checkout", "-q", "-b", "side", "main");
          GitRepos.write(checkout.worktree().resolve("side.txt"), "side\n");
          GitRepos.git(checkout.worktree(), "add", "side.txt");
          GitRepos.git(checkout.worktree(), "commit", "-q", "-m", "side");
          GitRepos.git(checkout.worktree(), "checkout", "-q", "-B", checkout.branch(), "main");
          GitRepos.git(
              checkout.worktree(),
              "merge",
              "-q",
              "--no-ff",
              "-m",
              "merge side",
              "-m",
              GitRepos.TRAILER,
              "side");
        });
  }

  @Test
  void push_refuses409_whenTheEarlierCommitIsForAnotherIssue() {
    // autofix's identity, another issue's trailer (two short ids cut to one branch name)
    assertRefusedOver(
        () ->
            amendTheFix(
                "-m",
                "fix: another issue",
                "-m",
                FixCommits.issueTrailer(new IssueId("sentry", "999"))));
  }

  @Test
  void push_refuses409_whenTheEarlierCommitHasNoIssueTrailer() {
    assertRefusedOver(() -> amendTheFix("-m", "fix: without a trailer"));
  }

  @Test
  void push_refuses409SayingWhy_whenTheRemoteBranchCannotBeFetchedToCompare() {
    // the plain local remote, whose branches fetches cannot see (pushes still can)
    GitRepos.git(checkout.remote(), "config", "uploadpack.hideRefs", "refs/heads/");
    assertThat(
            push(checkout.remote().toString(), null)
                .push(GitRepos.gitDir(checkout), GitRepos.tip(checkout), checkout.branch()))
        .isInstanceOf(GitPush.Pushed.class);
    GitRepos.Checkout retry = GitRepos.retried(checkout);

    GitPush.Outcome outcome =
        push(checkout.remote().toString(), null)
            .push(GitRepos.gitDir(retry), GitRepos.tip(retry), retry.branch());

    assertThat(refused409(outcome))
        .contains("could not be fetched to compare")
        .contains("delete the remote branch");
    assertThat(GitRepos.git(checkout.remote(), "rev-parse", "refs/heads/" + checkout.branch()))
        .isEqualToIgnoringWhitespace(checkout.commit());
  }

  /** Asserts {@code outcome} is a 409 refusal; returns its message. */
  private static String refused409(GitPush.Outcome outcome) {
    assertThat(outcome).isInstanceOf(GitPush.Refused.class);
    assertThat(((GitPush.Refused) outcome).status()).isEqualTo(409);
    return ((GitPush.Refused) outcome).message();
  }

  /** {@code git commit -q --amend <options>} on the fix commit, as autofix's identity. */
  private void amendTheFix(String... options) {
    List<String> args = new ArrayList<>(List.of("commit", "-q", "--amend"));
    args.addAll(List.of(options));
    GitRepos.git(checkout.worktree(), args.toArray(String[]::new));
  }

  /** The remote branch as {@code shape} leaves it, then a retry: refused, the remote unchanged. */
  private void assertRefusedOver(Runnable shape) {
    assertRefusedOver(shape, () -> {});
  }

  /**
   * The fix branch as {@code beforePush} leaves it, pushed, the remote branch as {@code afterPush}
   * leaves it, then a retry: refused, the remote unchanged.
   */
  private void assertRefusedOver(Runnable beforePush, Runnable afterPush) {
    String url = remote.url("acme", "shop");
    GitRepos.git(checkout.worktree(), "remote", "set-url", "origin", url);
    beforePush.run();
    assertThat(
            push(url, TOKEN)
                .push(GitRepos.gitDir(checkout), GitRepos.tip(checkout), checkout.branch()))
        .isInstanceOf(GitPush.Pushed.class);
    afterPush.run();
    String theirs = remoteTip();
    GitRepos.Checkout retry = GitRepos.retried(checkout);

    GitPush.Outcome outcome =
        push(url, TOKEN).push(GitRepos.gitDir(retry), GitRepos.tip(retry), retry.branch());

    assertThat(refused409(outcome)).contains("delete the remote branch");
    assertThat(remoteTip()).isEqualTo(theirs);
  }

  @Test
  void push_refuses409_whenTheBranchHasMoreThanOneCommitBeyondThisAttempt() {
    // a second commit under the same identity: not one earlier attempt any more
    assertRefusedOver(
        () -> {},
        () -> pushOnTop(remote.url("acme", "shop"), "autofix test", "autofix@example.com"));
  }

  @Test
  void replace_refuses409_whenTheBranchMovedAfterTheComparison() {
    String url = remote.url("acme", "shop");
    GitRepos.git(checkout.worktree(), "remote", "set-url", "origin", url);
    assertThat(
            push(url, TOKEN)
                .push(GitRepos.gitDir(checkout), GitRepos.tip(checkout), checkout.branch()))
        .isInstanceOf(GitPush.Pushed.class);
    GitRepos.Checkout retry = GitRepos.retried(checkout);
    GitPush.Outcome outcome =
        push(url, TOKEN).push(GitRepos.gitDir(retry), GitRepos.tip(retry), retry.branch());
    assertThat(outcome).isInstanceOf(GitPush.EarlierAttempt.class);
    String reviewers = pushByAReviewer(url);

    GitPush.Outcome replaced =
        push(url, TOKEN)
            .replace(
                GitRepos.gitDir(retry),
                GitRepos.tip(retry),
                retry.branch(),
                ((GitPush.EarlierAttempt) outcome).remoteCommit());

    assertThat(refused409(replaced)).contains("nothing was replaced");
    assertThat(remoteTip()).isEqualTo(reviewers);
  }

  /** A reviewer clones the fix branch, commits on top of it and pushes; returns the commit. */
  private String pushByAReviewer(String url) {
    return pushOnTop(url, "Ada Reviewer", "ada@example.com");
  }

  /** {@code name} clones the fix branch, commits on top of it and pushes; returns the commit. */
  private String pushOnTop(String url, String name, String email) {
    Path clone = dir.resolve("reviewer");
    GitRepos.gitAs(
        name,
        email,
        dir,
        "-c",
        "http.extraHeader=Authorization: Basic " + Redactor.basicCredentials(TOKEN),
        "clone",
        "-q",
        "-b",
        checkout.branch(),
        url,
        clone.toString());
    GitRepos.write(clone.resolve("cart.js"), "export const total = (cart) => cart?.total || 0;\n");
    GitRepos.gitAs(name, email, clone, "commit", "-q", "-am", "review", "-m", GitRepos.TRAILER);
    GitRepos.gitAs(
        name,
        email,
        clone,
        "-c",
        "http.extraHeader=Authorization: Basic " + Redactor.basicCredentials(TOKEN),
        "push",
        "-q",
        "origin",
        checkout.branch());
    return GitRepos.git(clone, "rev-parse", "HEAD").strip();
  }

  private String remoteTip() {
    return GitRepos.git(
            served.resolve("acme/shop.git"), "rev-parse", "refs/heads/" + checkout.branch())
        .strip();
  }

  private static GitPush push(String url, String token) {
    return new GitPush(
        new GitPush.Settings(url, token, Duration.ofSeconds(60), 2),
        System.getenv(),
        new RecordingSleeper());
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
