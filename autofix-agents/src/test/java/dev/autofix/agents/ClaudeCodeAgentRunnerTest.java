package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.agents.internal.ClaudeStream;
import dev.autofix.agents.internal.Egress;
import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.core.model.AgentReport;
import dev.autofix.core.port.AgentRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaudeCodeAgentRunnerTest {

  static ClaudeStream.Result parse(String resource) {
    ClaudeStream stream = new ClaudeStream();
    lines(resource).forEach(stream::accept);
    return stream.result();
  }

  static List<String> lines(String resource) {
    try (InputStream in = ClaudeCodeAgentRunnerTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ProcessRunner.Result exited(int code, String stderr) {
    return new ProcessRunner.Result(
        new ProcessRunner.Exited(code), Duration.ofSeconds(2), "", stderr, stderr, List.of());
  }

  @Test
  void decide_completesWithCostTurnsAndSession_whenTheResultLineSaysCompleted() {
    ClaudeStream.Result line = parse("claude-success.jsonl");

    AgentRunner.AgentResult result =
        ClaudeCodeAgentRunner.decide(exited(0, ""), line, "Root cause: subtraction.");

    assertThat(result)
        .isEqualTo(
            new AgentRunner.Completed(
                new AgentReport(
                    "Root cause: subtraction.",
                    new BigDecimal("0.154592"),
                    3,
                    "b9f6cb39-4c1e-4d8a-9f2b-0d6c1b7e2a11",
                    38388L,
                    52L)));
  }

  @Test
  void decide_usesTheFinalText_whenNoSummaryFileWasWritten() {
    AgentRunner.AgentResult result =
        ClaudeCodeAgentRunner.decide(exited(0, ""), parse("claude-success.jsonl"), null);

    assertThat(((AgentRunner.Completed) result).report().summary())
        .isEqualTo("Fixed: add() now returns a + b.");
  }

  @Test
  void decide_fails_whenAnApiErrorSaysSubtypeSuccess() {
    ClaudeStream.Result line = parse("claude-api-error.jsonl");

    AgentRunner.AgentResult result = ClaudeCodeAgentRunner.decide(exited(1, ""), line, null);

    assertThat(line.subtype()).isEqualTo("success");
    assertThat(result)
        .isEqualTo(
            new AgentRunner.Failed(
                1,
                "api_error (HTTP 401): Invalid API key · Fix external API key",
                new java.math.BigDecimal("0")));
  }

  @Test
  void decide_fails_whenAnErrorResultCameWithExitZero() {
    AgentRunner.AgentResult result =
        ClaudeCodeAgentRunner.decide(exited(0, ""), parse("claude-api-error.jsonl"), "claimed");

    assertThat(result).isInstanceOf(AgentRunner.Failed.class);
    assertThat(((AgentRunner.Failed) result).exitCode()).isEqualTo(1);
  }

  @Test
  void decide_fails_whenMaxTurnsWasReached() {
    ClaudeStream.Result line = parse("claude-max-turns.jsonl");

    AgentRunner.AgentResult result = ClaudeCodeAgentRunner.decide(exited(1, ""), line, null);

    assertThat(line.permissionDenials()).isEqualTo(1);
    assertThat(result)
        .isEqualTo(
            new AgentRunner.Failed(
                1,
                "max_turns: Reached maximum number of turns (2)",
                new java.math.BigDecimal("0.1")));
  }

  @Test
  void decide_failsWithStderr_whenNoResultLineCame() {
    AgentRunner.AgentResult result =
        ClaudeCodeAgentRunner.decide(
            exited(1, "Error: When using --print, --output-format=stream-json requires --verbose"),
            null,
            null);

    assertThat(result)
        .isEqualTo(
            new AgentRunner.Failed(
                1, "Error: When using --print, --output-format=stream-json requires --verbose"));
  }

  @Test
  void decide_timesOut_whenTheProcessWasKilled() {
    ProcessRunner.Result killed =
        new ProcessRunner.Result(
            new ProcessRunner.TimedOut(Duration.ofMinutes(30)),
            Duration.ofMinutes(30),
            "{\"type\":\"system\"}",
            "",
            "{\"type\":\"system\"}",
            List.of(42L));

    assertThat(ClaudeCodeAgentRunner.decide(killed, null, null))
        .isEqualTo(new AgentRunner.TimedOut(Duration.ofMinutes(30), "{\"type\":\"system\"}"));
  }

  @Test
  void accept_ignoresLinesThatAreNotJson() {
    ClaudeStream stream = new ClaudeStream();
    stream.accept("[claude-code:unrecognized_model] {");
    stream.accept("");
    lines("claude-api-error.jsonl").forEach(stream::accept);

    assertThat(stream.retries()).isEqualTo(1);
    assertThat(stream.sessionId()).isEqualTo("0c1d2e3f-0000-4000-8000-000000000002");
  }

  @Test
  void command_hasTheVerifiedHeadlessFlags_andTheAllowedToolsLast() {
    AgentsConfig.ClaudeOptions options =
        new AgentsConfig.ClaudeOptions(
            "/opt/claude",
            List.of("Bash(mvn -q test:*)", "Bash(git diff:*)"),
            12,
            new BigDecimal("1.50"),
            "claude-sonnet-5-5",
            null,
            2,
            Duration.ofSeconds(90));

    List<String> argv = ClaudeCodeAgentRunner.command(options);

    assertThat(argv)
        .containsSubsequence("/opt/claude", "-p")
        .containsSubsequence("--output-format", "stream-json", "--verbose")
        .containsSubsequence("--permission-mode", "acceptEdits")
        .containsSubsequence("--max-turns", "12")
        .containsSubsequence("--max-budget-usd", "1.50")
        .containsSubsequence("--model", "claude-sonnet-5-5")
        .containsSubsequence("--append-system-prompt", ClaudeCodeAgentRunner.DEFAULT_SYSTEM_PROMPT)
        .endsWith("--allowedTools", "Bash(mvn -q test:*)", "Bash(git diff:*)");
    assertThat(argv).doesNotContain("--dangerously-skip-permissions");
    assertThat(ClaudeCodeAgentRunner.environment(options, true, true))
        .containsEntry("CLAUDE_CODE_MAX_RETRIES", "2")
        .containsEntry("API_TIMEOUT_MS", "90000")
        .doesNotContainKey("IS_SANDBOX");
    assertThat(Path.of(argv.getFirst())).isAbsolute();
  }

  @Test
  void command_givesEveryTool_whenNoAllowedToolsAreConfigured() {
    AgentsConfig.ClaudeOptions options = AgentsConfig.ClaudeOptions.defaults();

    List<String> argv = ClaudeCodeAgentRunner.command(options);

    assertThat(argv).contains("--dangerously-skip-permissions").doesNotContain("--permission-mode");
    // The CLI refuses that flag as root unless IS_SANDBOX=1: true in the sandbox, needed trusted.
    assertThat(ClaudeCodeAgentRunner.environment(options, true, false))
        .containsEntry("IS_SANDBOX", "1");
    assertThat(ClaudeCodeAgentRunner.environment(options, false, true))
        .containsEntry("IS_SANDBOX", "1");
    assertThat(ClaudeCodeAgentRunner.environment(options, false, false))
        .doesNotContainKey("IS_SANDBOX");
  }

  @Test
  void destinations_areTheConfiguredBaseUrl_orTheApi_andTheLoginHost() {
    assertThat(ClaudeCodeAgentRunner.destinations(Map.of()))
        .containsExactly(
            new Egress.Destination("api.anthropic.com", 443),
            new Egress.Destination("platform.claude.com", 443));
    assertThat(
            ClaudeCodeAgentRunner.destinations(
                Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:4010/prefix")))
        .first()
        .isEqualTo(new Egress.Destination("127.0.0.1", 4010));
  }
}
