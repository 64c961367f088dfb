package dev.autofix.agents;

import dev.autofix.agents.internal.AgentFiles;
import dev.autofix.agents.internal.Environments;
import dev.autofix.agents.internal.Git;
import dev.autofix.agents.internal.Paths2;
import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.core.model.BranchNames;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.Workspaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Workspaces} on the {@code git} CLI: one {@code git worktree} per run under {@code
 * <dataDir>/worktrees/run-<id>}, on the branch {@link BranchNames#forIssue}, started from the base
 * branch of the user's checkout.
 *
 * <p>The user's checkout, index and working tree are never touched: autofix only adds worktree
 * metadata and refs to its repository. The base is fetched from the remote first when that works,
 * else the local ref is used and the run's log says so. A branch left by an earlier attempt of the
 * same run is reset to the fresh base ({@code worktree add -B}): a retry starts over, and the old
 * attempt's commit stays reachable through the reflog only.
 *
 * <p>Autofix commits itself, as {@code gitAuthorName <gitAuthorEmail>}, with hooks off; commits the
 * agent made anyway are squashed into that commit. The {@code .autofix/} directory (the agent's
 * summary, the prompt template) is never committed. This data directory belongs to one autofix
 * process: {@link #create} removes every worktree a crash left in it.
 */
final class GitWorkspaces implements Workspaces {
  private static final Logger LOG = LoggerFactory.getLogger(GitWorkspaces.class);
  private static final Duration GIT_TIMEOUT = Duration.ofMinutes(2);

  private final AgentsConfig config;
  private final Git git;
  private final ProcessRunner runner;
  private final UntrustedProcesses processes;
  private final Path worktrees;
  private final Object repoLock = new Object();
  private final ConcurrentMap<Path, String> startCommits = new ConcurrentHashMap<>();

  private GitWorkspaces(AgentsConfig config, Map<String, String> environment) {
    this.config = config;
    this.runner = new ProcessRunner(config.logLimitBytes(), 4_000, Duration.ofSeconds(3));
    this.processes = new UntrustedProcesses(config, environment);
    // Hooks (post-checkout for git-lfs, say) run under git too: they get no secret either.
    this.git =
        new Git(
            new ProcessRunner(0, 1 << 20, Duration.ofSeconds(3)),
            Environments.clean(environment, config.envDenyList()),
            GIT_TIMEOUT);
    this.worktrees = config.dataDir().resolve("worktrees");
  }

  /**
   * Workspaces for {@code config.repoPath()}, after removing whatever worktrees a crash left in the
   * data directory.
   *
   * @param environment the user's environment; git and the setup command get it minus autofix's
   *     secrets
   * @throws WorkspaceException when the checkout is not a git repository
   */
  public static Workspaces create(AgentsConfig config, Map<String, String> environment) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(environment, "environment == null");
    GitWorkspaces workspaces = new GitWorkspaces(config, environment);
    workspaces.prune();
    return workspaces;
  }

  /** Removes every worktree under the data directory and prunes stale worktree metadata. */
  void prune() {
    synchronized (repoLock) {
      Git.Outcome top = git.run(config.repoPath(), "rev-parse", "--show-toplevel");
      if (!top.ok()) {
        throw new WorkspaceException(
            "not a git checkout: " + config.repoPath() + " (" + top.firstError() + ")");
      }
      try {
        Files.createDirectories(worktrees);
        try (Stream<Path> leftovers = Files.list(worktrees)) {
          for (Path leftover : leftovers.toList()) {
            LOG.info("removing the worktree {} left by an earlier process", leftover);
            removeWorktree(leftover);
          }
        }
      } catch (IOException e) {
        throw new WorkspaceException("cannot clean " + worktrees, e);
      }
      git.run(config.repoPath(), "worktree", "prune");
    }
  }

  @Override
  public Workspace prepare(FixRun run, RunLogs.RunLog log) {
    String branch = BranchNames.forIssue(run.issue());
    Path directory = worktrees.resolve("run-" + run.id());
    String sha;
    synchronized (repoLock) {
      if (Files.exists(directory)) {
        log.append("removing the worktree an earlier attempt left in " + directory);
        removeWorktree(directory);
      }
      // A registration whose directory vanished would make git refuse the branch as checked out.
      git.run(config.repoPath(), "worktree", "prune");
      String start = startPoint(log);
      // A branch left by an earlier attempt is reset to the fresh base: a retry starts over.
      requireOk(
          git.run(
              config.repoPath(),
              "worktree",
              "add",
              "--quiet",
              "--no-track",
              "-B",
              branch,
              directory.toString(),
              start),
          "git worktree add " + branch);
      sha = requireOk(git.run(directory, "rev-parse", "HEAD"), "git rev-parse").stdout().strip();
    }
    startCommits.put(directory, sha);
    log.append(
        "workspace "
            + directory
            + " on branch "
            + branch
            + " from "
            + config.baseBranch()
            + " at "
            + sha);
    Workspace workspace = new Workspace(run.id(), directory, branch, config.baseBranch());
    if (config.setupCommand() != null) {
      setup(workspace, log);
    }
    return workspace;
  }

  private String startPoint(RunLogs.RunLog log) {
    String base = config.baseBranch();
    String remote = config.remote();
    String tracking = "refs/remotes/" + remote + "/" + base;
    if (git.run(config.repoPath(), "remote", "get-url", remote).ok()) {
      Git.Outcome fetch =
          git.run(
              config.repoPath(),
              "fetch",
              "--quiet",
              "--no-tags",
              remote,
              "+refs/heads/" + base + ":" + tracking);
      if (fetch.ok()) {
        log.append("fetched " + base + " from " + remote);
        return tracking;
      }
      log.append(
          "could not fetch "
              + base
              + " from "
              + remote
              + " ("
              + fetch.firstError()
              + "); working from the local ref");
    } else {
      log.append("no remote " + remote + "; working from the local ref " + base);
    }
    for (String ref : List.of("refs/heads/" + base, tracking)) {
      if (git.run(config.repoPath(), "rev-parse", "--verify", "--quiet", ref + "^{commit}").ok()) {
        return ref;
      }
    }
    throw new WorkspaceException(
        "the base branch " + base + " exists neither locally nor as " + tracking);
  }

  private void setup(Workspace workspace, RunLogs.RunLog log) {
    log.append("setup: " + config.setupCommand());
    // The setup command runs the repository's code (and soon the agent's): in the same sandbox.
    ProcessRunner.Result result =
        processes.run(
            runner,
            new UntrustedProcesses.Launch(
                workspace.runId(),
                "setup",
                List.of("/bin/sh", "-c", config.setupCommand()),
                workspace.directory(),
                Map.of(),
                List.of(),
                Map.of(),
                List.of(),
                null,
                config.setupTimeout(),
                null),
            log);
    if (!result.succeeded()) {
      // prepare() fails, so nobody will release this workspace: do it here.
      release(workspace);
      String how =
          switch (result.outcome()) {
            case ProcessRunner.Exited exited -> "exited " + exited.code();
            case ProcessRunner.TimedOut timedOut -> "timed out after " + config.setupTimeout();
            case ProcessRunner.NotStarted notStarted -> notStarted.message();
          };
      throw new WorkspaceException(
          "the setup command `" + config.setupCommand() + "` " + how + ": " + lastLines(result));
    }
  }

  @Override
  public CommitResult commit(Workspace workspace, String message) {
    Path dir = workspace.directory();
    String start = startCommits.get(dir);
    String head = requireOk(git.run(dir, "rev-parse", "HEAD"), "git rev-parse").stdout().strip();
    if (start != null && !start.equals(head)) {
      // The agent committed although told not to: its commits become autofix's one commit.
      LOG.info("the agent committed in {}; squashing into autofix's commit", dir);
      requireOk(git.run(dir, "reset", "--soft", "--quiet", start), "git reset --soft");
    }
    requireOk(
        git.run(dir, "add", "-A", "--", ".", ":(exclude)" + AgentFiles.DIRECTORY + "/"), "git add");
    Git.Outcome staged = git.run(dir, "diff", "--cached", "--quiet");
    if (staged.exitCode() == 0) {
      return new Unchanged();
    }
    if (staged.exitCode() != 1) {
      throw new WorkspaceException("git diff --cached failed: " + staged.firstError());
    }
    String name = config.gitAuthorName();
    String email = config.gitAuthorEmail();
    requireOk(
        git.run(
            dir,
            message,
            Map.of(
                "GIT_AUTHOR_NAME", name,
                "GIT_AUTHOR_EMAIL", email,
                "GIT_COMMITTER_NAME", name,
                "GIT_COMMITTER_EMAIL", email),
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
            "commit",
            "--quiet",
            "--no-verify",
            "--file=-"),
        "git commit");
    String sha = requireOk(git.run(dir, "rev-parse", "HEAD"), "git rev-parse").stdout().strip();
    String parent = start != null ? start : "HEAD^";
    List<String> files =
        Arrays.stream(
                requireOk(git.run(dir, "diff", "--name-only", "-z", parent, "HEAD"), "git diff")
                    .stdout()
                    .split("\0"))
            .filter(s -> !s.isBlank())
            .toList();
    String stat =
        requireOk(git.run(dir, "diff", "--shortstat", parent, "HEAD"), "git diff --shortstat")
            .stdout()
            .strip();
    return new Committed(new Patch(workspace.branch(), sha, files, stat));
  }

  @Override
  public void release(Workspace workspace) {
    synchronized (repoLock) {
      removeWorktree(workspace.directory());
      git.run(config.repoPath(), "worktree", "prune");
    }
    startCommits.remove(workspace.directory());
    processes.cleanUp(workspace.runId());
  }

  private void removeWorktree(Path directory) {
    // A worktree the agent (trusted) locked is autofix's own all the same: unlock it, and force
    // twice, which removes a locked one too; otherwise every retry fails "already checked out".
    git.run(config.repoPath(), "worktree", "unlock", directory.toString());
    Git.Outcome removed =
        git.run(
            config.repoPath(), "worktree", "remove", "--force", "--force", directory.toString());
    if (!removed.ok() || Files.exists(directory)) {
      try {
        Paths2.deleteTree(directory);
      } catch (IOException e) {
        throw new WorkspaceException("cannot remove the worktree " + directory, e);
      }
    }
  }

  private static Git.Outcome requireOk(Git.Outcome outcome, String what) {
    if (!outcome.ok()) {
      throw new WorkspaceException(what + " failed: " + outcome.firstError());
    }
    return outcome;
  }

  private static String lastLines(ProcessRunner.Result result) {
    String tail = result.outputTail().strip();
    return tail.length() <= 1_000 ? tail : "…" + tail.substring(tail.length() - 1_000);
  }
}
