package dev.autofix.agents;

import static dev.autofix.agents.ClaudeCodeAgentRunnerTest.exited;
import static dev.autofix.agents.ClaudeCodeAgentRunnerTest.lines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.agents.internal.CodexEvents;
import dev.autofix.agents.internal.Egress;
import dev.autofix.core.model.AgentReport;
import dev.autofix.core.port.AgentRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodexAgentRunnerTest {

  static CodexEvents parse(String resource) {
    CodexEvents events = new CodexEvents();
    lines(resource).forEach(events::accept);
    return events;
  }

  @Test
  void decide_completesWithTheThreadAndTurns_whenATurnCompleted() {
    CodexEvents events = parse("codex-success.jsonl");

    AgentRunner.AgentResult result = CodexAgentRunner.decide(exited(0, ""), events, null);

    assertThat(events.inputTokens()).isEqualTo(200);
    assertThat(events.outputTokens()).isEqualTo(40);
    assertThat(events.fileChanges()).isEqualTo(1);
    assertThat(result)
        .isEqualTo(
            new AgentRunner.Completed(
                new AgentReport(
                    "Fixed calc.add: it returned a - b; it now returns a + b.",
                    null,
                    1,
                    "01a20c73-39c4-73a0-9074-5e97900d21c7",
                    200L,
                    40L)));
  }

  @Test
  void decide_costsTheTokensAtTheConfiguredPrices_andIsUnknownWithoutThem() {
    AgentsConfig.CodexOptions priced =
        new AgentsConfig.CodexOptions(
            "codex",
            null,
            java.util.List.of(),
            null,
            null,
            new java.math.BigDecimal("2.50"),
            new java.math.BigDecimal("10"));

    AgentRunner.AgentResult result =
        CodexAgentRunner.decide(exited(0, ""), parse("codex-success.jsonl"), null, priced);

    assertThat(((AgentRunner.Completed) result).report().costUsd())
        .as("200 in at $2.50 and 40 out at $10 per million")
        .isEqualByComparingTo("0.0009");
    assertThat(
            ((AgentRunner.Failed)
                    CodexAgentRunner.decide(
                        exited(1, "ERROR codex_core: noise"),
                        parse("codex-401.jsonl"),
                        null,
                        priced))
                .costUsd())
        .as("a failed turn's tokens still cost")
        .isNotNull();
    assertThat(
            CodexAgentRunner.decide(
                exited(0, ""),
                parse("codex-success.jsonl"),
                null,
                new AgentsConfig.CodexOptions(
                    "codex",
                    null,
                    java.util.List.of(),
                    null,
                    null,
                    new java.math.BigDecimal("2"),
                    null)))
        .extracting(r -> ((AgentRunner.Completed) r).report().costUsd())
        .as("one price alone is no price")
        .isNull();
  }

  @Test
  void decide_failsWithTheTurnFailedMessage_whenTheApiAnswered401() {
    AgentRunner.AgentResult result =
        CodexAgentRunner.decide(
            exited(1, "ERROR codex_core: noise"), parse("codex-401.jsonl"), null);

    assertThat(result)
        .isEqualTo(
            new AgentRunner.Failed(
                1,
                "unexpected status 401 Unauthorized: Incorrect API key provided: sk-fake., url:"
                    + " http://127.0.0.1:34077/v1/responses"));
  }

  @Test
  void decide_completes_whenThePatchWasRejectedButTheTurnCompleted() {
    CodexEvents events = parse("codex-no-change.jsonl");

    AgentRunner.AgentResult result =
        CodexAgentRunner.decide(exited(0, ""), events, "summary from the file");

    // Exit 0 says nothing about the diff: Workspaces.commit will find it unchanged.
    assertThat(events.failedFileChanges()).isEqualTo(1);
    assertThat(((AgentRunner.Completed) result).report().summary())
        .isEqualTo("summary from the file");
  }

  @Test
  void decide_fails_whenCodexExitedWithoutAnyEvent() {
    assertThat(
            CodexAgentRunner.decide(
                exited(2, "error: unexpected argument"), new CodexEvents(), null))
        .isEqualTo(new AgentRunner.Failed(2, "error: unexpected argument"));
    assertThat(CodexAgentRunner.decide(exited(0, ""), new CodexEvents(), null))
        .isInstanceOf(AgentRunner.Failed.class);
  }

  @Test
  void command_readsThePromptFromStdin_inTheWorktreeSandbox() {
    AgentsConfig.CodexOptions options =
        new AgentsConfig.CodexOptions(
            "codex", "gpt-5.5", List.of("model_provider=\"fake\""), "workspace-write", null);

    List<String> argv =
        CodexAgentRunner.command(
            options, false, Path.of("/data/wt"), Path.of("/data/runs/last.txt"));

    assertThat(argv)
        .startsWith("codex", "exec", "--json")
        .containsSubsequence("--sandbox", "workspace-write")
        .contains("--skip-git-repo-check")
        .containsSubsequence("-C", "/data/wt")
        .containsSubsequence("-o", "/data/runs/last.txt")
        .containsSubsequence("-m", "gpt-5.5")
        .containsSubsequence("-c", CodexAgentRunner.SHELL_POLICY)
        .containsSubsequence("-c", "model_provider=\"fake\"")
        .endsWith("-");
  }

  @Test
  void command_runsNoSandboxOfCodexsOwn_insideAutofixs_andBypassesItWhenTrusted() {
    AgentsConfig.CodexOptions options = AgentsConfig.CodexOptions.defaults();
    Path wt = Path.of("/data/wt");
    Path last = Path.of("/data/wt/.autofix/last.txt");

    assertThat(CodexAgentRunner.command(options, true, wt, last))
        .containsSubsequence("--sandbox", "danger-full-access")
        .doesNotContain("--dangerously-bypass-approvals-and-sandbox");
    assertThat(CodexAgentRunner.command(options, false, wt, last))
        .contains("--dangerously-bypass-approvals-and-sandbox")
        .doesNotContain("--sandbox");
  }

  @Test
  void decide_fails_whenCodexsOwnSandboxCouldNotRunACommand_thoughCodexExited0() {
    CodexEvents events = new CodexEvents();
    events.accept("{\"type\":\"thread.started\",\"thread_id\":\"t1\"}");
    events.accept(
        "{\"type\":\"item.completed\",\"item\":{\"type\":\"command_execution\","
            + "\"aggregated_output\":\"bwrap: execvp codex-linux-sandbox: No such file or"
            + " directory\\n\",\"exit_code\":1,\"status\":\"failed\"}}");
    events.accept("{\"type\":\"turn.completed\",\"usage\":{}}");

    AgentRunner.AgentResult result = CodexAgentRunner.decide(exited(0, ""), events, null);

    assertThat(result)
        .isEqualTo(
            new AgentRunner.Failed(
                1,
                "Codex's own sandbox could not run commands: bwrap: execvp codex-linux-sandbox:"
                    + " No such file or directory"));
  }

  @Test
  void insideTempDir_followsTmpdirAndLinks_likeCodexDoes(@TempDir Path dir) throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), tmp);
    Map<String, String> env = Map.of("TMPDIR", tmp.toString());

    assertThat(CodexAgentRunner.insideTempDir(tmp.resolve("codex-home"), env)).isTrue();
    assertThat(CodexAgentRunner.insideTempDir(link.resolve("not-yet/codex-home"), env)).isTrue();
    assertThat(CodexAgentRunner.insideTempDir(dir.resolve("elsewhere"), env)).isFalse();
    assertThat(CodexAgentRunner.insideTempDir(Path.of("/tmp/x"), Map.of())).isTrue();
  }

  @Test
  void destinationsAndKeys_comeFromTheProviderSettings() {
    String settings =
        "model_provider=\"fake\"\nmodel_providers.fake={name=\"fake\",base_url=\"http://127.0.0.1:7070/v1\","
            + "env_key=\"FAKE_OPENAI_API_KEY\"}";

    assertThat(CodexAgentRunner.destinations(settings))
        .contains(new Egress.Destination("127.0.0.1", 7070))
        .doesNotContain(new Egress.Destination("api.openai.com", 443));
    assertThat(CodexAgentRunner.destinations(""))
        .contains(new Egress.Destination("api.openai.com", 443));
    assertThat(CodexAgentRunner.allowed(settings)).contains("FAKE_OPENAI_API_KEY", "CODEX_API_KEY");
  }
}
