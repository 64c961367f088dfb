package dev.autofix.github.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitPushTest {
  private static final String TOKEN = "ghp_unitTestToken";

  private static GitPush push(String remote, String token) {
    return new GitPush(new GitPush.Settings(remote, token, Duration.ofSeconds(5), 3), d -> {});
  }

  @Test
  void environment_carriesTheTokenAsAHostScopedHeader_whenATokenIsSet() {
    Map<String, String> env =
        push("https://github.com/acme/shop.git", TOKEN)
            .environment("https://user@github.com/acme/shop.git");

    int n = Integer.parseInt(env.get("GIT_CONFIG_COUNT")) - 2;
    assertThat(env.get("GIT_CONFIG_KEY_" + n)).isEqualTo("http.https://github.com/.extraheader");
    assertThat(env.get("GIT_CONFIG_VALUE_" + n))
        .isEqualTo("Authorization: Basic " + Redactor.basicCredentials(TOKEN));
    assertThat(env.get("GIT_CONFIG_KEY_" + (n + 1))).isEqualTo("credential.helper");
    assertThat(env.get("GIT_CONFIG_VALUE_" + (n + 1))).isEmpty();
    assertThat(env).containsEntry("GIT_TERMINAL_PROMPT", "0");
  }

  @Test
  void environment_addsNoHeader_whenNoTokenOrNotHttp() {
    assertThat(push("origin", null).environment("https://github.com/a/b.git"))
        .doesNotContainKey("GIT_CONFIG_KEY_" + 0)
        .containsEntry("GIT_TERMINAL_PROMPT", "0");
    assertThat(push("origin", TOKEN).environment("git@github.com:a/b.git").values())
        .noneMatch(v -> v.contains(Redactor.basicCredentials(TOKEN)));
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

    GitPush.Refused refused = push("origin", TOKEN).classify(run, "autofix/x");

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

    assertThat(push("origin", TOKEN).classify(run, "autofix/x")).isNull();
  }

  @Test
  void classify_refuses404_whenTheRepositoryIsMissing() {
    GitPush.Run run =
        new GitPush.Run(
            128, "", "remote: Repository not found.\nfatal: repository 'https://...' not found\n");

    assertThat(push("origin", TOKEN).classify(run, "autofix/x").status()).isEqualTo(404);
  }

  @Test
  void classify_returnsNull_whenTheFailureIsATransportOne() {
    GitPush.Run run =
        new GitPush.Run(
            128, "", "fatal: unable to access 'https://github.com/': Could not resolve host\n");

    assertThat(push("origin", TOKEN).classify(run, "autofix/x")).isNull();
  }
}
