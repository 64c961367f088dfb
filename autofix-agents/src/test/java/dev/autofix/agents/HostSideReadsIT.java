package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.agents.TestSupport.ListLog;
import dev.autofix.agents.internal.Paths2;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.Workspaces;
import dev.autofix.testkit.OutsideTmp;
import dev.autofix.testkit.fixtures.ErrorDetailsFixtures;
import dev.autofix.testkit.fixtures.Issues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What autofix itself reads, copies and deletes on the host side after untrusted code ran in the
 * worktree or the scratch home: links planted there are never followed out of them, and a file
 * hidden from the sandbox stays hidden even inside the checkout. (Each case was an attack that
 * worked against the first version of the sandbox.)
 */
class HostSideReadsIT {
  @TempDir Path tmp;
  private GitFixture repo;
  private Path userHome;
  private final ListLog log = new ListLog();
  private final Issue issue = Issues.anIssue().withShortId("BACKEND-4Z").build();

  @BeforeEach
  void setUp() throws IOException {
    repo = GitFixture.create(tmp.resolve("repos"));
    // Outside /tmp, which the sandbox hides whole: the hidden paths must do the hiding here.
    userHome = OutsideTmp.newDirectory("home");
    Files.createDirectories(userHome.resolve(".ssh"));
    Files.writeString(userHome.resolve(".ssh/id_rsa"), "PRIVATE-KEY-HIDDEN-123\n");
    Files.createDirectories(userHome.resolve(".claude"));
    Files.writeString(userHome.resolve(".claude/.credentials.json"), "{\"token\":\"login-1\"}\n");
  }

  @AfterEach
  void tearDown() throws IOException {
    Paths2.deleteTree(userHome);
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HOME", userHome.toString());
    env.put("FAKE_DIR", TestSupport.fakeAgent().getParent().toString());
    return env;
  }

  private AgentsConfig config(AgentsConfig.Agent agent, String command, String setup) {
    return AgentsConfig.of(repo.checkout, repo.dataDir).toBuilder()
        .agent(agent, command)
        .agentTimeout(Duration.ofSeconds(30))
        .setupCommand(setup)
        .access(TestSupport.sandbox())
        .build();
  }

  private AgentRunner.AgentResult run(AgentRunner agent, Workspace ws) {
    FixRun run = FixRun.queued(ws.runId(), issue, Instant.now());
    return agent.run(
        new AgentRunner.AgentTask(run, issue, ErrorDetailsFixtures.divisionByZero(), ws, log));
  }

  @Test
  void promptTemplate_plantedAsALink_isNotFollowed_toTheServersEnvironment() {
    // The setup runs first, in the worktree; autofix then reads .autofix/prompt.md on the host.
    for (String target : List.of("/proc/self/environ", userHome + "/.ssh/id_rsa")) {
      AgentsConfig config =
          config(
              AgentsConfig.Agent.COMMAND,
              "/bin/sh " + TestSupport.fakeAgent() + " echo",
              "mkdir -p .autofix && ln -sf " + target + " .autofix/prompt.md");
      Workspaces workspaces = GitWorkspaces.create(config, env());
      Workspace ws =
          workspaces.prepare(FixRun.queued(new RunId(target.length()), issue, Instant.now()), log);

      AgentRunner.AgentResult result = run(CommandAgentRunner.create(config, env()), ws);
      workspaces.release(ws);

      assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
      assertThat(log.text())
          .contains("How to work:") // the built-in template instead
          .doesNotContain("PRIVATE-KEY-HIDDEN-123")
          .doesNotContain("JAVA_HOME=")
          .doesNotContain("PATH=/");
    }
  }

  @Test
  void summary_behindALinkedAutofixDirectory_isNotRead() throws IOException {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("summary.md"), "SUMMARY-FROM-ELSEWHERE\n");
    Path script = tmp.resolve("bin/link-autofix.sh");
    Files.createDirectories(script.getParent());
    Files.writeString(
        script, "cat > /dev/null\nrm -rf .autofix\nln -s " + elsewhere + " .autofix\n");
    AgentsConfig config =
        config(AgentsConfig.Agent.COMMAND, "/bin/sh " + script, null)
            .withAccess(TestSupport.sandbox(script.getParent()));
    Workspaces workspaces = GitWorkspaces.create(config, env());
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(3), issue, Instant.now()), log);

    AgentRunner.AgentResult result = run(CommandAgentRunner.create(config, env()), ws);
    workspaces.release(ws);

    assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
    assertThat(((AgentRunner.Completed) result).report().summary()).isNull();
    assertThat(elsewhere.resolve("summary.md")).as("not deleted through the link").exists();
  }

  @Test
  void loginSeeding_plantedLinkInTheScratchHome_neverTouchesTheUsersLogin() throws IOException {
    Path claude = tmp.resolve("bin/claude");
    Files.createDirectories(claude.getParent());
    Files.copy(
        TestSupport.fakeAgent().resolveSibling("fake-claude.sh"),
        claude,
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(claude.toFile().setExecutable(true)).isTrue();
    Path victim = Files.createDirectories(tmp.resolve("victim"));
    AgentsConfig base =
        config(
            AgentsConfig.Agent.CLAUDE,
            null,
            // In the scratch home: a link where autofix will copy the login, one to the user's own
            "ln -s " + victim + " $HOME/.claude; ln -s " + userHome + "/.claude $HOME/.codex");
    AgentsConfig.ClaudeOptions c = base.claude();
    AgentsConfig config =
        base.toBuilder()
            .claude(
                new AgentsConfig.ClaudeOptions(
                    claude.toString(),
                    List.of("Bash(python3:*)"),
                    c.maxTurns(),
                    c.maxBudgetUsd(),
                    null,
                    null,
                    1,
                    c.apiTimeout()))
            .access(TestSupport.sandbox(claude.getParent()))
            .build();
    Map<String, String> env = env();
    env.put("FAKE_MODE", "edit");
    Workspaces workspaces = GitWorkspaces.create(config, env);
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(4), issue, Instant.now()), log);

    AgentRunner.AgentResult result = run(ClaudeCodeAgentRunner.create(config, env), ws);
    workspaces.release(ws);

    assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
    try (var files = Files.list(victim)) {
      assertThat(files).as("nothing copied through the planted link").isEmpty();
    }
    assertThat(userHome.resolve(".claude/.credentials.json"))
        .as("the user's own login")
        .hasContent("{\"token\":\"login-1\"}");
  }

  @Test
  void hiddenFileInsideTheCheckout_staysHidden_thoughTheCheckoutIsBoundReadOnly()
      throws IOException {
    Path secret = repo.checkout.resolve("autofix.yaml");
    Files.writeString(secret, "github_token: TOPSECRET\n");
    Path script = tmp.resolve("bin/read-config.sh");
    Files.createDirectories(script.getParent());
    Files.writeString(script, "cat > /dev/null\ncat " + secret + " || echo not-readable\n");
    AgentsConfig base = config(AgentsConfig.Agent.COMMAND, "/bin/sh " + script, null);
    AgentsConfig config =
        base.withAccess(
            TestSupport.sandbox(script.getParent()).alsoHiding(List.of(secret.toAbsolutePath())));
    Workspaces workspaces = GitWorkspaces.create(config, env());
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(5), issue, Instant.now()), log);

    AgentRunner.AgentResult result = run(CommandAgentRunner.create(config, env()), ws);
    workspaces.release(ws);

    assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
    assertThat(log.text()).doesNotContain("TOPSECRET");
  }
}
