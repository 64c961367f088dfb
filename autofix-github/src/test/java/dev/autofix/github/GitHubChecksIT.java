package dev.autofix.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.support.check.Check;
import dev.autofix.testkit.GitHttpRemote;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autofix doctor}'s publishing checks against a real smart-HTTP git remote that takes only
 * the token ({@code git http-backend} on 127.0.0.1) and the fake GitHub API: the dry-run push
 * pushes nothing, and pull-request access is judged from what GitHub tells (a classic token's
 * scopes), or reported "not checked" when it tells nothing (a fine-grained token).
 */
class GitHubChecksIT {
  private static final String TOKEN = "ghp_httpRemoteToken0123456789abcdef";

  @TempDir Path dir;

  private GitHttpRemote remote;
  private Path served;
  private FakeGitHub github;
  private final OkHttpClient http = new OkHttpClient();

  @BeforeEach
  void setUp() throws Exception {
    served = dir.resolve("served");
    GitRepos.git(
        dir, "init", "-q", "--bare", "-b", "main", served.resolve("acme/shop.git").toString());
    remote = new GitHttpRemote(served, TOKEN);
    github = new FakeGitHub("acme", "shop");
    github.validToken = TOKEN;
  }

  @AfterEach
  void tearDown() {
    remote.close();
    github.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private List<Check> checks(String token, GitHubConfig.Publish publish) {
    GitHubConfig config =
        GitHubConfig.of("acme", "shop")
            .withApiUrl(github.apiUrl())
            .withToken(token)
            .withPushUrl(remote.url("acme", "shop"))
            .withPublish(publish);
    return GitHubChecks.run(
        config, http, new ObjectMapper(), Map.of("PATH", System.getenv("PATH")));
  }

  private static Check named(List<Check> checks, String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aClassicTokenWithRepo_isOk_andTheDryRunPushesNothing() throws Exception {
    github.oauthScopes = "repo, read:org";

    List<Check> checks = checks(TOKEN, GitHubConfig.Publish.PULL_REQUEST);

    assertThat(checks).as(checks.toString()).allMatch(c -> c.status() == Check.Status.OK);
    assertThat(named(checks, "push").detail()).contains("with AUTOFIX_GITHUB_TOKEN");
    assertThat(named(checks, "pull requests").detail()).contains("repo, read:org");
    assertThat(GitRepos.git(served.resolve("acme/shop.git"), "for-each-ref"))
        .as("no ref was made")
        .isBlank();
    assertThat(checks.toString()).doesNotContain(TOKEN);
  }

  @Test
  void aFineGrainedToken_isNotChecked_forPullRequests() {
    github.oauthScopes = null;

    Check pullRequests = named(checks(TOKEN, GitHubConfig.Publish.PULL_REQUEST), "pull requests");

    assertThat(pullRequests.status()).isEqualTo(Check.Status.WARN);
    assertThat(pullRequests.detail()).contains("not checked");
    assertThat(pullRequests.fix()).contains("Pull requests: Read and write");
  }

  @Test
  void scopesWithoutRepo_orAnAccountThatMayNotPush_fail() {
    github.oauthScopes = "read:org, gist";
    assertThat(named(checks(TOKEN, GitHubConfig.Publish.PULL_REQUEST), "pull requests").status())
        .isEqualTo(Check.Status.FAIL);
    github.oauthScopes = "repo";
    github.mayPush = false;
    assertThat(named(checks(TOKEN, GitHubConfig.Publish.PULL_REQUEST), "pull requests").detail())
        .contains("may not write");
  }

  @Test
  void aWrongToken_failsThePushAndTheApi_withoutShowingTheToken() {
    String wrong = "ghp_wrongToken999";

    List<Check> checks = checks(wrong, GitHubConfig.Publish.PULL_REQUEST);

    assertThat(named(checks, "push").status()).isEqualTo(Check.Status.FAIL);
    assertThat(named(checks, "push").detail()).contains("401");
    assertThat(named(checks, "pull requests").status()).isEqualTo(Check.Status.FAIL);
    assertThat(named(checks, "pull requests").fix()).contains("not a valid token");
    assertThat(checks.toString()).doesNotContain(wrong);
  }

  @Test
  void branchMode_needsNoApi_andNoTokenFailsPullRequests() {
    assertThat(named(checks(TOKEN, GitHubConfig.Publish.BRANCH), "pull requests").detail())
        .contains("AUTOFIX_PUBLISH=branch");
    Check none = named(checks(null, GitHubConfig.Publish.PULL_REQUEST), "pull requests");
    assertThat(none.status()).isEqualTo(Check.Status.FAIL);
    assertThat(none.fix()).contains("AUTOFIX_PUBLISH=branch");
  }
}
