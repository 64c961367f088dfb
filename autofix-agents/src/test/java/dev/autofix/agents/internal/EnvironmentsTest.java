package dev.autofix.agents.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {
  @Test
  void clean_removesAutofixSecretsAndDeniedNames_andKeepsTheRest() {
    Map<String, String> base =
        Map.of(
            "PATH", "/usr/bin",
            "HOME", "/home/me",
            "ANTHROPIC_API_KEY", "sk-ant",
            "AUTOFIX_GITHUB_TOKEN", "ghp",
            "AUTOFIX_SENTRY_TOKEN", "sntrys",
            "AUTOFIX_DATABASE_URL", "postgres://u:p@h/db",
            "GH_TOKEN", "gho",
            "github_token", "lower",
            "AWS_SECRET_ACCESS_KEY", "aws",
            "NPM_TOKEN", "npm");

    Map<String, String> clean = Environments.clean(base, List.of("*SECRET*", "npm_token"));

    assertThat(clean)
        .containsOnlyKeys("PATH", "HOME", "ANTHROPIC_API_KEY")
        .containsEntry("HOME", "/home/me");
  }
}
