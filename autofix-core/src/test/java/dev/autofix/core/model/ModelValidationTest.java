package dev.autofix.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelValidationTest {
  private static Issue issue(String shortId) {
    return new Issue(
        new IssueId("sentry", "1170820242"), shortId, null, "t", null, Level.ERROR, null, null, 0);
  }

  @Test
  void issueId_rejectsBlankValues() {
    assertThatThrownBy(() -> new IssueId("sentry", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("issue id is blank");
    assertThatThrownBy(() -> new IssueId(null, "1"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("source == null");
  }

  @Test
  void issue_fallsBackToIdForMissingShortId() {
    assertThat(issue(null).shortId()).isEqualTo("1170820242");
  }

  @Test
  void level_parsesSentrySpellings() {
    assertThat(Level.fromWire("warning")).isEqualTo(Level.WARNING);
    assertThat(Level.fromWire("WARN")).isEqualTo(Level.WARNING);
    assertThat(Level.fromWire("fatal").isAtLeast(Level.ERROR)).isTrue();
    assertThat(Level.INFO.isAtLeast(Level.ERROR)).isFalse();
    assertThatThrownBy(() -> Level.fromWire("loud"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown level: loud");
  }

  @Test
  void runId_parsesPositiveDecimalOnly() {
    assertThat(RunId.parse("17")).isEqualTo(new RunId(17));
    assertThatThrownBy(() -> RunId.parse("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a run id: abc");
    assertThatThrownBy(() -> RunId.parse("0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void branchNames_areDeterministicAndSafe() {
    assertThat(BranchNames.forIssue(issue("BACKEND-4Z"))).isEqualTo("autofix/backend-4z");
    assertThat(BranchNames.forIssue(issue("web app/..; rm -rf ~")))
        .isEqualTo("autofix/web-app-rm-rf");
    assertThat(BranchNames.forIssue(issue("ÄÖÜ"))).startsWith("autofix/sentry-");
  }

  @Test
  void delivery_matchesHeadersWithoutCase_andCopiesTheBody() {
    Map<String, String> headers = new HashMap<>();
    headers.put("Sentry-Hook-Signature", "abc");
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Delivery delivery = new Delivery(headers, body);
    body[0] = 'x';

    assertThat(delivery.header("sentry-hook-signature")).contains("abc");
    assertThat(delivery.header("SENTRY-HOOK-SIGNATURE")).contains("abc");
    assertThat(delivery.header("missing")).isEmpty();
    assertThat(new String(delivery.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(delivery)
        .isEqualTo(
            new Delivery(
                Map.of("sentry-hook-signature", "abc"), "{}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void errorDetails_sortsTags_forAStablePrompt() {
    ErrorDetails details =
        new ErrorDetails(null, null, null, Map.of("b", "2", "a", "1", "c", "3"), null, null, null);
    assertThat(details.tags().keySet()).containsExactly("a", "b", "c");
    assertThat(details.exceptions()).isEmpty();
  }
}
