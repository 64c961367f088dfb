package dev.autofix.github.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void apply_removesTheTokenAndItsBasicForm() {
    String token = "s3cr3t-not-a-github-prefix";
    Redactor redactor = Redactor.forToken(token);
    String text = "token " + token + " header " + Redactor.basicCredentials(token);

    assertThat(redactor.apply(text)).isEqualTo("token **** header ****");
  }

  @Test
  void apply_removesUrlCredentialsAndGitHubTokens_whenNoTokenIsConfigured() {
    Redactor redactor = Redactor.forToken(null);

    assertThat(redactor.apply("https://x-access-token:abc@github.com/o/r.git"))
        .isEqualTo("https://****@github.com/o/r.git");
    assertThat(redactor.apply("leaked ghp_AbC123 and github_pat_11AA_bb"))
        .isEqualTo("leaked **** and ****");
  }
}
