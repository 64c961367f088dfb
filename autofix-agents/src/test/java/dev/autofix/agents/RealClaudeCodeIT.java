package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.agents.TestSupport.ListLog;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.Workspaces;
import dev.autofix.testkit.fixtures.ErrorDetailsFixtures;
import dev.autofix.testkit.fixtures.Issues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code claude} CLI against {@link FakeAnthropic}, in a real worktree. */
class RealClaudeCodeIT {
  @TempDir Path tmp;
  private Path claude;
  private GitFixture repo;
  private final ListLog log = new ListLog();
  private final Issue issue = Issues.anIssue().withShortId("BACKEND-4Z").build();

  @BeforeEach
  void setUp() {
    claude = RealClis.require("claude");
    repo = GitFixture.create(tmp.resolve("repos"));
  }

  private AgentsConfig config() {
    AgentsConfig d = AgentsConfig.of(repo.checkout, repo.dataDir);
    AgentsConfig.ClaudeOptions c = d.claude();
    return new AgentsConfig(
        AgentsConfig.Agent.CLAUDE,
        null,
        Duration.ofMinutes(2),
        "python3 test_calc.py",
        Duration.ofMinutes(1),
        null,
        d.setupTimeout(),
        d.repoPath(),
        d.baseBranch(),
        d.remote(),
        d.dataDir(),
        List.of(),
        null,
        d.gitAuthorName(),
        d.gitAuthorEmail(),
        d.logLimitBytes(),
        new AgentsConfig.ClaudeOptions(
            claude.toString(),
            List.of(),
            10,
            c.maxBudgetUsd(),
            "claude-opus-5-5",
            null,
            1,
            Duration.ofSeconds(20)),
        d.codex(),
        d.access());
  }

  private Map<String, String> env(FakeAnthropic fake) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    env.put("LANG", "C.UTF-8");
    env.put("TERM", "dumb");
    env.put("ANTHROPIC_BASE_URL", fake.baseUrl());
    env.put("ANTHROPIC_API_KEY", "sk-ant-fake-e2e");
    env.put("DISABLE_TELEMETRY", "1");
    env.put("DISABLE_AUTOUPDATER", "1");
    env.put("DISABLE_ERROR_REPORTING", "1");
    env.put("AUTOFIX_GITHUB_TOKEN", "secret-never-sent");
    return env;
  }

  private AgentRunner.AgentResult run(AgentsConfig config, Map<String, String> env, Workspace ws) {
    FixRun run = FixRun.queued(ws.runId(), issue, Instant.now());
    return ClaudeCodeAgentRunner.create(config, env)
        .run(new AgentRunner.AgentTask(run, issue, ErrorDetailsFixtures.divisionByZero(), ws, log));
  }

  @Test
  void realClaude_editsTheWorktree_andAutofixCommitsAndVerifiesIt() throws IOException {
    AgentsConfig config = config();
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(1), issue, Instant.now()), log);
    String calc = ws.directory().resolve("calc.py").toString();
    String summary = ws.directory().resolve(".autofix/summary.md").toString();
    AgentRunner.AgentResult result;
    try (FakeAnthropic fake =
        FakeAnthropic.scripted(
            List.of(
                FakeAnthropic.Turn.tool(
                    "Edit",
                    Map.of(
                        "file_path", calc,
                        "old_string", "return a - b",
                        "new_string", "return a + b")),
                FakeAnthropic.Turn.tool(
                    "Write",
                    Map.of(
                        "file_path",
                        summary,
                        "content",
                        "Root cause: add() subtracted.\nFix: add.\nVerified: test_calc.py.\n")),
                FakeAnthropic.Turn.text("Fixed: add() now returns a + b.")))) {
      result = run(config, env(fake), ws);
    }
    Workspaces.CommitResult commit = workspaces.commit(ws, "fix: add (BACKEND-4Z)");
    FixVerifier.Verification verification =
        ShellFixVerifier.create(config, System.getenv()).verify(ws, log);
    workspaces.release(ws);

    assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
    var report = ((AgentRunner.Completed) result).report();
    assertThat(report.summary()).startsWith("Root cause: add() subtracted.");
    assertThat(report.turns()).isEqualTo(3);
    assertThat(report.sessionId()).isNotBlank();
    assertThat(report.costUsd()).isNotNull();
    assertThat(commit).isInstanceOf(Workspaces.Committed.class);
    assertThat(((Workspaces.Committed) commit).patch().changedFiles()).containsExactly("calc.py");
    assertThat(verification).as(log.text()).isInstanceOf(FixVerifier.Passed.class);
    assertThat(log.text()).contains("claude | {\"type\":\"system\",\"subtype\":\"init\"");
  }

  @Test
  void realClaude_runsTheTestsWithBash_inTheDefaultSandbox_andTheModelGetsTheirOutput()
      throws IOException {
    AgentsConfig config = config(); // the default access: sandboxed, every tool
    assertThat(config.access().isSandboxed()).isTrue();

    String toolResult = runTheTestsWithBash(config, 5);

    assertThat(toolResult)
        .contains("AssertionError: add(2, 3) != 5")
        .contains("exit=1 home=/run/autofix/home")
        .doesNotContain("requires approval")
        .doesNotContain("permission");
    assertThat(log.text()).doesNotContain("tool uses refused");
  }

  @Test
  void realClaude_runsTheTestsWithBash_whenTrusted_evenAsRoot() throws IOException {
    // Trusted, Claude runs --dangerously-skip-permissions as the user; as root the CLI refuses
    // that flag unless IS_SANDBOX=1, which autofix sets there (CI and this machine run as root).
    String toolResult = runTheTestsWithBash(config().withAccess(AgentAccess.trusted()), 6);

    assertThat(toolResult)
        .contains("AssertionError: add(2, 3) != 5")
        .contains("exit=1 home=" + tmp.resolve("home"));
  }

  /**
   * A scripted turn asks for Bash to run the fixture's failing test; the run completes, and the
   * text of the tool result the next model request carries comes back.
   */
  private String runTheTestsWithBash(AgentsConfig config, long runId) throws IOException {
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(runId), issue, Instant.now()), log);
    AgentRunner.AgentResult result;
    List<String> bodies;
    try (FakeAnthropic fake =
        FakeAnthropic.scripted(
            List.of(
                FakeAnthropic.Turn.tool(
                    "Bash",
                    Map.of(
                        "command",
                        "python3 test_calc.py; echo \"exit=$? home=$HOME\"",
                        "description",
                        "Reproduce the error")),
                FakeAnthropic.Turn.text("Reproduced: add(2, 3) != 5.")))) {
      result = run(config, env(fake), ws);
      bodies = fake.bodies();
    }
    workspaces.release(ws);

    assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
    assertThat(bodies).as(log.text()).hasSizeGreaterThanOrEqualTo(2);
    return toolResults(bodies.get(1));
  }

  /** The text of every {@code tool_result} block in a Messages API request body. */
  private static String toolResults(String body) throws IOException {
    StringBuilder text = new StringBuilder();
    for (JsonNode message : new ObjectMapper().readTree(body).path("messages")) {
      for (JsonNode block : message.path("content")) {
        if ("tool_result".equals(block.path("type").asText())) {
          JsonNode content = block.path("content");
          if (content.isTextual()) {
            text.append(content.asText()).append('\n');
          } else {
            content.forEach(part -> text.append(part.path("text").asText()).append('\n'));
          }
        }
      }
    }
    return text.toString();
  }

  @Test
  void realClaude_failsWithTheCliMessage_whenTheApiAnswers401() throws IOException {
    AgentsConfig config = config();
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(2), issue, Instant.now()), log);
    AgentRunner.AgentResult result;
    long start = System.nanoTime();
    try (FakeAnthropic fake = FakeAnthropic.failing(401)) {
      result = run(config, env(fake), ws);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    workspaces.release(ws);

    assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Failed.class);
    assertThat(((AgentRunner.Failed) result).message()).contains("api_error (HTTP 401)");
    System.out.println("real claude, 401: " + result + " after " + took);
  }
}
