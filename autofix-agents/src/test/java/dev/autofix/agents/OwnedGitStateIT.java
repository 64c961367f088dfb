package dev.autofix.agents;

import static dev.autofix.agents.GitFixture.git;
import static dev.autofix.agents.GitFixture.write;
import static dev.autofix.agents.GitWorkspacesIT.own;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.agents.TestSupport.ListLog;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.Workspaces;
import dev.autofix.testkit.fixtures.Issues;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The git state autofix owns, as a malicious agent (run unsandboxed here, as in {@code trusted}
 * mode) would shape the worktree: the change is taken as content only, bounded, the test command's
 * changes are caught, and the user's repository is watched.
 */
class OwnedGitStateIT {
  @TempDir Path tmp;
  private GitFixture repo;
  private Workspaces workspaces;
  private final ListLog log = new ListLog();

  @BeforeEach
  void setUp() {
    repo = GitFixture.create(tmp);
    workspaces =
        GitWorkspaces.create(AgentsConfig.of(repo.checkout, repo.dataDir), System.getenv());
  }

  private Workspace prepare(long id) {
    return workspaces.prepare(
        FixRun.queued(
            new RunId(id), Issues.anIssue().withShortId("BACKEND-4Z").build(), Instant.now()),
        log);
  }

  private Patch committed(Workspace ws) {
    Workspaces.CommitResult result = workspaces.commit(ws, "fix: add");
    assertThat(result).as(log.text()).isInstanceOf(Workspaces.Committed.class);
    return ((Workspaces.Committed) result).patch();
  }

  @Test
  void commit_takesTrackedUntrackedDeletedAndLinks_asContent() throws IOException {
    Workspace ws = prepare(1);
    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return a + b\n");
    write(ws.directory().resolve("docs/new.md"), "new\n");
    Files.delete(ws.directory().resolve("test_calc.py"));
    Files.createSymbolicLink(ws.directory().resolve("passwd"), Path.of("/etc/passwd"));
    write(ws.directory().resolve("node_modules/left-pad/index.js"), "ignored\n");

    Patch patch = committed(ws);

    assertThat(patch.changedFiles())
        .containsExactlyInAnyOrder("calc.py", "docs/new.md", "test_calc.py", "passwd");
    assertThat(own(patch, "ls-tree", patch.commit(), "passwd"))
        .as("the link is committed as a link, not the host's file")
        .startsWith("120000 blob");
    assertThat(own(patch, "cat-file", "-p", patch.commit() + ":passwd")).isEqualTo("/etc/passwd");
    workspaces.release(ws);
  }

  @Test
  void commit_ignoresTheWorktreesGitState_aRewrittenGitFileAndAConfigTheAgentWrote()
      throws IOException {
    String mainBefore = git(repo.checkout, "rev-parse", "refs/heads/main");
    Workspace ws = prepare(2);
    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return a + b\n");
    // The worktree's .git now points at the user's own repository: a commit through it would
    // land on the user's main.
    Files.writeString(
        ws.directory().resolve(".git"), "gitdir: " + repo.checkout.resolve(".git") + "\n");
    // And autofix's own repository was written while the agent ran (trusted mode could).
    Path own = repo.dataDir.resolve("runs/run-2/git");
    Path marker = tmp.resolve("hook-ran");
    Path hooks = Files.createDirectories(tmp.resolve("evil-hooks"));
    write(hooks.resolve("post-index-change"), "#!/bin/sh\ntouch " + marker + "\n");
    Files.setPosixFilePermissions(
        hooks.resolve("post-index-change"), PosixFilePermissions.fromString("rwx------"));
    Files.writeString(
        own.resolve("config"),
        "[core]\n\thooksPath = " + hooks + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    Files.createDirectories(own.resolve("hooks"));
    Files.copy(hooks.resolve("post-index-change"), own.resolve("hooks/post-index-change"));

    Patch patch = committed(ws);

    assertThat(patch.changedFiles()).containsExactly("calc.py");
    assertThat(git(repo.checkout, "rev-parse", "refs/heads/main")).isEqualTo(mainBefore);
    assertThat(marker).as("no hook of the agent's ran").doesNotExist();
    assertThat(Files.readString(own.resolve("config"))).doesNotContain("hooksPath");
    workspaces.release(ws);
  }

  @Test
  void commit_refusesAHugeSparseFile_withoutReadingIt() throws IOException {
    Workspace ws = prepare(3);
    try (RandomAccessFile file =
        new RandomAccessFile(ws.directory().resolve("dump.bin").toFile(), "rw")) {
      file.setLength(3L << 30);
    }

    Workspaces.CommitResult result = workspaces.commit(ws, "fix");

    assertThat(result).isInstanceOf(Workspaces.Refused.class);
    assertThat(((Workspaces.Refused) result).reason())
        .contains("dump.bin is 3.0 GiB")
        .contains("files of up to 10.0 MiB");
    workspaces.release(ws);
  }

  @Test
  void commit_refusesANestedRepository() {
    Workspace ws = prepare(4);
    git(ws.directory(), "init", "--quiet", "vendor/lib");
    write(ws.directory().resolve("vendor/lib/a.txt"), "a\n");
    git(ws.directory().resolve("vendor/lib"), "add", "a.txt");
    GitFixture.commit(ws.directory().resolve("vendor/lib"), "nested");

    Workspaces.CommitResult result = workspaces.commit(ws, "fix");

    assertThat(result).isInstanceOf(Workspaces.Refused.class);
    assertThat(((Workspaces.Refused) result).reason())
        .contains("vendor/lib/ is a nested git repository");
    workspaces.release(ws);
  }

  @Test
  void confirm_saysDiverged_whenTheTestCommandChangedAFile_andConfirmedForIgnoredOutput() {
    Workspace ws = prepare(5);
    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return a + b\n");
    Patch patch = committed(ws);
    write(ws.directory().resolve("node_modules/.cache/x"), "build output\n");

    assertThat(workspaces.confirm(ws, patch)).isEqualTo(new Workspaces.Confirmed());

    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return 42\n");
    Workspaces.ConfirmResult changed = workspaces.confirm(ws, patch);

    assertThat(changed).isInstanceOf(Workspaces.Diverged.class);
    assertThat(((Workspaces.Diverged) changed).reason())
        .contains("the test command changed the worktree")
        .contains("calc.py");
    workspaces.release(ws);
  }

  @Test
  void checkRepository_reportsHooksConfigHeadAndInfo_andOnlyLogsMovedRefs() throws IOException {
    Path gitDir = repo.checkout.resolve(".git");
    Workspace ws = prepare(6);
    assertThat(workspaces.checkRepository(ws, log)).isEqualTo(new Workspaces.Untouched());

    // Someone commits on main meanwhile: shown, not failed.
    write(repo.checkout.resolve("notes.txt"), "mine\n");
    git(repo.checkout, "add", "notes.txt");
    GitFixture.commit(repo.checkout, "the user's own commit");
    assertThat(workspaces.checkRepository(ws, log)).isEqualTo(new Workspaces.Untouched());
    assertThat(log.text()).contains("refs/heads/main (changed)");

    write(gitDir.resolve("hooks/pre-push"), "#!/bin/sh\nenv > /tmp/stolen\n");
    Files.writeString(
        gitDir.resolve("config"),
        "[core]\n\tfsmonitor = /tmp/evil\n",
        java.nio.file.StandardOpenOption.APPEND);
    write(gitDir.resolve("info/attributes"), "* filter=evil\n");
    Files.writeString(gitDir.resolve("HEAD"), "ref: refs/heads/evil\n");

    Workspaces.RepositoryCheck check = workspaces.checkRepository(ws, log);

    assertThat(check).isInstanceOf(Workspaces.Tampered.class);
    assertThat(((Workspaces.Tampered) check).what())
        .contains("HEAD (changed)")
        .contains("config (changed)")
        .contains("hooks/pre-push (added)")
        .contains("info/attributes (added)");
    Files.writeString(gitDir.resolve("HEAD"), "ref: refs/heads/main\n");
    workspaces.release(ws);
  }

  @Test
  void release_removesALockedWorktree_andARetryPreparesItAgain() {
    Workspace ws = prepare(7);
    git(ws.directory(), "worktree", "lock", "--reason", "the agent's", ws.directory().toString());

    workspaces.release(ws);
    Workspace again = prepare(7);

    assertThat(git(repo.checkout, "worktree", "list", "--porcelain")).doesNotContain("locked");
    workspaces.release(again);
    assertThat(git(repo.checkout, "worktree", "list").strip().lines()).hasSize(1);
  }

  @Test
  void commit_ignoresACommondirPlantedInAutofixsRepository_andTheFilterItsConfigNames()
      throws IOException {
    Workspace ws = prepare(8);
    Path own = repo.dataDir.resolve("runs/run-8/git");
    Path evil = tmp.resolve("evil");
    Files.createDirectories(evil.resolve("objects/info"));
    Files.createDirectories(evil.resolve("refs"));
    Files.writeString(
        evil.resolve("objects/info/alternates"), repo.checkout.resolve(".git/objects") + "\n");
    Path marker = tmp.resolve("filter-ran");
    Path script = evil.resolve("clean.sh");
    Files.writeString(script, "#!/bin/sh\nenv > " + marker + "\ncat\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(
        evil.resolve("config"),
        "[core]\n\trepositoryformatversion = 0\n\tbare = true\n[filter \"x\"]\n\tclean = "
            + script
            + "\n");
    Files.writeString(own.resolve("commondir"), evil + "\n");
    Files.writeString(own.resolve("shallow"), "0000000000000000000000000000000000000000\n");
    write(ws.directory().resolve(".gitattributes"), "calc.py filter=x\n");
    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return a + b\n");

    Workspaces.CommitResult result = workspaces.commit(ws, "fix");

    assertThat(marker).as("the agent's filter never ran in autofix's git").doesNotExist();
    assertThat(own.resolve("commondir")).doesNotExist();
    assertThat(own.resolve("shallow")).doesNotExist();
    assertThat(result).isInstanceOf(Workspaces.Refused.class);
    assertThat(((Workspaces.Refused) result).reason())
        .contains("calc.py goes through the git filter 'x'");
    workspaces.release(ws);
  }

  @Test
  void commit_refusesASubmoduleTheAgentRepointed() {
    Path seed = tmp.resolve("seed-submodule");
    git(tmp, "clone", "--quiet", repo.remote.toString(), seed.toString());
    String base = git(seed, "rev-parse", "HEAD").strip();
    git(seed, "update-index", "--add", "--cacheinfo", "160000," + base + ",vendor/lib");
    GitFixture.commit(seed, "add a submodule");
    git(seed, "push", "--quiet", "origin", "HEAD:main");
    Workspace ws = prepare(9);
    git(ws.directory(), "init", "--quiet", "vendor/lib");
    write(ws.directory().resolve("vendor/lib/a.txt"), "evil\n");
    git(ws.directory().resolve("vendor/lib"), "add", "a.txt");
    GitFixture.commit(ws.directory().resolve("vendor/lib"), "nested");

    Workspaces.CommitResult result = workspaces.commit(ws, "fix");

    assertThat(result).as(log.text()).isInstanceOf(Workspaces.Refused.class);
    assertThat(((Workspaces.Refused) result).reason()).contains("moves the submodule vendor/lib");
    workspaces.release(ws);
  }

  @Test
  void commit_measuresFilesAsGitStoresThem_soAnEncodingAttributeCannotInflateThem()
      throws IOException {
    Workspace ws = prepare(10);
    write(ws.directory().resolve(".gitattributes"), "*.txt working-tree-encoding=CP1252\n");
    byte[] euros = new byte[4 << 20]; // 4 MiB on disk, 12 MiB as UTF-8
    java.util.Arrays.fill(euros, (byte) 0x80);
    Files.write(ws.directory().resolve("big.txt"), euros);

    Workspaces.CommitResult result = workspaces.commit(ws, "fix");

    assertThat(result).as(log.text()).isInstanceOf(Workspaces.Refused.class);
    assertThat(((Workspaces.Refused) result).reason())
        .contains("big.txt is 12.0 MiB as git stores it");
    workspaces.release(ws);
  }

  @Test
  void commit_keepsTheUsersLineEndingsFiltersAndExcludes() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(
        home.resolve(".gitconfig"),
        "[core]\n\tautocrlf = true\n[filter \"fake\"]\n\tsmudge = sed s/^POINTER/REAL/\n"
            + "\tclean = sed s/^REAL/POINTER/\n\trequired = true\n");
    Path seed = tmp.resolve("seed-filter");
    git(tmp, "clone", "--quiet", repo.remote.toString(), seed.toString());
    write(seed.resolve(".gitattributes"), "*.bin filter=fake\n");
    write(seed.resolve("x.bin"), "POINTER\n");
    git(seed, "add", "-A");
    GitFixture.commit(seed, "a filtered file");
    git(seed, "push", "--quiet", "origin", "HEAD:main");
    write(repo.checkout.resolve(".git/info/exclude"), "*.log\n");
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("HOME", home.toString());
    env.remove("XDG_CONFIG_HOME");
    Workspaces withHome = GitWorkspaces.create(AgentsConfig.of(repo.checkout, repo.dataDir), env);
    Workspace ws =
        withHome.prepare(
            FixRun.queued(
                new RunId(11), Issues.anIssue().withShortId("BACKEND-4Z").build(), Instant.now()),
            log);
    assertThat(Files.readString(ws.directory().resolve("x.bin"))).isEqualTo("REAL\r\n");
    write(ws.directory().resolve("calc.py"), "def add(a, b):\r\n    return a + b\r\n");
    Files.writeString(ws.directory().resolve("x.bin"), "REAL\r\n"); // rewritten, the same

    Workspaces.CommitResult result = withHome.commit(ws, "fix");

    assertThat(result).as(log.text()).isInstanceOf(Workspaces.Committed.class);
    Patch patch = ((Workspaces.Committed) result).patch();
    assertThat(patch.changedFiles())
        .as("nothing untouched, no filtered file")
        .containsExactly("calc.py");
    assertThat(own(patch, "cat-file", "-p", patch.commit() + ":calc.py"))
        .isEqualTo("def add(a, b):\n    return a + b\n");
    write(ws.directory().resolve("tests.log"), "ignored by the user's info/exclude\n");
    assertThat(withHome.confirm(ws, patch)).isEqualTo(new Workspaces.Confirmed());

    Files.writeString(ws.directory().resolve("x.bin"), "REAL but changed\r\n");
    Workspaces.CommitResult filtered = withHome.commit(ws, "fix");
    assertThat(filtered).isInstanceOf(Workspaces.Refused.class);
    assertThat(((Workspaces.Refused) filtered).reason())
        .contains("x.bin goes through the git filter 'fake'");
    withHome.release(ws);
  }

  @Test
  void commit_worksInASha256Repository() throws IOException {
    Path checkout = tmp.resolve("sha256");
    git(tmp, "init", "--quiet", "--object-format=sha256", "-b", "main", checkout.toString());
    write(checkout.resolve("calc.py"), "def add(a, b):\n    return a - b\n");
    git(checkout, "add", "-A");
    GitFixture.commit(checkout, "initial");
    Workspaces sha256 =
        GitWorkspaces.create(AgentsConfig.of(checkout, tmp.resolve("data256")), System.getenv());
    Workspace ws =
        sha256.prepare(
            FixRun.queued(
                new RunId(12), Issues.anIssue().withShortId("BACKEND-4Z").build(), Instant.now()),
            log);
    write(ws.directory().resolve("calc.py"), "def add(a, b):\n    return a + b\n");

    Workspaces.CommitResult result = sha256.commit(ws, "fix");

    assertThat(result).as(log.text()).isInstanceOf(Workspaces.Committed.class);
    Patch patch = ((Workspaces.Committed) result).patch();
    assertThat(patch.commit()).hasSize(64);
    assertThat(own(patch, "cat-file", "-p", patch.commit() + ":calc.py")).contains("a + b");
    sha256.release(ws);
  }

  @Test
  void commit_refusesAFifoInPlaceOfATrackedFile() throws Exception {
    Workspace ws = prepare(13);
    Files.delete(ws.directory().resolve("calc.py"));
    Process mkfifo =
        new ProcessBuilder("mkfifo", ws.directory().resolve("calc.py").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    Workspaces.CommitResult result = workspaces.commit(ws, "fix");

    assertThat(result).as(log.text()).isInstanceOf(Workspaces.Refused.class);
    assertThat(((Workspaces.Refused) result).reason()).contains("calc.py is a FIFO");
    workspaces.release(ws);
  }
}
