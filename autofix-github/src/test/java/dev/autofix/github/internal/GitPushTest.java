package dev.autofix.github.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitPushTest {
  private static final String TOKEN = "ghp_unitTestToken";

  private static GitPush push(String remote, String token) {
    return new GitPush(
        new GitPush.Settings(remote, token, Duration.ofSeconds(5), 3), SERVER, d -> {});
  }

  private static final Path OWN = Path.of("/data/runs/run-7/git");

  /** What a server's environment holds: autofix's secrets among the user's own variables. */
  private static final Map<String, String> SERVER =
      Map.of(
          "PATH", "/usr/bin:/bin",
          "HOME", "/home/user",
          "SSH_AUTH_SOCK", "/run/user/1000/agent.sock",
          "AUTOFIX_GITHUB_TOKEN", TOKEN,
          "AUTOFIX_SENTRY_TOKEN", "sntrys_secret",
          "AUTOFIX_ADMIN_TOKEN", "admin-secret",
          "AUTOFIX_DATABASE_URL", "postgresql://u:pw@db/autofix",
          "HTTPS_PROXY", "http://proxy:3128");

  @Test
  void environment_carriesTheTokenAsAHostScopedHeader_andNoConfigButAutofixs() {
    Map<String, String> env = push("https://github.com/acme/shop.git", TOKEN).environment(OWN);

    assertThat(env)
        .containsEntry("GIT_CONFIG_COUNT", "2")
        .containsEntry("GIT_CONFIG_KEY_0", "http.https://github.com/.extraheader")
        .containsEntry(
            "GIT_CONFIG_VALUE_0", "Authorization: Basic " + Redactor.basicCredentials(TOKEN))
        .containsEntry("GIT_CONFIG_KEY_1", "credential.helper")
        .containsEntry("GIT_CONFIG_VALUE_1", "")
        .containsEntry("GIT_CONFIG_NOSYSTEM", "1")
        .containsEntry("GIT_CONFIG_GLOBAL", "/dev/null")
        .containsEntry("HOME", OWN.toString())
        .containsEntry("HTTPS_PROXY", "http://proxy:3128")
        .doesNotContainKeys(
            "AUTOFIX_GITHUB_TOKEN",
            "AUTOFIX_SENTRY_TOKEN",
            "AUTOFIX_ADMIN_TOKEN",
            "AUTOFIX_DATABASE_URL",
            "SSH_AUTH_SOCK");
    assertThat(env.values()).noneMatch(v -> v.contains(TOKEN));
  }

  @Test
  void environment_usesTheUsersHomeButNoSecret_whenNoTokenOrNotHttp() {
    for (GitPush push :
        List.of(
            push("https://github.com/a/b.git", null),
            push("git@github.com:a/b.git", TOKEN),
            push("/srv/git/b.git", TOKEN))) {
      Map<String, String> env = push.environment(OWN);

      assertThat(env)
          .containsEntry("HOME", "/home/user")
          .containsEntry("SSH_AUTH_SOCK", "/run/user/1000/agent.sock")
          .doesNotContainKeys(
              "GIT_CONFIG_COUNT",
              "GIT_CONFIG_GLOBAL",
              "AUTOFIX_GITHUB_TOKEN",
              "AUTOFIX_SENTRY_TOKEN",
              "AUTOFIX_ADMIN_TOKEN",
              "AUTOFIX_DATABASE_URL");
      assertThat(env.values())
          .noneMatch(v -> v.contains(TOKEN) || v.contains(Redactor.basicCredentials(TOKEN)));
    }
  }

  @Test
  void pins_allowOnlyTheDestinationsTransport_andNoHookOrRedirect() {
    assertThat(push("https://github.com/a/b.git", TOKEN).pins())
        .containsSubsequence("-c", "protocol.allow=never")
        .containsSubsequence("-c", "protocol.https.allow=always")
        .containsSubsequence("-c", "core.hooksPath=/dev/null")
        .containsSubsequence("-c", "http.followRedirects=false");
    assertThat(GitPush.transport("git@github.com:a/b.git")).isEqualTo("ssh");
    assertThat(GitPush.transport("ssh://git@github.com/a/b.git")).isEqualTo("ssh");
    assertThat(GitPush.transport("/srv/git/b.git")).isEqualTo("file");
    assertThat(GitPush.transport("http://127.0.0.1:1/a/b.git")).isEqualTo("http");
  }

  @Test
  void headerScope_keepsSchemeHostAndPortOnly() {
    assertThat(GitPush.headerScope("http://127.0.0.1:8080/acme/shop.git"))
        .isEqualTo("http://127.0.0.1:8080/");
    assertThat(GitPush.headerScope("https://x:y@github.com/acme/shop.git"))
        .isEqualTo("https://github.com/");
    assertThat(GitPush.headerScope("/tmp/remote.git")).isNull();
    assertThat(GitPush.headerScope("ssh://git@github.com/acme/shop.git")).isNull();
  }

  @Test
  void summary_readsTheRefLine_fromPorcelainOutput() {
    String stdout =
        "To http://127.0.0.1/acme/shop.git\n"
            + "=\trefs/heads/autofix/x:refs/heads/autofix/x\t[up to date]\n"
            + "Done\n";

    assertThat(GitPush.summary(stdout, "autofix/x")).isEqualTo("[up to date]");
  }

  @Test
  void classify_refuses403_whenTheRemoteRejectsAWorkflowChange() {
    GitPush.Run run =
        new GitPush.Run(
            1,
            "To https://github.com/acme/shop.git\n!\trefs/heads/autofix/x:refs/heads/autofix/x\t"
                + "[remote rejected] (refusing to allow a GitHub App to create or update workflow"
                + " `.github/workflows/ci.yml` without `workflows` permission)\nDone\n",
            "error: failed to push some refs to 'https://github.com/acme/shop.git'\n");

    GitPush.Refused refused = push("https://github.com/a/b.git", TOKEN).classify(run, "autofix/x");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.message()).contains("workflows` permission");
  }

  @Test
  void classify_returnsNull_whenAConcurrentPushHeldTheRefLock() {
    GitPush.Run run =
        new GitPush.Run(
            1,
            "!\trefs/heads/autofix/x:refs/heads/autofix/x\t[remote rejected] (failed to update"
                + " ref)\n",
            "error: cannot lock ref 'refs/heads/autofix/x': reference already exists\n");

    assertThat(push("https://github.com/a/b.git", TOKEN).classify(run, "autofix/x")).isNull();
  }

  @Test
  void classify_refuses404_whenTheRepositoryIsMissing() {
    GitPush.Run run =
        new GitPush.Run(
            128, "", "remote: Repository not found.\nfatal: repository 'https://...' not found\n");

    assertThat(push("https://github.com/a/b.git", TOKEN).classify(run, "autofix/x").status())
        .isEqualTo(404);
  }

  @Test
  void classify_returnsNull_whenTheFailureIsATransportOne() {
    GitPush.Run run =
        new GitPush.Run(
            128, "", "fatal: unable to access 'https://github.com/': Could not resolve host\n");

    assertThat(push("https://github.com/a/b.git", TOKEN).classify(run, "autofix/x")).isNull();
  }
}
