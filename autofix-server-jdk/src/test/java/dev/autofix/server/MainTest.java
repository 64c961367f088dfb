package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  @TempDir Path dir;

  @Test
  void run_printsUsage_forHelp() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out()).contains("Usage: autofix-server").contains("AUTOFIX_MAX_FIXES_PER_DAY (10)");
  }

  @Test
  void run_printsVersion() {
    assertThat(run(Map.of(), "--version")).isZero();
    assertThat(out()).startsWith("autofix ");
  }

  @Test
  void run_refusesUnknownArguments() {
    assertThat(run(Map.of(), "--frobnicate")).isEqualTo(2);
    assertThat(err()).contains("unknown argument '--frobnicate'");
  }

  @Test
  void run_reportsEveryConfigurationProblemAtOnce_withoutAStackTrace() throws IOException {
    Path notACheckout = Files.createDirectories(dir.resolve("plain-dir"));

    int code =
        run(
            Map.of(
                "PATH", "/nonexistent",
                "AUTOFIX_DATA_DIR", dir.resolve("data").toString(),
                "AUTOFIX_REPO_PATH", notACheckout.toString(),
                "AUTOFIX_AGENT", "claude",
                "AUTOFIX_PORT", "eighty"));

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains("fix the configuration")
        .contains("AUTOFIX_SENTRY_CLIENT_SECRET")
        .contains("AUTOFIX_GITHUB_REPO")
        .contains("AUTOFIX_PORT must be a whole number")
        .contains("is not a git checkout")
        .contains("'claude'")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }

  @Test
  void run_reportsMistakesAcrossModulesTogether_eachWithItsKeyAndValue() {
    int code =
        run(
            Map.of(
                "PATH", "/nonexistent",
                "AUTOFIX_DATA_DIR", dir.resolve("data").toString(),
                "AUTOFIX_AGENT", "bogus",
                "AUTOFIX_REPO_PATH", "/nonexistent",
                "AUTOFIX_AGENT_TIMEOUT", "soon",
                "AUTOFIX_MAX_FIXES_PER_DAY", "-3",
                "AUTOFIX_GITHUB_REPO", "acme/app",
                "AUTOFIX_GITHUB_ALLOW_NON_DRAFT", "perhaps",
                "AUTOFIX_SENTRY_CLIENT_SECRET", "s"));

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains("AUTOFIX_AGENT must be one of claude, codex, command, not 'bogus'")
        .contains("AUTOFIX_AGENT_TIMEOUT must be a positive duration")
        .contains("'soon'")
        .contains("AUTOFIX_MAX_FIXES_PER_DAY must be a whole number from 0 to 100000, not '-3'")
        .contains("AUTOFIX_GITHUB_ALLOW_NON_DRAFT must be true or false")
        .contains("AUTOFIX_REPO_PATH /nonexistent is not a directory")
        .doesNotContain("\tat ");
  }

  @Test
  void run_refusesASpendCeilingBelowTheClaudeBudget_underWhichNoAgentCouldStart()
      throws IOException {
    Path repo = Files.createDirectories(dir.resolve("repo/.git")).getParent();
    int code =
        run(
            Map.of(
                "PATH", "/nonexistent",
                "AUTOFIX_DATA_DIR", dir.resolve("data").toString(),
                "AUTOFIX_REPO_PATH", repo.toString(),
                "AUTOFIX_GITHUB_REPO", "acme/app",
                "AUTOFIX_SENTRY_CLIENT_SECRET", "s",
                "AUTOFIX_MAX_SPEND_PER_DAY_USD", "2",
                "AUTOFIX_CLAUDE_MAX_BUDGET_USD", "3"));

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains(
            "AUTOFIX_MAX_SPEND_PER_DAY_USD $2 is below AUTOFIX_CLAUDE_MAX_BUDGET_USD $3, the most"
                + " one run may cost");
  }

  @Test
  void run_namesTheProjectOfEachRepositoryProblem() throws IOException {
    Path yaml = dir.resolve("autofix.yaml");
    Files.writeString(
        yaml, "projects:\n  back-end:\n    repo_path: " + dir + "\n    github_repo: acme/back\n");

    int code =
        run(
            Map.of("PATH", "/nonexistent", "AUTOFIX_SENTRY_CLIENT_SECRET", "s"),
            "--config",
            yaml.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains("projects.back-end: AUTOFIX_REPO_PATH")
        .contains("not a git checkout");
  }

  @Test
  void run_namesAnUnknownAgent() {
    int code = run(Map.of("AUTOFIX_AGENT", "skynet", "AUTOFIX_REPO_PATH", dir.toString()));

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("skynet");
  }

  @Test
  void run_explainsAMissingConfigFile() {
    assertThat(run(Map.of(), "--config", dir.resolve("missing.yaml").toString())).isEqualTo(2);
    assertThat(err()).contains("missing.yaml does not exist");
  }

  private int run(Map<String, String> env, String... args) {
    return Main.run(
        List.of(args),
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
