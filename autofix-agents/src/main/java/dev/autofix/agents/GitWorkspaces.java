package dev.autofix.agents;

import dev.autofix.agents.internal.Environments;
import dev.autofix.agents.internal.Git;
import dev.autofix.agents.internal.OwnRepository;
import dev.autofix.agents.internal.Paths2;
import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.agents.internal.RepositoryFingerprint;
import dev.autofix.core.model.BranchNames;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.Workspaces;
import dev.autofix.support.disk.WritableSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Workspaces} on the {@code git} CLI: one detached {@code git worktree} of the user's
 * checkout per run under {@code <dataDir>/worktrees/run-<id>}, started from the base branch, and
 * one repository of autofix's own per run ({@link OwnRepository}, under {@code
 * <dataDir>/runs/run-<id>/git}) where the fix commit is built and from which it is pushed.
 *
 * <p><b>Who owns the git state.</b> The worktree is the agent's: it may read it with git, and its
 * files are what autofix takes. Nothing else of it is trusted: autofix never commits, reads refs or
 * runs hooks through the worktree's {@code .git} (which the agent, in {@code trusted} mode, could
 * point anywhere). The commit is built from the worktree's content in autofix's own repository with
 * a pinned git configuration, on the start commit autofix recorded, and the branch exists only
 * there until the publisher pushes exactly that commit. The user's checkout, index and working tree
 * are never touched: autofix adds worktree metadata, objects and the fetched base ref to its
 * repository, and that is all.
 *
 * <p><b>Tampering.</b> Before anything untrusted runs (the setup command, the agent, the test
 * command), autofix fingerprints the user's repository ({@link RepositoryFingerprint}); {@link
 * #checkRepository} compares it again and reports changes to HEAD, config, hooks and {@code info/}
 * as tampering, and logs moved refs.
 *
 * <p>The base is fetched from the remote first when that works, else the local ref is used and the
 * run's log says so. autofix's commits are by {@code gitAuthorName <gitAuthorEmail>}; commits the
 * agent made anyway do not matter, only the files it left. The {@code .autofix/} directory (the
 * agent's summary, the prompt template) is never committed. This data directory belongs to one
 * autofix process: {@link #create} removes every worktree a crash left in it.
 */
final class GitWorkspaces implements Workspaces {
  private static final Logger LOG = LoggerFactory.getLogger(GitWorkspaces.class);
  private static final Duration GIT_TIMEOUT = Duration.ofMinutes(2);
  private static final int MAX_LISTED = 20;
  private static final String OWNER = "owner";
  private static final String HOST = hostName();
  // beside a run's own repository: the repository holds a verified commit still to be published
  private static final String KEPT = "kept";

  /** What a prepared workspace carries besides the record the core sees. */
  private record Prepared(
      String start, OwnRepository own, RepositoryFingerprint baseline, List<String> refsSeen) {}

  /** The user's repository, as autofix found it at start-up. */
  private record UserRepository(Path gitDir, Path commonDir, String objectFormat) {}

  private final AgentsConfig config;
  private final Git git;
  private final ProcessRunner runner;
  private final UntrustedProcesses processes;
  private final Path worktrees;
  private final String path;
  private final Map<String, String> environment;
  private final Object repoLock = new Object();
  private final ConcurrentMap<Path, Prepared> prepared = new ConcurrentHashMap<>();
  private UserRepository repository;

  private GitWorkspaces(AgentsConfig config, Map<String, String> environment) {
    this.config = config;
    this.runner = new ProcessRunner(config.logLimitBytes(), 4_000, Duration.ofSeconds(3));
    this.processes = new UntrustedProcesses(config, environment);
    // autofix's own operations in the user's repository (fetch, worktree add and remove): the
    // user's environment minus autofix's secrets, and never a hook (see userGit). Its output is
    // kept in the data directory, out of the agent's sight, while git runs.
    this.git =
        new Git(
            Environments.clean(environment, config.envDenyList()), GIT_TIMEOUT, config.dataDir());
    this.worktrees = config.dataDir().resolve("worktrees");
    this.path = environment.get("PATH");
    this.environment = Map.copyOf(environment);
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

  /**
   * Removes every worktree and own repository under the data directory, prunes stale worktree
   * metadata, and records where the user's git directories are.
   */
  void prune() {
    synchronized (repoLock) {
      try {
        Files.createDirectories(config.dataDir()); // where git's output goes while it runs
      } catch (IOException e) {
        throw new WorkspaceException("cannot create " + config.dataDir(), e);
      }
      Git.Outcome found =
          userGit(
              config.repoPath(),
              "rev-parse",
              "--show-toplevel",
              "--absolute-git-dir",
              "--git-common-dir",
              "--show-object-format");
      if (!found.ok()) {
        throw new WorkspaceException(
            "not a git checkout: " + config.repoPath() + " (" + found.firstError() + ")");
      }
      String[] lines = found.stdout().strip().split("\n");
      if (lines.length < 4) {
        throw new WorkspaceException("git rev-parse said too little: " + found.stdout().strip());
      }
      repository =
          new UserRepository(
              Path.of(lines[1].strip()),
              config.repoPath().resolve(lines[2].strip()).toAbsolutePath().normalize(),
              lines[3].strip());
      try {
        Files.createDirectories(worktrees);
        try (Stream<Path> leftovers = Files.list(worktrees)) {
          for (Path leftover : leftovers.toList()) {
            LOG.info("removing the worktree {} left by an earlier process", leftover);
            removeWorktree(leftover);
          }
        }
        Path runs = config.dataDir().resolve("runs");
        if (Files.isDirectory(runs, LinkOption.NOFOLLOW_LINKS)) {
          try (Stream<Path> leftovers = Files.list(runs)) {
            for (Path run : leftovers.toList()) {
              // a verified commit kept for a later publish outlives the restart; see keep()
              if (!Files.isRegularFile(run.resolve(KEPT), LinkOption.NOFOLLOW_LINKS)) {
                Paths2.deleteTree(run.resolve("git"));
              }
              Files.deleteIfExists(run.resolve(OWNER));
            }
          }
        }
      } catch (IOException e) {
        throw new WorkspaceException("cannot clean " + config.dataDir(), e);
      }
      userGit(config.repoPath(), "worktree", "prune");
    }
  }

  /**
   * Why no worktree can be made now: the data dir (worktrees, autofix's git state per run, logs) or
   * the checkout's common git dir (where git registers a worktree) is full or read-only.
   */
  @Override
  public Optional<String> unavailable() {
    Optional<String> data = WritableSpace.problem(config.dataDir(), WritableSpace.MIN_FREE_BYTES);
    UserRepository user = repository;
    return data.isPresent() || user == null
        ? data
        : WritableSpace.problem(user.commonDir(), WritableSpace.MIN_FREE_BYTES);
  }

  @Override
  public Workspace prepare(FixRun run, RunLogs.RunLog log) {
    String branch = BranchNames.forIssue(run.issue());
    Path directory = worktrees.resolve("run-" + run.id());
    Path ownDir = ownDirectory(run.id());
    String sha;
    RepositoryFingerprint baseline;
    OwnRepository own;
    synchronized (repoLock) {
      if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
        log.append("removing the worktree an earlier attempt left in " + directory);
        removeWorktree(directory);
      }
      // Before the worktree exists: a registration of this run is never without its owner.
      writeOwner(run);
      clearDeadOwners(run, log);
      // Before any git command runs in the user's repository, autofix's included.
      try {
        baseline = fingerprint();
      } catch (IOException e) {
        throw new WorkspaceException("cannot read " + repository.commonDir(), e);
      }
      try {
        // a commit kept for a run that was cancelled, then retried: the retry starts over
        Files.deleteIfExists(keptMarker(run.id()));
      } catch (IOException e) {
        throw new WorkspaceException("cannot remove " + keptMarker(run.id()), e);
      }
      String start = startPoint(log);
      // Detached: the fix branch exists only in autofix's own repository, never in the user's.
      // --force twice: a registration whose directory vanished, or that an agent locked, is
      // autofix's all the same and must not block the add.
      requireOk(
          userGit(
              config.repoPath(),
              "worktree",
              "add",
              "--quiet",
              "--force",
              "--force",
              "--detach",
              directory.toString(),
              start),
          "git worktree add");
      try {
        // Nothing untrusted has run yet: the start commit and the checkout's index are autofix's.
        String[] found =
            requireOk(
                    userGit(directory, "rev-parse", "HEAD", "--absolute-git-dir"), "git rev-parse")
                .stdout()
                .strip()
                .split("\n");
        sha = found[0].strip();
        Path checkoutIndex = Path.of(found[found.length - 1].strip()).resolve("index");
        own =
            OwnRepository.create(
                ownDir,
                repository.commonDir().resolve("objects"),
                repository.objectFormat(),
                GIT_TIMEOUT,
                path,
                userSettings());
        own.keepBaseIndex(checkoutIndex);
      } catch (IOException e) {
        removeWorktree(directory);
        userGit(config.repoPath(), "worktree", "prune");
        throw new WorkspaceException("cannot prepare autofix's repository for run " + run.id(), e);
      }
    }
    prepared.put(directory, new Prepared(sha, own, baseline, new ArrayList<>()));
    log.append(
        "workspace "
            + directory
            + " from "
            + config.baseBranch()
            + " at "
            + sha
            + "; the fix is committed as "
            + branch
            + " in autofix's own repository");
    Workspace workspace = new Workspace(run.id(), directory, branch, config.baseBranch());
    if (config.setupCommand() != null) {
      setup(workspace, log);
    }
    return workspace;
  }

  /**
   * Records who prepares the run's worktree: {@code <dataDir>/runs/run-<id>/owner} names the run,
   * its issue, and this process (host, pid, start time). Another autofix process that shares the
   * checkout and recovers the run after this one died reads it to know the worktree left behind is
   * autofix's, for this very run, and that its owner is gone ({@link #clearDeadOwners}).
   */
  private void writeOwner(FixRun run) {
    ProcessHandle self = ProcessHandle.current();
    String text =
        "run="
            + run.id().value()
            + "\nissue="
            + run.issue().id()
            + "\nhost="
            + HOST
            + "\npid="
            + self.pid()
            + "\nstarted="
            + self.info().startInstant().map(Object::toString).orElse("")
            + "\n";
    Path owner = ownerFile(config.dataDir(), run.id().value());
    try {
      Files.createDirectories(owner.getParent());
      Path next = owner.resolveSibling(OWNER + ".autofix-new");
      Files.deleteIfExists(next);
      Files.writeString(next, text);
      Files.move(
          next,
          owner,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new WorkspaceException("cannot record the owner of run " + run.id(), e);
    }
  }

  private static Path ownerFile(Path dataDir, long run) {
    return dataDir.resolve("runs").resolve("run-" + run).resolve(OWNER);
  }

  /**
   * Clears what a dead autofix process sharing this checkout left for {@code run}: its worktree
   * {@code <its dataDir>/worktrees/run-<id>} and that worktree's registration in the checkout's
   * git, which {@code git worktree prune} keeps while the directory exists. Only a detached
   * worktree of that exact path shape is considered, and only when its data directory's owner file
   * names this run and this issue and a process that is gone (on this host; on another, the expired
   * lease that gave this process the run says its owner lost it). The user's worktrees (on a
   * branch, or anywhere else) are never touched; nor is a live owner's.
   */
  private void clearDeadOwners(FixRun run, RunLogs.RunLog log) {
    String name = "run-" + run.id().value();
    Git.Outcome listed = userGit(config.repoPath(), "worktree", "list", "--porcelain", "-z");
    if (!listed.ok()) {
      return; // the add below reports what is wrong with the repository
    }
    Path ours = worktrees.toAbsolutePath().normalize();
    boolean removed = false;
    for (String entry : listed.stdout().split("\0\0")) {
      Path path = null;
      boolean detached = false;
      for (String field : entry.split("\0")) {
        if (field.startsWith("worktree ")) {
          path = Path.of(field.substring("worktree ".length())).toAbsolutePath().normalize();
        } else if (field.equals("detached")) {
          detached = true;
        }
      }
      if (path == null
          || !detached
          || path.getNameCount() < 3
          || !path.getFileName().toString().equals(name)
          || !path.getParent().getFileName().toString().equals("worktrees")
          || path.getParent().equals(ours)) {
        continue;
      }
      Path dataDir = path.getParent().getParent();
      Optional<String> gone = deadOwner(ownerFile(dataDir, run.id().value()), run);
      if (gone.isEmpty()) {
        continue;
      }
      log.append("removing the worktree " + path + " that " + gone.get() + " left for this run");
      LOG.warn(
          "run {}: removing the worktree {} that {} left in the shared checkout",
          run.id(),
          path,
          gone.get());
      removeWorktree(path);
      removed = true;
    }
    if (removed) {
      userGit(config.repoPath(), "worktree", "prune");
    }
  }

  /**
   * Who left the owner file, when it names {@code run} and its issue and that process is gone;
   * empty when the file is missing or unreadable, names another run, or its process still runs.
   */
  private static Optional<String> deadOwner(Path ownerFile, FixRun run) {
    Map<String, String> fields = new java.util.HashMap<>();
    try {
      if (!Files.isRegularFile(ownerFile, LinkOption.NOFOLLOW_LINKS)
          || Files.size(ownerFile) > 4_096) {
        return Optional.empty();
      }
      for (String line : Files.readAllLines(ownerFile)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (!Long.toString(run.id().value()).equals(fields.get("run"))
        || !run.issue().id().toString().equals(fields.get("issue"))) {
      return Optional.empty();
    }
    String who =
        "the autofix process " + fields.getOrDefault("pid", "?") + " on " + fields.get("host");
    if (!HOST.equals(fields.get("host"))) {
      return Optional.of(who + " (its lease on the run expired)");
    }
    long pid;
    try {
      pid = Long.parseLong(fields.getOrDefault("pid", ""));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String started = fields.getOrDefault("started", "");
    boolean alive =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .map(
                p ->
                    started.isEmpty()
                        || p.info().startInstant().map(Object::toString).orElse("").equals(started))
            .orElse(false);
    return alive ? Optional.empty() : Optional.of(who + ", now dead,");
  }

  private Path ownDirectory(dev.autofix.core.model.RunId run) {
    return config.dataDir().resolve("runs").resolve("run-" + run.value()).resolve("git");
  }

  private RepositoryFingerprint fingerprint() throws IOException {
    RepositoryFingerprint files =
        RepositoryFingerprint.take(
            repository.gitDir(),
            repository.commonDir(),
            Set.of("refs/remotes/" + config.remote() + "/" + config.baseBranch()));
    // A config that includes other files: those as git reads them (listing runs nothing). One
    // without includes is all in its own file, already watched.
    String own = readBounded(repository.commonDir().resolve("config"));
    if (!own.toLowerCase(java.util.Locale.ROOT).contains("include")) {
      return files.with("config (with its includes)", "no includes");
    }
    Git.Outcome local = userGit(config.repoPath(), "config", "--local", "--list", "--includes");
    return files.with(
        "config (with its includes)",
        RepositoryFingerprint.digestOf(local.exitCode() + "\n" + local.stdout()));
  }

  /**
   * What of the user's git setup autofix's own commit keeps, read before anything untrusted runs:
   * line-ending conversion, clean filters, and the user's exclude patterns (see {@link
   * OwnRepository.UserSettings}).
   */
  private OwnRepository.UserSettings userSettings() throws IOException {
    List<String> settings = new ArrayList<>();
    String excludesFile = null;
    Git.Outcome found =
        userGit(
            config.repoPath(),
            "config",
            "--get-regexp",
            "^(filter\\..+\\.(clean|process|required)|core\\.(autocrlf|eol|excludesfile))$");
    for (String line : found.stdout().split("\n")) {
      int space = line.indexOf(' ');
      if (space <= 0) {
        continue;
      }
      String key = line.substring(0, space);
      String value = line.substring(space + 1);
      if (key.equals("core.excludesfile")) {
        excludesFile = value;
      } else {
        settings.add(key + "=" + value);
      }
    }
    StringBuilder excludes = new StringBuilder();
    excludes.append(readBounded(repository.commonDir().resolve("info/exclude")));
    String home = environment.get("HOME");
    Path globalExcludes;
    if (excludesFile != null && !excludesFile.isBlank()) {
      globalExcludes =
          excludesFile.startsWith("~/") && home != null
              ? Path.of(home, excludesFile.substring(2))
              : Path.of(excludesFile);
    } else {
      String xdg = environment.get("XDG_CONFIG_HOME");
      globalExcludes =
          xdg != null && !xdg.isBlank()
              ? Path.of(xdg, "git", "ignore")
              : home == null ? null : Path.of(home, ".config", "git", "ignore");
    }
    if (globalExcludes != null) {
      excludes.append('\n').append(readBounded(globalExcludes));
    }
    return new OwnRepository.UserSettings(settings, excludes.toString());
  }

  private static String readBounded(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (var in = Files.newInputStream(file)) {
      return new String(in.readNBytes(1 << 20), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Override
  public RepositoryCheck checkRepository(Workspace workspace, RunLogs.RunLog log) {
    Prepared state = state(workspace);
    RepositoryFingerprint now;
    try {
      now = fingerprint();
    } catch (IOException e) {
      throw new WorkspaceException("cannot read " + repository.commonDir(), e);
    }
    List<String> moved = now.refChangesSince(state.baseline());
    List<String> unseen = moved.stream().filter(m -> !state.refsSeen().contains(m)).toList();
    if (!unseen.isEmpty()) {
      state.refsSeen().addAll(unseen);
      String refs = listed(unseen);
      log.append("refs of your repository changed while the run ran (not autofix's): " + refs);
      LOG.warn(
          "run {}: refs of {} changed meanwhile: {}", workspace.runId(), config.repoPath(), refs);
    }
    List<String> tampered = now.guardedChangesSince(state.baseline());
    if (tampered.isEmpty()) {
      return new Untouched();
    }
    String what = listed(tampered);
    log.append("the repository " + repository.commonDir() + " changed: " + what);
    return new Tampered(what);
  }

  private static String listed(List<String> items) {
    if (items.size() <= MAX_LISTED) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, MAX_LISTED))
        + " and "
        + (items.size() - MAX_LISTED)
        + " more";
  }

  private Prepared state(Workspace workspace) {
    Prepared state = prepared.get(workspace.directory());
    if (state == null) {
      throw new WorkspaceException("no workspace was prepared in " + workspace.directory());
    }
    return state;
  }

  private String startPoint(RunLogs.RunLog log) {
    String base = config.baseBranch();
    String remote = config.remote();
    String tracking = "refs/remotes/" + remote + "/" + base;
    if (userGit(config.repoPath(), "remote", "get-url", remote).ok()) {
      Git.Outcome fetch =
          userGit(
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
      if (userGit(config.repoPath(), "rev-parse", "--verify", "--quiet", ref + "^{commit}").ok()) {
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

  /** The most of a diff a run's log keeps for its page: the pull request has the rest. */
  static final int MAX_DIFF_CHARS = 200_000;

  @Override
  public CommitResult commit(Workspace workspace, String message) {
    Prepared state = state(workspace);
    OwnRepository own = state.own();
    try {
      String tree;
      switch (own.snapshot(workspace.directory())) {
        case OwnRepository.Refused refused -> {
          return new Refused(refused.reason());
        }
        case OwnRepository.Tree snapshot -> tree = snapshot.id();
      }
      if (tree.equals(own.treeOf(state.start()))) {
        return new Unchanged();
      }
      String wrong = own.checkTree(state.start(), tree);
      if (wrong != null) {
        return new Refused(wrong);
      }
      String sha =
          own.commit(
              tree,
              state.start(),
              message,
              config.gitAuthorName(),
              config.gitAuthorEmail(),
              workspace.branch());
      List<String> files = own.changedPaths(state.start(), sha, OwnRepository.MAX_CHANGED_PATHS);
      String stat = own.shortStat(state.start(), sha);
      return new Committed(
          new Patch(workspace.branch(), sha, files, stat, own.gitDir()),
          own.diff(state.start(), sha, MAX_DIFF_CHARS));
    } catch (IOException e) {
      throw new WorkspaceException("cannot commit the change in " + workspace.directory(), e);
    }
  }

  @Override
  public ConfirmResult confirm(Workspace workspace, Patch patch) {
    OwnRepository own = state(workspace).own();
    try {
      String tree;
      switch (own.snapshot(workspace.directory())) {
        case OwnRepository.Refused refused -> {
          return new Diverged("after the verification, " + refused.reason());
        }
        case OwnRepository.Tree snapshot -> tree = snapshot.id();
      }
      if (tree.equals(own.treeOf(patch.commit()))) {
        return new Confirmed();
      }
      List<String> changed = own.changedPaths(own.treeOf(patch.commit()), tree, MAX_LISTED + 1);
      return new Diverged(
          "the test command changed the worktree after the change was committed, so what it"
              + " verified is not what would be pushed: "
              + listed(changed)
              + " (if the tests write these files, add them to .gitignore)");
    } catch (IOException e) {
      throw new WorkspaceException(
          "cannot compare " + workspace.directory() + " with its commit", e);
    }
  }

  @Override
  public void release(Workspace workspace) {
    synchronized (repoLock) {
      removeWorktree(workspace.directory());
      userGit(config.repoPath(), "worktree", "prune");
    }
    prepared.remove(workspace.directory());
    try {
      if (!Files.isRegularFile(keptMarker(workspace.runId()), LinkOption.NOFOLLOW_LINKS)) {
        Paths2.deleteTree(ownDirectory(workspace.runId()));
      }
      Files.deleteIfExists(ownerFile(config.dataDir(), workspace.runId().value()));
    } catch (IOException e) {
      LOG.warn(
          "cannot remove autofix's repository of run {}: {}", workspace.runId(), e.getMessage());
    }
    processes.cleanUp(workspace.runId());
  }

  /**
   * Keeps the run's own repository, which holds the verified commit (on {@code refs/heads/<branch>}
   * and borrowing the user's objects), past {@link #release} and a restart: a marker beside it says
   * so. The worktree itself still goes.
   */
  @Override
  public Patch keep(Workspace workspace, Patch patch) {
    Path marker = keptMarker(workspace.runId());
    try {
      Files.writeString(marker, patch.commit() + "\n");
    } catch (IOException e) {
      throw new WorkspaceException("cannot keep the commit of run " + workspace.runId(), e);
    }
    return patch;
  }

  @Override
  public void discard(dev.autofix.core.model.RunId run) {
    try {
      Paths2.deleteTree(ownDirectory(run));
      Files.deleteIfExists(keptMarker(run));
    } catch (IOException e) {
      LOG.warn("cannot remove the commit kept for run {}: {}", run, e.getMessage());
    }
  }

  private Path keptMarker(dev.autofix.core.model.RunId run) {
    return ownDirectory(run).resolveSibling(KEPT);
  }

  private void removeWorktree(Path directory) {
    // autofix deletes its own directory itself (never following a link), rather than through git,
    // which would find the worktree by metadata the agent (trusted) can rewrite; a lock the agent
    // put on it is lifted, and the metadata of a missing worktree is pruned.
    userGit(config.repoPath(), "worktree", "unlock", directory.toString());
    try {
      Paths2.deleteTree(directory);
    } catch (IOException e) {
      throw new WorkspaceException("cannot remove the worktree " + directory, e);
    }
  }

  /**
   * git in the user's repository, for autofix's own operations there: hooks and fsmonitor off (an
   * earlier trusted agent may have planted one; the fingerprint reports it, but autofix never runs
   * it), and no split index, so that the checkout's index can be copied.
   */
  private Git.Outcome userGit(Path directory, String... args) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.splitIndex=false",
            "-c",
            "gc.auto=0",
            "-c",
            "maintenance.auto=false"));
    command.addAll(Arrays.asList(args));
    return git.run(directory, command.toArray(String[]::new));
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

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
