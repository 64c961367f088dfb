package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.agents.TestSupport.ListLog;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.Workspaces;
import dev.autofix.testkit.fixtures.ErrorDetailsFixtures;
import dev.autofix.testkit.fixtures.Issues;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Claude and Codex runners driving stand-in CLIs that print recorded output. */
class CliAgentRunnersIT {
  @TempDir Path tmp;
  private GitFixture repo;
  private final ListLog log = new ListLog();
  private final Issue issue = Issues.anIssue().withShortId("BACKEND-4Z").build();

  @BeforeEach
  void setUp() {
    repo = GitFixture.create(tmp.resolve("repos"));
  }

  private Path executable(String name) throws IOException {
    Path target = tmp.resolve("bin").resolve(name);
    Files.createDirectories(target.getParent());
    Files.copy(
        TestSupport.fakeAgent().resolveSibling(name), target, StandardCopyOption.REPLACE_EXISTING);
    assertThat(target.toFile().setExecutable(true)).isTrue();
    return target;
  }

  private Map<String, String> env(String mode) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("FAKE_MODE", mode);
    env.put("FAKE_DIR", TestSupport.fakeAgent().getParent().toString());
    return env;
  }

  private AgentsConfig config(AgentsConfig.Agent agent, Path binary) {
    AgentsConfig d = AgentsConfig.of(repo.checkout, repo.dataDir);
    AgentsConfig.ClaudeOptions c = d.claude();
    return new AgentsConfig(
        agent,
        null,
        d.agentTimeout(),
        null,
        d.testTimeout(),
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
            binary.toString(),
            List.of("Bash(python3:*)"),
            c.maxTurns(),
            c.maxBudgetUsd(),
            null,
            null,
            1,
            c.apiTimeout()),
        new AgentsConfig.CodexOptions(binary.toString(), "gpt-5.5", List.of(), null, null),
        TestSupport.sandbox(binary.getParent()));
  }

  private AgentRunner.AgentResult run(AgentRunner runner, Workspace ws) {
    FixRun run = FixRun.queued(ws.runId(), issue, Instant.now());
    return runner.run(
        new AgentRunner.AgentTask(run, issue, ErrorDetailsFixtures.divisionByZero(), ws, log));
  }

  @Test
  void claude_completesAndTheEditIsCommitted_whenTheResultLineSaysCompleted() throws IOException {
    AgentsConfig config = config(AgentsConfig.Agent.CLAUDE, executable("fake-claude.sh"));
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(1), issue, Instant.now()), log);

    AgentRunner.AgentResult result = run(ClaudeCodeAgentRunner.create(config, env("edit")), ws);
    Workspaces.CommitResult commit = workspaces.commit(ws, "fix");
    workspaces.release(ws);

    assertThat(result).isInstanceOf(AgentRunner.Completed.class);
    var report = ((AgentRunner.Completed) result).report();
    assertThat(report.summary()).isEqualTo("Root cause: add() subtracted.");
    assertThat(report.costUsd()).isEqualByComparingTo(new BigDecimal("0.154592"));
    assertThat(report.turns()).isEqualTo(3);
    assertThat(commit).isInstanceOf(Workspaces.Committed.class);
    assertThat(log.text()).contains("claude | {\"type\":\"result\"").contains("claude: completed");
  }

  @Test
  void claude_failsWithTheApiMessage_whenTheKeyIsRejected() throws IOException {
    AgentsConfig config = config(AgentsConfig.Agent.CLAUDE, executable("fake-claude.sh"));
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(2), issue, Instant.now()), log);

    AgentRunner.AgentResult result =
        run(ClaudeCodeAgentRunner.create(config, env("api-error")), ws);
    workspaces.release(ws);

    assertThat(result)
        .isEqualTo(
            new AgentRunner.Failed(
                1,
                "api_error (HTTP 401): Invalid API key · Fix external API key",
                java.math.BigDecimal.ZERO));
  }

  @Test
  void codex_completesWithTheLastMessage_whenATurnCompleted() throws IOException {
    AgentsConfig config = config(AgentsConfig.Agent.CODEX, executable("fake-codex.sh"));
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(3), issue, Instant.now()), log);

    AgentRunner.AgentResult result = run(CodexAgentRunner.create(config, env("edit")), ws);
    Workspaces.CommitResult commit = workspaces.commit(ws, "fix");
    workspaces.release(ws);

    assertThat(result).isInstanceOf(AgentRunner.Completed.class);
    assertThat(((AgentRunner.Completed) result).report().summary())
        .isEqualTo("Fixed calc.add: it returned a - b; it now returns a + b.");
    assertThat(commit).isInstanceOf(Workspaces.Committed.class);
    // In the sandbox CODEX_HOME is the run's own copy (the stand-in checks it is a directory).
    assertThat(log.text()).doesNotContain("CODEX_HOME is not a directory");
  }

  @Test
  void codex_failsWithTheTurnFailedMessage_whenTheApiAnswers401() throws IOException {
    AgentsConfig config = config(AgentsConfig.Agent.CODEX, executable("fake-codex.sh"));
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(4), issue, Instant.now()), log);

    AgentRunner.AgentResult result = run(CodexAgentRunner.create(config, env("401")), ws);
    workspaces.release(ws);

    assertThat(result).isInstanceOf(AgentRunner.Failed.class);
    assertThat(((AgentRunner.Failed) result).message()).startsWith("unexpected status 401");
  }
}
