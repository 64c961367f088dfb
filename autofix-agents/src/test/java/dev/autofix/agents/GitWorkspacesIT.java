package dev.autofix.agents;

import static dev.autofix.agents.GitFixture.git;
import static dev.autofix.agents.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autofix.agents.TestSupport.ListLog;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.Workspaces;
import dev.autofix.testkit.fixtures.Issues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitWorkspacesIT {
  @TempDir Path tmp;
  private GitFixture repo;
  private final ListLog log = new ListLog();

  @BeforeEach
  void setUp() {
    repo = GitFixture.create(tmp);
  }

  private AgentsConfig config() {
    return AgentsConfig.of(repo.checkout, repo.dataDir);
  }

  private Workspaces workspaces(AgentsConfig config) {
    return GitWorkspaces.create(config, System.getenv());
  }

  private static FixRun run(long id) {
    return FixRun.queued(
        new RunId(id), Issues.anIssue().withShortId("BACKEND-4Z").build(), Instant.now());
  }

  @Test
  void prepare_addsWorktreeOnFixBranchFromFetchedBase_andNeverTouchesTheCheckout()
      throws IOException {
    // The user has local, unpushed state of every kind.
    write(repo.checkout.resolve("calc.py"), "# my local edit\n");
    write(repo.checkout.resolve("scratch.txt"), "untracked\n");
    write(repo.checkout.resolve("staged.txt"), "staged\n");
    git(repo.checkout, "add", "staged.txt");
    String upstream = repo.pushUpstreamChange("README.md", "upstream\n");
    String statusBefore = git(repo.checkout, "status", "--porcelain", "--untracked-files=all");
    String headBefore = git(repo.checkout, "rev-parse", "HEAD");
    byte[] indexBefore = Files.readAllBytes(repo.checkout.resolve(".git/index"));
    Workspaces workspaces = workspaces(config());

    Workspace ws = workspaces.prepare(run(7), log);
    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return a + b\n");
    Workspaces.CommitResult result = workspaces.commit(ws, "fix: add (BACKEND-4Z)");
    Patch patch = ((Workspaces.Committed) result).patch();
    String parent = own(patch, "rev-parse", "autofix/backend-4z^");
    workspaces.release(ws);
    assertThat(((Workspaces.Committed) result).diff())
        .as("the change as people read it, for the run's page")
        .contains("calc.py")
        .contains("+    return a + b")
        .contains("@@");

    assertThat(ws.branch()).isEqualTo("autofix/backend-4z");
    assertThat(ws.baseRef()).isEqualTo("main");
    assertThat(ws.directory()).isEqualTo(repo.dataDir.resolve("worktrees/run-7"));
    assertThat(patch.repository()).isEqualTo(repo.dataDir.resolve("runs/run-7/git"));
    assertThat(parent).isEqualTo(upstream + "\n");
    assertThat(git(repo.checkout, "for-each-ref", "--format=%(refname)"))
        .as("the fix branch lives in autofix's own repository only")
        .doesNotContain("autofix/");
    assertThat(log.text()).contains("fetched main from origin");
    assertThat(git(repo.checkout, "status", "--porcelain", "--untracked-files=all"))
        .isEqualTo(statusBefore);
    assertThat(git(repo.checkout, "rev-parse", "HEAD")).isEqualTo(headBefore);
    assertThat(Files.readAllBytes(repo.checkout.resolve(".git/index"))).isEqualTo(indexBefore);
    assertThat(Files.readString(repo.checkout.resolve("calc.py"))).isEqualTo("# my local edit\n");
  }

  @Test
  void commit_returnsPatchUnderAutofixIdentity_withoutTheAgentFiles() {
    Workspaces workspaces = workspaces(config());
    Workspace ws = workspaces.prepare(run(1), log);
    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return a + b\n");
    write(ws.directory().resolve(".autofix/summary.md"), "Root cause: subtraction.\n");

    Workspaces.CommitResult result = workspaces.commit(ws, "fix: add (BACKEND-4Z)\n\nBody.\n");

    assertThat(result).isInstanceOf(Workspaces.Committed.class);
    var patch = ((Workspaces.Committed) result).patch();
    assertThat(patch.branch()).isEqualTo("autofix/backend-4z");
    assertThat(patch.changedFiles()).containsExactly("calc.py");
    assertThat(patch.diffStat()).isEqualTo("1 file changed, 1 insertion(+), 1 deletion(-)");
    assertThat(patch.commit()).isEqualTo(own(patch, "rev-parse", "autofix/backend-4z").strip());
    assertThat(own(patch, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s", patch.commit()))
        .isEqualTo(
            "autofix <autofix@localhost>|autofix <autofix@localhost>|fix: add (BACKEND-4Z)\n");
    assertThat(own(patch, "show", "--name-only", "--format=", patch.commit()))
        .isEqualTo("calc.py\n");
    assertThat(git(ws.directory(), "status", "--porcelain"))
        .as("the worktree's own git state is not autofix's: nothing was staged there")
        .contains(" M calc.py");
    workspaces.release(ws);
  }

  @Test
  void commit_returnsUnchanged_whenOnlyTheSummaryWasWritten() {
    Workspaces workspaces = workspaces(config());
    Workspace ws = workspaces.prepare(run(2), log);
    write(ws.directory().resolve(".autofix/summary.md"), "Could not reproduce.\n");

    assertThat(workspaces.commit(ws, "fix")).isEqualTo(new Workspaces.Unchanged());
    workspaces.release(ws);
  }

  @Test
  void commit_takesTheFilesTheAgentCommitted_asOneCommitByAutofixOnTheStart() {
    Workspaces workspaces = workspaces(config());
    Workspace ws = workspaces.prepare(run(3), log);
    String start = git(ws.directory(), "rev-parse", "HEAD").strip();
    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return a + b\n");
    git(ws.directory(), "add", "calc.py");
    git(ws.directory(), "-c", "user.name=agent", "-c", "user.email=agent@x", "commit", "-qm", "x");

    Workspaces.CommitResult result = workspaces.commit(ws, "fix: add");

    assertThat(result).isInstanceOf(Workspaces.Committed.class);
    Patch patch = ((Workspaces.Committed) result).patch();
    assertThat(own(patch, "log", "-1", "--format=%an|%P", patch.commit()))
        .isEqualTo("autofix|" + start + "\n");
    assertThat(patch.changedFiles()).containsExactly("calc.py");
    workspaces.release(ws);
  }

  @Test
  void release_removesTheWorktreeAndAutofixsRepository() {
    Workspaces workspaces = workspaces(config());
    Workspace ws = workspaces.prepare(run(4), log);
    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return a + b\n");
    var patch = ((Workspaces.Committed) workspaces.commit(ws, "fix")).patch();

    workspaces.release(ws);

    assertThat(ws.directory()).doesNotExist();
    assertThat(patch.repository()).doesNotExist();
    assertThat(git(repo.checkout, "worktree", "list")).doesNotContain("run-4");
  }

  @Test
  void keep_keepsTheVerifiedCommitPastReleaseAndARestart_untilDiscarded() {
    Workspaces workspaces = workspaces(config());
    Workspace ws = workspaces.prepare(run(14), log);
    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return a + b\n");
    Patch patch = ((Workspaces.Committed) workspaces.commit(ws, "fix")).patch();

    Patch kept = workspaces.keep(ws, patch);
    workspaces.release(ws);
    Workspaces afterRestart = workspaces(config());

    assertThat(ws.directory()).as("the worktree still goes").doesNotExist();
    assertThat(git(repo.checkout, "worktree", "list")).doesNotContain("run-14");
    assertThat(
            git(
                    kept.repository(),
                    "--git-dir=" + kept.repository(),
                    "rev-parse",
                    "refs/heads/" + patch.branch())
                .strip())
        .as("the commit, on its branch, in the kept repository")
        .isEqualTo(patch.commit());
    assertThat(
            git(
                kept.repository(),
                "--git-dir=" + kept.repository(),
                "show",
                patch.commit() + ":calc.py"))
        .contains("return a + b");

    afterRestart.discard(new RunId(14));

    assertThat(kept.repository()).doesNotExist();
  }

  @Test
  void prepare_startsOver_whenACommitWasKeptForTheRunBefore() {
    Workspaces workspaces = workspaces(config());
    Workspace ws = workspaces.prepare(run(15), log);
    write(ws.directory().resolve("calc.py"), "first attempt\n");
    Patch patch = ((Workspaces.Committed) workspaces.commit(ws, "fix")).patch();
    workspaces.keep(ws, patch);
    workspaces.release(ws);

    // cancelled while it waited to publish, then retried: the retry is a fresh attempt
    Workspace again = workspaces.prepare(run(15), log);
    workspaces.release(again);

    assertThat(patch.repository()).as("nothing kept any more").doesNotExist();
  }

  @Test
  void prepare_worksFromTheLocalRefAndSaysSo_whenTheRemoteIsUnreachable() {
    git(repo.checkout, "remote", "set-url", "origin", tmp.resolve("gone.git").toString());
    String local = git(repo.checkout, "rev-parse", "main").strip();
    Workspaces workspaces = workspaces(config());

    Workspace ws = workspaces.prepare(run(5), log);

    assertThat(git(ws.directory(), "rev-parse", "HEAD").strip()).isEqualTo(local);
    assertThat(log.text()).contains("could not fetch main from origin").contains("local ref");
    workspaces.release(ws);
  }

  @Test
  void prepare_resetsTheBranchToTheBase_whenAnEarlierAttemptLeftIt() {
    Workspaces workspaces = workspaces(config());
    Workspace first = workspaces.prepare(run(6), log);
    String base = git(first.directory(), "rev-parse", "HEAD").strip();
    write(first.directory().resolve("calc.py"), "broken attempt\n");
    workspaces.commit(first, "attempt 1");
    workspaces.release(first);

    Workspace second = workspaces.prepare(run(6), log);

    assertThat(second.branch()).isEqualTo(first.branch());
    assertThat(git(second.directory(), "rev-parse", "HEAD").strip()).isEqualTo(base);
    workspaces.release(second);
  }

  @Test
  void create_removesTheWorktreesACrashLeft() {
    Workspace leaked = workspaces(config()).prepare(run(8), log);

    workspaces(config());

    assertThat(leaked.directory()).doesNotExist();
    assertThat(git(repo.checkout, "worktree", "list").strip().lines()).hasSize(1);
  }

  @Test
  void prepare_clearsTheWorktreeADeadProcessLeftForTheRun_onASharedCheckout() throws Exception {
    // Another autofix process, its own data directory, the same checkout: it prepared run 41,
    // then died (its owner file names a process that has exited).
    Path otherData = tmp.resolve("other-data");
    FixRun recovered = run(41); // one run of one database, taken by one process after the other
    Workspace dead = workspaces(AgentsConfig.of(repo.checkout, otherData)).prepare(recovered, log);
    rewriteOwnerPid(otherData, 41, exitedPid());
    // The user's own worktrees: one on a branch, one detached whose path looks like autofix's.
    Path userBranch = tmp.resolve("mine");
    git(repo.checkout, "worktree", "add", "-q", "-b", "my-work", userBranch.toString());
    Path userDetached = tmp.resolve("elsewhere/worktrees/run-41");
    git(repo.checkout, "worktree", "add", "-q", "--detach", userDetached.toString());
    Workspaces survivor = workspaces(config());

    Workspace ws = survivor.prepare(recovered, log);

    String listed = git(repo.checkout, "worktree", "list", "--porcelain");
    assertThat(listed).doesNotContain(dead.directory().toString());
    assertThat(dead.directory()).doesNotExist();
    assertThat(listed)
        .contains(ws.directory().toString())
        .contains(userBranch.toString())
        .contains(userDetached.toString());
    assertThat(log.text()).contains("removing the worktree " + dead.directory());
    survivor.release(ws);
    assertThat(repo.dataDir.resolve("runs/run-41/owner")).doesNotExist();
  }

  @Test
  void prepare_keepsAnotherProcessesWorktree_whenItsOwnerLivesOrItIsAnotherRun() throws Exception {
    Path liveData = tmp.resolve("live-data");
    Workspaces live = workspaces(AgentsConfig.of(repo.checkout, liveData));
    FixRun shared = run(42);
    Workspace alive = live.prepare(shared, log); // its owner is this JVM, alive
    Path otherData = tmp.resolve("other-data");
    Workspace otherIssue =
        workspaces(AgentsConfig.of(repo.checkout, otherData))
            .prepare(
                FixRun.queued(
                    new RunId(43), Issues.anIssue().withShortId("OTHER-1").build(), Instant.now()),
                log);
    rewriteOwnerPid(otherData, 43, exitedPid());
    Workspaces survivor = workspaces(config());

    Workspace first = survivor.prepare(shared, log);
    Workspace second = survivor.prepare(run(43), log);

    String listed = git(repo.checkout, "worktree", "list", "--porcelain");
    assertThat(listed)
        .as("a live owner's worktree, and a dead one's for another issue, stay")
        .contains(alive.directory().toString())
        .contains(otherIssue.directory().toString());
    survivor.release(first);
    survivor.release(second);
    live.release(alive);
  }

  private static long exitedPid() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    return gone.pid();
  }

  private static void rewriteOwnerPid(Path dataDir, long run, long pid) throws IOException {
    Path owner = dataDir.resolve("runs/run-" + run + "/owner");
    Files.writeString(owner, Files.readString(owner).replaceAll("(?m)^pid=\\d+$", "pid=" + pid));
  }

  @Test
  void prepare_runsTheSetupCommandInTheWorktree() {
    AgentsConfig config = withSetup(config(), "echo ran > .setup-marker");
    Workspaces workspaces = workspaces(config);

    Workspace ws = workspaces.prepare(run(9), log);

    assertThat(ws.directory().resolve(".setup-marker")).hasContent("ran");
    assertThat(workspaces.commit(ws, "fix")).isEqualTo(new Workspaces.Unchanged());
    workspaces.release(ws);
  }

  @Test
  void prepare_throwsAndCleansUp_whenTheSetupCommandFails() {
    Workspaces workspaces = workspaces(withSetup(config(), "echo npm broke >&2; exit 2"));

    assertThatThrownBy(() -> workspaces.prepare(run(10), log))
        .isInstanceOf(WorkspaceException.class)
        .hasMessageContaining("exited 2")
        .hasMessageContaining("npm broke");
    assertThat(repo.dataDir.resolve("worktrees/run-10")).doesNotExist();
  }

  @Test
  void prepareCommitRelease_workForSeveralRunsAtOnce() throws Exception {
    Workspaces workspaces = workspaces(config());
    List<Callable<String>> runs = new ArrayList<>();
    for (long id = 20; id < 24; id++) {
      long runId = id;
      runs.add(
          () -> {
            FixRun run =
                FixRun.queued(
                    new RunId(runId),
                    Issues.anIssue().withShortId("BACKEND-" + runId).build(),
                    Instant.now());
            Workspace ws = workspaces.prepare(run, log);
            write(ws.directory().resolve("fix-" + runId + ".txt"), "fixed\n");
            Patch patch = ((Workspaces.Committed) workspaces.commit(ws, "fix " + runId)).patch();
            String shown = own(patch, "show", "--name-only", "--format=", patch.commit());
            workspaces.release(ws);
            return shown;
          });
    }
    List<String> shown = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (Future<String> f : pool.invokeAll(runs)) {
        shown.add(f.get());
      }
    }

    assertThat(shown)
        .containsExactly("fix-20.txt\n", "fix-21.txt\n", "fix-22.txt\n", "fix-23.txt\n");
    assertThat(git(repo.checkout, "worktree", "list").strip().lines()).hasSize(1);
  }

  @Test
  void create_throws_whenTheCheckoutIsNotAGitRepository() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain"));

    assertThatThrownBy(() -> GitWorkspaces.create(AgentsConfig.of(plain, repo.dataDir), Map.of()))
        .isInstanceOf(WorkspaceException.class)
        .hasMessageContaining("not a git checkout");
  }

  /** git in autofix's own repository of {@code patch}. */
  static String own(Patch patch, String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "--git-dir=" + patch.repository();
    System.arraycopy(args, 0, command, 1, args.length);
    return git(patch.repository(), command);
  }

  static AgentsConfig withSetup(AgentsConfig c, String setup) {
    return c.toBuilder().setupCommand(setup).access(TestSupport.sandbox()).build();
  }
}
