package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.agents.TestSupport.ListLog;
import dev.autofix.agents.internal.Paths2;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code codex exec} against {@link FakeOpenAi}, in a real worktree. */
class RealCodexIT {
  private static final String PATCH =
      """
      *** Begin Patch
      *** Update File: calc.py
      @@
       def add(a, b):
      -    return a - b
      +    return a + b
      *** Add File: .autofix/summary.md
      +Root cause: add() subtracted.
      +Fix: add.
      *** End Patch
      """;

  @TempDir Path tmp;
  private Path codex;
  private Path codexHome;
  private GitFixture repo;
  private final ListLog log = new ListLog();
  private final Issue issue = Issues.anIssue().withShortId("BACKEND-4Z").build();

  @BeforeEach
  void setUp() throws IOException {
    codex = RealClis.require("codex");
    repo = GitFixture.create(tmp.resolve("repos"));
    // Not under /tmp: Codex refuses to set up its sandbox helpers there.
    codexHome =
        Files.createDirectories(Path.of("target", "codex-home-" + UUID.randomUUID()))
            .toAbsolutePath();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (codexHome != null) {
      Paths2.deleteTree(codexHome);
    }
  }

  private AgentsConfig config(FakeOpenAi fake) {
    AgentsConfig d = AgentsConfig.of(repo.checkout, repo.dataDir);
    String provider =
        "model_providers.fake={name=\"fake\",base_url=\""
            + fake.baseUrl()
            + "\",wire_api=\"responses\",env_key=\"FAKE_OPENAI_API_KEY\","
            + "request_max_retries=0,stream_max_retries=0,stream_idle_timeout_ms=5000}";
    return new AgentsConfig(
        AgentsConfig.Agent.CODEX,
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
        d.claude(),
        new AgentsConfig.CodexOptions(
            codex.toString(),
            "gpt-5.5",
            List.of(
                "model_provider=\"fake\"",
                provider,
                "features.plugins=false",
                "features.unbounded_connection_retries=false",
                "analytics.enabled=false",
                "check_for_update_on_startup=false"),
            null,
            codexHome),
        d.access());
  }

  private Map<String, String> env() throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    env.put("LANG", "C.UTF-8");
    env.put("FAKE_OPENAI_API_KEY", "sk-fake-e2e");
    env.put("AUTOFIX_SENTRY_TOKEN", "secret-never-sent");
    env.put("MY_SERVICE_TOKEN", "secret-service-token");
    env.put("VISIBLE_SETTING", "on");
    return env;
  }

  private AgentRunner.AgentResult run(AgentsConfig config, Workspace ws) throws IOException {
    FixRun run = FixRun.queued(ws.runId(), issue, Instant.now());
    return CodexAgentRunner.create(config, env())
        .run(new AgentRunner.AgentTask(run, issue, ErrorDetailsFixtures.divisionByZero(), ws, log));
  }

  @Test
  void realCodex_patchesTheWorktree_andAutofixCommitsAndVerifiesIt() throws IOException {
    try (FakeOpenAi fake =
        new FakeOpenAi(
            List.of(
                new FakeOpenAi.Patch(PATCH),
                new FakeOpenAi.Message("Fixed calc.add: it now returns a + b.")))) {
      AgentsConfig config = config(fake);
      Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
      Workspace ws = workspaces.prepare(FixRun.queued(new RunId(1), issue, Instant.now()), log);

      AgentRunner.AgentResult result = run(config, ws);
      Workspaces.CommitResult commit = workspaces.commit(ws, "fix: add (BACKEND-4Z)");
      FixVerifier.Verification verification =
          ShellFixVerifier.create(config, System.getenv()).verify(ws, log);
      workspaces.release(ws);

      assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
      var report = ((AgentRunner.Completed) result).report();
      assertThat(report.summary()).startsWith("Root cause: add() subtracted.");
      assertThat(report.turns()).isEqualTo(1);
      assertThat(report.sessionId()).isNotBlank();
      assertThat(commit).as(log.text()).isInstanceOf(Workspaces.Committed.class);
      assertThat(((Workspaces.Committed) commit).patch().changedFiles()).containsExactly("calc.py");
      assertThat(verification).as(log.text()).isInstanceOf(FixVerifier.Passed.class);
    }
  }

  @Test
  void realCodex_keepsKeysAndTokensOutOfTheModelsShell() throws IOException {
    try (FakeOpenAi fake =
        new FakeOpenAi(
            List.of(
                new FakeOpenAi.Exec("env > .autofix/env.txt"),
                new FakeOpenAi.Message("Looked around.")))) {
      // Let two of the user's variables into the sandbox: Codex's shell policy still drops the
      // token among them, and never sees the provider's key.
      AgentsConfig base = config(fake);
      AgentAccess d = base.access();
      AgentsConfig config =
          base.withAccess(
              new AgentAccess(
                  d.mode(),
                  d.writable(),
                  d.readable(),
                  d.hidden(),
                  d.allowedHosts(),
                  List.of("VISIBLE_SETTING", "MY_SERVICE_TOKEN"),
                  null));
      Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
      Workspace ws = workspaces.prepare(FixRun.queued(new RunId(3), issue, Instant.now()), log);

      AgentRunner.AgentResult result = run(config, ws);
      String shellEnv = Files.readString(ws.directory().resolve(".autofix/env.txt"));
      workspaces.release(ws);

      assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
      assertThat(shellEnv)
          .contains("PATH=")
          .contains("VISIBLE_SETTING=on")
          .contains("HOME=/run/autofix/home");
      assertThat(shellEnv)
          .doesNotContain("sk-fake-e2e")
          .doesNotContain("secret-never-sent")
          .doesNotContain("secret-service-token");
    }
  }

  @Test
  void realCodex_runsTheTestsInItsShell_inTheDefaultSandbox_andTheModelGetsTheirOutput()
      throws IOException {
    try (FakeOpenAi fake =
        new FakeOpenAi(
            List.of(
                new FakeOpenAi.Exec("python3 test_calc.py; echo \"exit=$? home=$HOME\""),
                new FakeOpenAi.Message("Reproduced: add(2, 3) != 5.")))) {
      AgentsConfig config = config(fake);
      assertThat(config.access().isSandboxed()).isTrue();
      Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
      Workspace ws = workspaces.prepare(FixRun.queued(new RunId(5), issue, Instant.now()), log);

      AgentRunner.AgentResult result = run(config, ws);
      workspaces.release(ws);
      List<String> bodies = fake.bodies();

      assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
      assertThat(bodies).as(log.text()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(bodies.get(1))
          .contains("function_call_output")
          .contains("AssertionError: add(2, 3) != 5")
          .contains("exit=1 home=/run/autofix/home")
          .doesNotContain("bwrap:");
    }
  }

  @Test
  void realCodex_failsWithTheCliMessage_whenTheApiAnswers401() throws IOException {
    try (FakeOpenAi fake =
        new FakeOpenAi(
            List.of(new FakeOpenAi.HttpError(401, "Incorrect API key provided: sk-fake.")))) {
      AgentsConfig config = config(fake);
      Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
      Workspace ws = workspaces.prepare(FixRun.queued(new RunId(2), issue, Instant.now()), log);
      long start = System.nanoTime();

      AgentRunner.AgentResult result = run(config, ws);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      workspaces.release(ws);

      assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Failed.class);
      assertThat(((AgentRunner.Failed) result).message()).contains("401");
      System.out.println("real codex, 401: " + result + " after " + took);
    }
  }
}
