package dev.autofix.github.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.AgentReport;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.PullRequestPublisher.PublishRequest;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullRequestTextTest {
  private static final Instant NOW = Instant.parse("2026-11-24T09:00:00Z");

  private static Issue issue(String title, URI permalink) {
    return new Issue(
        new IssueId("sentry", "42"),
        "BACKEND-4Z",
        "backend",
        title,
        "app/cart.js in computeTotal",
        Level.ERROR,
        permalink,
        NOW,
        3);
  }

  private static PublishRequest request(
      Issue issue, AgentReport report, FixVerifier.Verification verification) {
    RunId id = new RunId(9);
    return new PublishRequest(
        FixRun.queued(id, issue, NOW),
        issue,
        new Workspace(id, Path.of("/tmp/work"), "autofix/backend-4z", "main"),
        new Patch(
            "autofix/backend-4z",
            "0123456789abcdef0123",
            List.of("a.js"),
            "1 file changed",
            java.nio.file.Path.of("/data/runs/run-7/git")),
        report,
        verification,
        "codex",
        Duration.ofMinutes(75).plusSeconds(5));
  }

  @Test
  void title_isFixTitleAndShortId_onOneLine() {
    assertThat(PullRequestText.title(issue("  NullPointerException\n in  Cart ", null)))
        .isEqualTo("fix: NullPointerException in Cart (BACKEND-4Z)");
  }

  @Test
  void title_saysVerificationFailed_whenPublishedAnyway() {
    var issue = issue("TypeError in cart", null);

    assertThat(PullRequestText.title(issue, new FixVerifier.Failed("npm test", 1, "1 failing")))
        .isEqualTo("[verification failed] fix: TypeError in cart (BACKEND-4Z)");
    assertThat(PullRequestText.title(issue, new FixVerifier.NotConfigured()))
        .isEqualTo("fix: TypeError in cart (BACKEND-4Z)");
  }

  @Test
  void title_isCutButKeepsTheShortId_whenTheIssueTitleIsLong() {
    String title = PullRequestText.title(issue("x".repeat(300), null));

    assertThat(title).hasSize(PullRequestText.MAX_TITLE).endsWith("… (BACKEND-4Z)");
  }

  @Test
  void body_saysWhatRanAndWhatItCost_whenEverythingIsKnown() {
    String body =
        PullRequestText.body(
            request(
                issue("Boom", URI.create("https://acme.sentry.io/issues/42/")),
                new AgentReport("Guarded the cart.", new BigDecimal("1.005"), 7, "s"),
                new FixVerifier.Passed("mvn test", Duration.ofSeconds(3), "BUILD SUCCESS")),
            s -> s);

    assertThat(body)
        .contains("Guarded the cart.")
        .contains("`mvn test` succeeded in 3.0 s")
        .contains("BUILD SUCCESS")
        .contains("[BACKEND-4Z](https://acme.sentry.io/issues/42/)")
        .contains("\nFixes BACKEND-4Z\n")
        .contains("`codex`")
        .contains("1 h 15 min")
        .contains("$1.01")
        .contains("| 7 |")
        .contains("`0123456789ab`")
        .contains("needs human review")
        .contains("<!-- autofix-run: 9 commit: 0123456789abcdef0123 -->");
  }

  @Test
  void body_saysSo_whenNothingWasVerifiedOrReported() {
    String body =
        PullRequestText.body(
            request(issue("Boom", null), AgentReport.empty(), new FixVerifier.NotConfigured()),
            s -> s);

    assertThat(body)
        .contains("_The agent gave no summary._")
        .contains("Not verified: no test command is configured")
        .contains("BACKEND-4Z (no link)")
        .contains("not reported");
  }

  @Test
  void body_showsTheFailureAndKeepsOutputInsideItsFence_whenVerificationFailed() {
    String body =
        PullRequestText.body(
            request(
                issue("Boom", null),
                AgentReport.empty(),
                new FixVerifier.Failed("npm test", 1, "```\nnot ok 1\n```````")),
            s -> s);

    assertThat(body).contains("**Failed**: `npm test` exited with 1").contains("````````\n```");
  }

  @Test
  void body_isRedacted_whenTheAgentEchoedASecret() {
    String body =
        PullRequestText.body(
            request(
                issue("Boom", null),
                new AgentReport("used ghp_leaked123 to test", null, null, null),
                new FixVerifier.NotConfigured()),
            Redactor.forToken("ghp_leaked123"));

    assertThat(body).doesNotContain("ghp_leaked123").contains("used **** to test");
  }
}
