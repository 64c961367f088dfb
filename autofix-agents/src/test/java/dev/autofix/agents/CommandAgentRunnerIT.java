package dev.autofix.agents;

import static dev.autofix.agents.GitFixture.git;
import static dev.autofix.agents.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.agents.TestSupport.ListLog;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.Workspaces;
import dev.autofix.core.usecase.AutofixPolicy;
import dev.autofix.core.usecase.FixNextRun;
import dev.autofix.testkit.FakeIssueSource;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunLogs;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.RecordingDefectReporter;
import dev.autofix.testkit.RecordingPullRequestPublisher;
import dev.autofix.testkit.fixtures.ErrorDetailsFixtures;
import dev.autofix.testkit.fixtures.Issues;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandAgentRunnerIT {
  private static final String PASSING_TEST = "grep -q 'return a + b' calc.py";

  @TempDir Path tmp;
  private GitFixture repo;
  private final ListLog log = new ListLog();
  private final Issue issue = Issues.anIssue().withShortId("BACKEND-4Z").build();

  @BeforeEach
  void setUp() {
    repo = GitFixture.create(tmp);
  }

  private AgentsConfig config(String mode, Duration timeout, String testCommand) {
    AgentsConfig d = AgentsConfig.of(repo.checkout, repo.dataDir);
    return new AgentsConfig(
        AgentsConfig.Agent.COMMAND,
        "/bin/sh " + TestSupport.fakeAgent() + " " + mode,
        timeout,
        testCommand,
        Duration.ofSeconds(30),
        null,
        d.setupTimeout(),
        d.repoPath(),
        d.baseBranch(),
        d.remote(),
        d.dataDir(),
        List.of("CUSTOM_*"),
        null,
        d.gitAuthorName(),
        d.gitAuthorEmail(),
        d.logLimitBytes(),
        d.claude(),
        d.codex(),
        TestSupport.sandbox());
  }

  private AgentRunner.AgentResult runAgent(AgentsConfig config, Workspace ws) {
    return runAgent(config, ws, System.getenv());
  }

  private AgentRunner.AgentResult runAgent(
      AgentsConfig config, Workspace ws, Map<String, String> env) {
    FixRun run = FixRun.queued(ws.runId(), issue, Instant.now());
    return CommandAgentRunner.create(config, env)
        .run(new AgentRunner.AgentTask(run, issue, ErrorDetailsFixtures.divisionByZero(), ws, log));
  }

  private Workspace prepare(Workspaces workspaces, long id) {
    return workspaces.prepare(FixRun.queued(new RunId(id), issue, Instant.now()), log);
  }

  @Test
  void run_completesWithTheSummary_andTheEditIsCommittedAndVerified_whenTheAgentEdits() {
    AgentsConfig config = config("edit", Duration.ofSeconds(30), PASSING_TEST);
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = prepare(workspaces, 1);

    AgentRunner.AgentResult result = runAgent(config, ws);
    Workspaces.CommitResult commit = workspaces.commit(ws, "fix: add (BACKEND-4Z)");
    FixVerifier.Verification verification =
        ShellFixVerifier.create(config, System.getenv()).verify(ws, log);
    workspaces.release(ws);

    assertThat(result).isInstanceOf(AgentRunner.Completed.class);
    assertThat(((AgentRunner.Completed) result).report().summary())
        .startsWith("Root cause: add() subtracted.");
    assertThat(commit).isInstanceOf(Workspaces.Committed.class);
    assertThat(((Workspaces.Committed) commit).patch().changedFiles()).containsExactly("calc.py");
    assertThat(verification).isInstanceOf(FixVerifier.Passed.class);
    assertThat(log.text()).contains("agent | fake agent: mode=edit, prompt of");
    assertThat(repo.dataDir.resolve("runs/run-1/prompt.md")).exists();
    assertThat(ws.directory()).doesNotExist();
  }

  @Test
  void run_completesButNothingIsCommitted_whenTheAgentChangesNothing() {
    AgentsConfig config = config("nothing", Duration.ofSeconds(30), PASSING_TEST);
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = prepare(workspaces, 2);

    AgentRunner.AgentResult result = runAgent(config, ws);
    Workspaces.CommitResult commit = workspaces.commit(ws, "fix");
    FixVerifier.Verification verification =
        ShellFixVerifier.create(config, System.getenv()).verify(ws, log);
    workspaces.release(ws);

    assertThat(result).isInstanceOf(AgentRunner.Completed.class);
    assertThat(((AgentRunner.Completed) result).report().summary())
        .isEqualTo("Could not reproduce the error.");
    assertThat(commit).isEqualTo(new Workspaces.Unchanged());
    assertThat(verification).isInstanceOf(FixVerifier.Failed.class);
    assertThat(((FixVerifier.Failed) verification).exitCode()).isEqualTo(1);
  }

  @Test
  void run_timesOut_whenTheAgentHangs() {
    AgentsConfig config = config("hang", Duration.ofMillis(800), null);
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = prepare(workspaces, 3);

    AgentRunner.AgentResult result = runAgent(config, ws);
    workspaces.release(ws);

    assertThat(result).isInstanceOf(AgentRunner.TimedOut.class);
    assertThat(((AgentRunner.TimedOut) result).outputTail()).contains("hanging");
    assertThat(log.text()).contains("timed out after PT0.8S");
  }

  @Test
  void run_timesOutAndKillsTheChild_whenTheAgentSpawnsAChildAndHangs() {
    AgentsConfig config =
        config("spawn-hang", Duration.ofMillis(800), null).withAccess(AgentAccess.trusted());
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = prepare(workspaces, 4);

    AgentRunner.AgentResult result = runAgent(config, ws);
    workspaces.release(ws);

    assertThat(result).isInstanceOf(AgentRunner.TimedOut.class);
    String childLine =
        log.lines().stream().filter(l -> l.startsWith("agent | child ")).findFirst().orElseThrow();
    long child = Long.parseLong(childLine.substring("agent | child ".length()).strip());
    assertThat(TestSupport.isRunning(child)).isFalse();
  }

  @Test
  void run_timesOutAndKillsTheChild_inTheSandbox() {
    // Inside its PID namespace the agent prints pids of its own: look for the child by its argv.
    String marker = "1000." + (System.nanoTime() % 1_000_000);
    AgentsConfig config = config("spawn-hang " + marker, Duration.ofMillis(800), null);
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = prepare(workspaces, 14);

    AgentRunner.AgentResult result = runAgent(config, ws);
    workspaces.release(ws);

    assertThat(result).as(log.text()).isInstanceOf(AgentRunner.TimedOut.class);
    assertThat(log.text()).contains("agent | child ");
    assertThat(TestSupport.processesWithArgument(marker)).isEmpty();
  }

  @Test
  void release_removesAWorktreeTheAgentLocked_soTheRetryCanPrepareItAgain() {
    // Trusted, the agent can write the worktree's metadata (the sandbox makes it read-only).
    AgentsConfig config =
        config("lock", Duration.ofSeconds(30), null).withAccess(AgentAccess.trusted());
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = prepare(workspaces, 17);

    AgentRunner.AgentResult result = runAgent(config, ws);
    workspaces.release(ws);
    Workspace again = prepare(workspaces, 17);
    workspaces.release(again);

    assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
    assertThat(again.directory()).isEqualTo(ws.directory());
    assertThat(ws.directory()).doesNotExist();
  }

  @Test
  void run_failsWithTheExitCodeAndStderr_whenTheAgentExits3() {
    AgentsConfig config = config("exit3", Duration.ofSeconds(30), null);
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = prepare(workspaces, 5);

    AgentRunner.AgentResult result = runAgent(config, ws);
    workspaces.release(ws);

    assertThat(result).isEqualTo(new AgentRunner.Failed(3, "boom: the model is unavailable"));
  }

  @Test
  void run_givesTheSandboxOnlyItsAllowList_andNeverAnAutofixSecret() {
    AgentsConfig base = config("env", Duration.ofSeconds(30), null);
    AgentAccess access =
        new AgentAccess(
            AgentAccess.Mode.SANDBOXED,
            List.of(),
            List.of(TestSupport.fakeAgent().getParent().toString()),
            AgentAccess.DEFAULT_HIDDEN,
            List.of(),
            // Asking for autofix's own secrets by name does not get them either.
            List.of("KEEP_ME", "AUTOFIX_*", "GITHUB_TOKEN", "CUSTOM_*"),
            List.of());
    AgentsConfig config = base.withAccess(access);
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = prepare(workspaces, 16);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("AUTOFIX_GITHUB_TOKEN", "secret-github-1");
    env.put("AUTOFIX_ADMIN_TOKEN", "secret-admin-4");
    env.put("AUTOFIX_DATABASE_URL", "postgres://u:secret-db-5@h/db");
    env.put("GITHUB_TOKEN", "secret-github-6");
    env.put("CUSTOM_DEPLOY_KEY", "secret-custom-8");
    env.put("KEEP_ME", "visible-9");
    env.put("NOT_ALLOWED", "invisible-10");

    AgentRunner.AgentResult result = runAgent(config, ws, env);
    workspaces.release(ws);

    assertThat(result).as(log.text()).isInstanceOf(AgentRunner.Completed.class);
    assertThat(log.text())
        .contains("KEEP_ME=visible-9")
        .contains("HOME=/run/autofix/home")
        .doesNotContain("secret-")
        .doesNotContain("invisible-10");
  }

  @Test
  void run_givesTheAgentNoAutofixSecret() {
    AgentsConfig config =
        config("env", Duration.ofSeconds(30), null).withAccess(AgentAccess.trusted());
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = prepare(workspaces, 6);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("AUTOFIX_GITHUB_TOKEN", "secret-github-1");
    env.put("AUTOFIX_SENTRY_TOKEN", "secret-sentry-2");
    env.put("AUTOFIX_SENTRY_CLIENT_SECRET", "secret-sentry-3");
    env.put("AUTOFIX_ADMIN_TOKEN", "secret-admin-4");
    env.put("AUTOFIX_DATABASE_URL", "postgres://u:secret-db-5@h/db");
    env.put("GITHUB_TOKEN", "secret-github-6");
    env.put("GH_TOKEN", "secret-gh-7");
    env.put("CUSTOM_DEPLOY_KEY", "secret-custom-8");
    env.put("KEEP_ME", "visible-9");

    AgentRunner.AgentResult result = runAgent(config, ws, env);
    workspaces.release(ws);

    assertThat(result).isInstanceOf(AgentRunner.Completed.class);
    assertThat(log.text()).contains("KEEP_ME=visible-9").doesNotContain("secret-");
    assertThat(log.text()).contains("AUTOFIX_SUMMARY_FILE=" + ws.directory());
  }

  @Test
  void run_usesTheRepositorysPromptTemplate_whenTheCheckoutHasOne() {
    write(repo.checkout.resolve(".autofix/prompt.md"), "House template for {{short_id}}.\n");
    git(repo.checkout, "add", ".autofix/prompt.md");
    GitFixture.commit(repo.checkout, "prompt template");
    git(repo.checkout, "push", "--quiet", "origin", "main");
    AgentsConfig config = config("echo", Duration.ofSeconds(30), null);
    Workspaces workspaces = GitWorkspaces.create(config, System.getenv());
    Workspace ws = prepare(workspaces, 7);

    runAgent(config, ws);
    workspaces.release(ws);

    assertThat(log.lines()).contains("agent | House template for BACKEND-4Z.");
    assertThat(log.text()).contains("agent | <<<SENTRY_DATA ");
  }

  @Test
  void fixNextRun_opensAPullRequest_withTheRealWorkspaceAgentAndVerifier() {
    AgentsConfig config = config("edit", Duration.ofSeconds(30), PASSING_TEST);
    Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    InMemoryRunStore store = new InMemoryRunStore();
    List<String> published = new ArrayList<>();
    RecordingPullRequestPublisher publisher =
        new RecordingPullRequestPublisher()
            .onPublish(
                request -> {
                  Patch patch = request.patch();
                  published.add(GitWorkspacesIT.own(patch, "show", patch.commit() + ":calc.py"));
                  published.add(
                      GitWorkspacesIT.own(patch, "log", "-1", "--format=%an %s", patch.commit()));
                });
    InMemoryRunLogs logs = new InMemoryRunLogs();
    store.insertIfAbsent(issue, clock.instant());
    FixNextRun fix =
        new FixNextRun(
            new FixNextRun.Ports(
                store,
                new InMemoryRateLimiter(10, clock, ZoneOffset.UTC),
                new FakeIssueSource(),
                new dev.autofix.core.port.FixTargets.Target(
                    GitWorkspaces.create(config, System.getenv()),
                    CommandAgentRunner.create(config, System.getenv()),
                    ShellFixVerifier.create(config, System.getenv()),
                    publisher),
                logs,
                new RecordingDefectReporter()),
            AutofixPolicy.defaults(),
            clock);

    FixNextRun.Result result = fix.execute(new FixNextRun.Command("worker-1"));

    assertThat(result).isInstanceOf(FixNextRun.PrOpened.class);
    FixRun run = ((FixNextRun.PrOpened) result).run();
    assertThat(run.status()).isEqualTo(RunStatus.PR_OPENED);
    assertThat(run.summary()).startsWith("Root cause: add() subtracted.");
    var request = publisher.requests().getFirst();
    assertThat(request.patch().changedFiles()).containsExactly("calc.py");
    assertThat(request.verification()).isInstanceOf(FixVerifier.Passed.class);
    assertThat(published.get(0)).contains("a + b");
    assertThat(published.get(1)).startsWith("autofix fix: ");
    assertThat(repo.dataDir.resolve("worktrees/run-" + run.id())).doesNotExist();
    assertThat(logs.tail(run.id(), 100_000)).contains("verification: passed");
    assertThat(store.find(run.id())).map(FixRun::status).contains(RunStatus.PR_OPENED);
  }
}
