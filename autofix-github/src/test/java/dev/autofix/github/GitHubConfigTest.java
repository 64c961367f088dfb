package dev.autofix.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitHubConfigTest {

  @Test
  void publish_defaultsToPullRequests_andBranchModeHasACompareUrlOnGitHubOnly() {
    GitHubConfig config = GitHubConfig.fromEnv(Map.of("AUTOFIX_GITHUB_REPO", "octo/demo"));
    assertThat(config.publish()).isEqualTo(GitHubConfig.Publish.PULL_REQUEST);

    GitHubConfig branch =
        GitHubConfig.fromEnv(
            Map.of("AUTOFIX_GITHUB_REPO", "octo/demo", "AUTOFIX_PUBLISH", "branch"));
    assertThat(branch.publish()).isEqualTo(GitHubConfig.Publish.BRANCH);
    assertThat(branch.compareUrl("main", "autofix/demo-1"))
        .hasValue(
            java.net.URI.create("https://github.com/octo/demo/compare/main...autofix/demo-1"));
    assertThat(
            branch
                .withApiUrl(java.net.URI.create("https://ghe.example.com/api/v3"))
                .compareUrl("main", "autofix/demo-1"))
        .hasValue(
            java.net.URI.create("https://ghe.example.com/octo/demo/compare/main...autofix/demo-1"));
    assertThat(branch.withPushUrl("/srv/git/demo.git").compareUrl("main", "autofix/demo-1"))
        .as("pushed elsewhere than the repository on GitHub")
        .isEmpty();
    assertThatThrownBy(
            () ->
                GitHubConfig.fromEnv(
                    Map.of("AUTOFIX_GITHUB_REPO", "octo/demo", "AUTOFIX_PUBLISH", "merge")))
        .hasMessageContaining("AUTOFIX_PUBLISH");
  }

  @Test
  void fromEnv_appliesDefaults_whenOnlyTheRepoIsSet() {
    GitHubConfig config = GitHubConfig.fromEnv(Map.of("AUTOFIX_GITHUB_REPO", "octo/demo"));

    assertThat(config.apiUrl()).isEqualTo(URI.create("https://api.github.com"));
    assertThat(config.token()).isNull();
    assertThat(config.owner()).isEqualTo("octo");
    assertThat(config.repo()).isEqualTo("demo");
    assertThat(config.baseBranch()).isNull();
    assertThat(config.pushUrl()).isNull();
    assertThat(config.pushDestination()).isEqualTo("https://github.com/octo/demo.git");
    assertThat(config.labels()).containsExactly("autofix");
    assertThat(config.reviewers()).isEmpty();
    assertThat(config.allowNonDraftFallback()).isFalse();
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.pushTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.maxAttempts()).isEqualTo(4);
    assertThat(config.maxRateLimitWait()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.userAgent()).isEqualTo("autofix/0.1");
    assertThat(config.apiVersion()).isEqualTo("2022-11-28");
    assertThat(config).isEqualTo(GitHubConfig.of("octo", "demo"));
  }

  @Test
  void fromEnv_mapsEveryKey() {
    Map<String, String> env =
        Map.ofEntries(
            Map.entry("AUTOFIX_GITHUB_API_URL", "https://ghe.example.com/api/v3"),
            Map.entry("AUTOFIX_GITHUB_TOKEN", "ghp_secretvalue"),
            Map.entry("AUTOFIX_GITHUB_REPO", "acme/shop"),
            Map.entry("AUTOFIX_BASE_BRANCH", "develop"),
            Map.entry("AUTOFIX_GIT_PUSH_URL", "https://ghe.example.com/acme/shop.git"),
            Map.entry("AUTOFIX_GITHUB_LABELS", "autofix, bot"),
            Map.entry("AUTOFIX_GITHUB_REVIEWERS", "alice,bob"),
            Map.entry("AUTOFIX_GITHUB_ALLOW_NON_DRAFT", "true"),
            Map.entry("AUTOFIX_GITHUB_CONNECT_TIMEOUT", "5"),
            Map.entry("AUTOFIX_GITHUB_READ_TIMEOUT", "PT20S"),
            Map.entry("AUTOFIX_GITHUB_CALL_TIMEOUT", "45"),
            Map.entry("AUTOFIX_GITHUB_PUSH_TIMEOUT", "PT2M"),
            Map.entry("AUTOFIX_GITHUB_MAX_ATTEMPTS", "6"),
            Map.entry("AUTOFIX_GITHUB_MAX_RATE_LIMIT_WAIT", "PT1M"),
            Map.entry("AUTOFIX_GITHUB_USER_AGENT", "acme-autofix/1"),
            Map.entry("AUTOFIX_GITHUB_API_VERSION", "2026-03-10"));

    GitHubConfig config = GitHubConfig.fromEnv(env);

    assertThat(config)
        .isEqualTo(
            new GitHubConfig(
                URI.create("https://ghe.example.com/api/v3"),
                new GitHubConfig.Secret("ghp_secretvalue"),
                "acme",
                "shop",
                "develop",
                "https://ghe.example.com/acme/shop.git",
                List.of("autofix", "bot"),
                List.of("alice", "bob"),
                true,
                Duration.ofSeconds(5),
                Duration.ofSeconds(20),
                Duration.ofSeconds(45),
                Duration.ofMinutes(2),
                6,
                Duration.ofMinutes(1),
                "acme-autofix/1",
                "2026-03-10",
                GitHubConfig.Publish.PULL_REQUEST));
  }

  @Test
  void pushDestination_isTheRepositoryOnTheApisHost_unlessAPushUrlIsSet() {
    assertThat(GitHubConfig.of("acme", "shop").pushDestination())
        .isEqualTo("https://github.com/acme/shop.git");
    assertThat(
            GitHubConfig.of("acme", "shop")
                .withApiUrl(URI.create("https://ghe.example.com/api/v3"))
                .pushDestination())
        .isEqualTo("https://ghe.example.com/acme/shop.git");
    assertThat(
            GitHubConfig.of("acme", "shop")
                .withApiUrl(URI.create("http://127.0.0.1:8080"))
                .pushDestination())
        .isEqualTo("http://127.0.0.1:8080/acme/shop.git");
    assertThat(GitHubConfig.of("acme", "shop").withPushUrl("/srv/git/shop.git").pushDestination())
        .isEqualTo("/srv/git/shop.git");
    assertThat(GitHubConfig.of("a", "b").withPushUrl("git@github.com:a/b.git").pushDestination())
        .isEqualTo("git@github.com:a/b.git");
  }

  @Test
  void pushUrl_refusesTransportsThatRunCommands_andPlainHttpBeyondLoopback() {
    GitHubConfig base = GitHubConfig.of("octo", "demo");
    assertThatThrownBy(() -> base.withPushUrl("ext::sh -c 'touch /tmp/pwned'"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_GIT_PUSH_URL");
    assertThatThrownBy(() -> base.withPushUrl("fd::3"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withPushUrl("git://github.com/o/r.git"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withToken("ghp_x").withPushUrl("http://github.com/o/r.git"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https only");
    assertThat(base.withToken("ghp_x").withPushUrl("http://127.0.0.1:9/o/r.git").pushUrl())
        .isNotNull();
    assertThatThrownBy(
            () -> base.withToken("ghp_x").withApiUrl(URI.create("http://api.example.com")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_GITHUB_API_URL");
  }

  @Test
  void fromEnv_namesTheReplacement_whenAPushRemoteOfAGitConfigIsAskedFor() {
    for (String gone : List.of("AUTOFIX_GITHUB_REMOTE", "AUTOFIX_GITHUB_REMOTE_URL")) {
      assertThatThrownBy(
              () -> GitHubConfig.fromEnv(Map.of("AUTOFIX_GITHUB_REPO", "o/r", gone, "origin")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(gone)
          .hasMessageContaining("AUTOFIX_GIT_PUSH_URL");
    }
  }

  @Test
  void toString_hidesTheToken() {
    GitHubConfig config = GitHubConfig.of("octo", "demo").withToken("ghp_secretvalue");

    assertThat(config.toString()).doesNotContain("ghp_secretvalue").contains("****");
  }

  @Test
  void fromEnv_allowsNoLabels_whenLabelsAreEmpty() {
    GitHubConfig config =
        GitHubConfig.fromEnv(
            Map.of("AUTOFIX_GITHUB_REPO", "octo/demo", "AUTOFIX_GITHUB_LABELS", ""));

    assertThat(config.labels()).isEmpty();
  }

  @Test
  void fromEnv_throws_whenTheRepoIsMissingOrMalformed() {
    assertThatThrownBy(() -> GitHubConfig.fromEnv(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_GITHUB_REPO");
    assertThatThrownBy(() -> GitHubConfig.fromEnv(Map.of("AUTOFIX_GITHUB_REPO", "demo")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GitHubConfig.fromEnv(Map.of("AUTOFIX_GITHUB_REPO", "a/b/c")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_rejectsBadValues() {
    GitHubConfig base = GitHubConfig.of("octo", "demo");
    assertThatThrownBy(() -> base.withApiUrl(URI.create("ftp://x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GitHubConfig.of("oc to", "demo"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withPushUrl("--upload-pack=evil"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withPushUrl("https://x-access-token:ghp_abc@github.com/o/r"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("ghp_abc");
    assertThatThrownBy(() -> base.withToken("ghp_abc\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("ghp_abc");
    assertThat(base.withPushUrl("ssh://git@github.com:22/o/r.git").pushUrl()).isNotNull();
    assertThatThrownBy(
            () ->
                GitHubConfig.fromEnv(
                    Map.of("AUTOFIX_GITHUB_REPO", "o/r", "AUTOFIX_GITHUB_MAX_ATTEMPTS", "0")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                GitHubConfig.fromEnv(
                    Map.of("AUTOFIX_GITHUB_REPO", "o/r", "AUTOFIX_GITHUB_READ_TIMEOUT", "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_GITHUB_READ_TIMEOUT");
  }

  @Test
  void read_reportsEveryProblemAtOnce_eachWithItsKey_andMasksTheToken() {
    dev.autofix.core.settings.Settings settings =
        dev.autofix.core.settings.Settings.of(
            java.util.Map.of(
                "AUTOFIX_GITHUB_REPO", "acme",
                "AUTOFIX_GITHUB_ALLOW_NON_DRAFT", "perhaps",
                "AUTOFIX_GITHUB_MAX_ATTEMPTS", "0",
                "AUTOFIX_GITHUB_READ_TIMEOUT", "forever",
                "AUTOFIX_GITHUB_REMOTE", "origin"));

    assertThat(GitHubConfig.read(settings)).isNull();
    assertThat(settings.problems())
        .extracting(dev.autofix.core.settings.Settings.Problem::key)
        .containsExactlyInAnyOrder(
            "AUTOFIX_GITHUB_REPO",
            "AUTOFIX_GITHUB_REPO",
            "AUTOFIX_GITHUB_ALLOW_NON_DRAFT",
            "AUTOFIX_GITHUB_MAX_ATTEMPTS",
            "AUTOFIX_GITHUB_READ_TIMEOUT");
    assertThat(settings.problems().toString())
        .contains("AUTOFIX_GITHUB_REPO must be owner/name, not 'acme'")
        .contains("AUTOFIX_GITHUB_REMOTE is no longer read");
  }

  @Test
  void aBadToken_isNeverShown() {
    dev.autofix.core.settings.Settings settings =
        dev.autofix.core.settings.Settings.of(
            java.util.Map.of(
                "AUTOFIX_GITHUB_REPO", "acme/app",
                "AUTOFIX_GITHUB_TOKEN", "ghp_secret",
                "AUTOFIX_GITHUB_API_URL", "http://github.example.com"));

    assertThat(GitHubConfig.read(settings)).isNull();
    assertThat(settings.problems().toString())
        .contains("AUTOFIX_GITHUB_API_URL")
        .doesNotContain("ghp_secret");
  }
}
