package dev.autofix.agents;

import dev.autofix.agents.internal.Git;
import dev.autofix.agents.internal.Paths2;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.Workspaces;
import dev.autofix.support.check.Check;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code autofix doctor}'s checks of one repository's agent side, each against the real thing: the
 * checkout, its base branch and remote; the agent CLI (its version, its login, without a model call
 * that would cost); the sandbox (one process started in it); and the test command, run on the base
 * branch in a worktree made as a run's is, under a scratch data dir so that nothing of a running
 * server's is touched.
 */
final class AgentChecks {
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(20);
  private static final int MAX_TAIL = 300;

  private final AgentsConfig config;
  private final Map<String, String> environment;

  AgentChecks(AgentsConfig config, Map<String, String> environment) {
    this.config = config;
    this.environment = Map.copyOf(environment);
  }

  List<Check> run() {
    List<Check> checks = new ArrayList<>();
    Optional<Check> repository = repository();
    repository.ifPresent(checks::add);
    checks.add(agent());
    checks.add(login());
    checks.add(sandbox());
    boolean baseExists = repository.isEmpty() || repository.get().status() != Check.Status.FAIL;
    checks.add(tests(baseExists));
    return checks;
  }

  private Git git(Path scratch) {
    return new Git(environment, Duration.ofMinutes(2), scratch);
  }

  /** The base branch, locally or at the remote, and the remote. */
  private Optional<Check> repository() {
    Path scratch;
    try {
      scratch = Files.createTempDirectory("autofix-doctor-git");
    } catch (IOException e) {
      return Optional.of(
          Check.fail(
              "repository",
              "cannot make a temporary folder: " + e.getMessage(),
              "free space in " + System.getProperty("java.io.tmpdir")));
    }
    try {
      Git git = git(scratch);
      Path repo = config.repoPath();
      String base = config.baseBranch();
      String remote = config.remote();
      Git.Outcome url = git.run(repo, "remote", "get-url", remote);
      Git.Outcome fetched =
          url.ok()
              ? git.run(
                  repo,
                  "-c",
                  "core.hooksPath=/dev/null",
                  "ls-remote",
                  "--heads",
                  remote,
                  "refs/heads/" + base)
              : null;
      boolean local = git.run(repo, "rev-parse", "--verify", "--quiet", base + "^{commit}").ok();
      if (fetched != null && fetched.ok() && !fetched.stdout().isBlank()) {
        return Optional.of(
            Check.ok(
                "repository",
                repo
                    + ": base "
                    + base
                    + " at "
                    + remote
                    + " ("
                    + redact(url.stdout().strip())
                    + ")"));
      }
      if (fetched != null && !fetched.ok()) {
        return Optional.of(
            local
                ? Check.warn(
                    "repository",
                    repo
                        + ": cannot read "
                        + remote
                        + " ("
                        + redact(fetched.firstError())
                        + "); runs would start from the local "
                        + base,
                    "make `git ls-remote " + remote + "` work for this user, or check the remote")
                : Check.fail(
                    "repository",
                    repo + ": cannot read " + remote + " (" + redact(fetched.firstError()) + ")",
                    "make `git ls-remote " + remote + "` work for this user"));
      }
      if (local) {
        return Optional.of(
            url.ok()
                ? Check.warn(
                    "repository",
                    repo
                        + ": "
                        + remote
                        + " has no branch "
                        + base
                        + "; runs start from the local one",
                    "push " + base + " to " + remote + ", or set AUTOFIX_BASE_BRANCH")
                : Check.warn(
                    "repository",
                    repo + ": no remote " + remote + "; runs start from the local " + base,
                    "set AUTOFIX_REMOTE to the remote that has the base branch"));
      }
      return Optional.of(
          Check.fail(
              "repository",
              repo + " has no branch " + base + (url.ok() ? ", here or at " + remote : ""),
              "set AUTOFIX_BASE_BRANCH to the branch fixes start from"));
    } finally {
      deleteQuietly(scratch);
    }
  }

  private String binary() {
    return switch (config.agent()) {
      case CLAUDE -> config.claude().binary();
      case CODEX -> config.codex().binary();
      case COMMAND -> config.command().strip().split("\\s+")[0];
    };
  }

  /** The CLI is there, and says its version. */
  private Check agent() {
    String binary = binary();
    String setting =
        switch (config.agent()) {
          case CLAUDE -> "AUTOFIX_CLAUDE_BIN";
          case CODEX -> "AUTOFIX_CODEX_BIN";
          case COMMAND -> "AUTOFIX_AGENT_COMMAND";
        };
    if (config.agent() == AgentsConfig.Agent.COMMAND) {
      return Check.ok("agent", "command " + config.command());
    }
    Path output;
    try {
      output = Files.createTempFile("autofix-doctor-version", ".txt");
    } catch (IOException e) {
      return Check.fail(
          "agent",
          "cannot make a temporary file: " + e.getMessage(),
          "free space in " + System.getProperty("java.io.tmpdir"));
    }
    // to a file, not a pipe: a CLI that hangs, or leaves a child holding the pipe, cannot hold
    // doctor past the timeout; and none of autofix's own settings (its secrets) reach it
    ProcessBuilder builder =
        new ProcessBuilder(binary, "--version")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    environment.forEach(
        (key, value) -> {
          if (!key.startsWith("AUTOFIX_")) {
            builder.environment().put(key, value);
          }
        });
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      deleteQuietly(output);
      return Check.fail(
          "agent",
          "cannot start " + binary + ": " + e.getMessage(),
          "install the " + config.agent().wireName() + " CLI, or set " + setting);
    }
    try {
      if (!process.waitFor(VERSION_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        return Check.fail(
            "agent",
            "`" + binary + " --version` did not answer in " + VERSION_TIMEOUT.toSeconds() + " s",
            "run it yourself to see why");
      }
      byte[] out;
      try (java.io.InputStream in = Files.newInputStream(output)) {
        out = in.readNBytes(4096);
      }
      String version = tail(new String(out, StandardCharsets.UTF_8));
      return process.exitValue() == 0
          ? Check.ok("agent", config.agent().wireName() + " " + version + " (" + binary + ")")
          : Check.fail(
              "agent",
              "`" + binary + " --version` exited " + process.exitValue() + ": " + version,
              "reinstall the " + config.agent().wireName() + " CLI, or set " + setting);
    } catch (IOException e) {
      return Check.fail(
          "agent", "reading " + binary + " failed: " + e.getMessage(), "run it yourself");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.fail("agent", "interrupted", "run doctor again");
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        Files.deleteIfExists(output);
      } catch (IOException e) {
        // a temporary file; the system cleans it
      }
    }
  }

  /** Its credentials are there; checked on disk and in the environment, never by a paid call. */
  private Check login() {
    if (config.agent() == AgentsConfig.Agent.COMMAND) {
      return Check.ok("agent login", "not checked for a command agent: it brings its own");
    }
    Optional<String> problem = Agents.runner(config, environment).unavailable();
    return problem.isPresent()
        ? Check.fail("agent login", problem.get(), "log in as the user autofix runs as (see above)")
        : Check.ok(
            "agent login",
            "credentials found (an API key or a login); not tried against the model, which would"
                + " cost");
  }

  private Check sandbox() {
    if (!config.access().isSandboxed()) {
      return Check.warn(
          "sandbox",
          "AUTOFIX_AGENT_ACCESS=trusted: the agent runs with this account's whole reach, with no"
              + " sandbox",
          "install bubblewrap and remove AUTOFIX_AGENT_ACCESS=trusted");
    }
    Optional<String> problem = Agents.sandboxUnavailable(config, environment);
    return problem.isPresent()
        ? Check.fail(
            "sandbox",
            problem.get(),
            "install bubblewrap (and socat), or set AUTOFIX_AGENT_ACCESS=trusted knowingly")
        : Check.ok("sandbox", "bubblewrap starts a process in the agent's sandbox");
  }

  /** The test command passes on the base branch, in a worktree made as a run's is. */
  private Check tests(boolean baseExists) {
    if (config.testCommand() == null) {
      return Check.warn(
          "tests",
          "no AUTOFIX_TEST_COMMAND: autofix verifies nothing itself before it publishes",
          "set AUTOFIX_TEST_COMMAND to the command that runs the repository's tests");
    }
    if (!baseExists) {
      return Check.fail(
          "tests", "not run: there is no base branch to run them on", "fix the repository line");
    }
    Path scratch;
    try {
      scratch = Files.createTempDirectory("autofix-doctor");
    } catch (IOException e) {
      return Check.fail(
          "tests",
          "cannot make a temporary folder: " + e.getMessage(),
          "free space in " + System.getProperty("java.io.tmpdir"));
    }
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    RunLogs.RunLog log = lines::add;
    AgentsConfig scratchConfig = config.toBuilder().dataDir(scratch.resolve("data")).build();
    // Ctrl-C while the tests run: the worktree's registration in the checkout and the scratch
    // folder go too (GitWorkspaces puts run 1's worktree at worktrees/run-1 of its data dir)
    Path worktree = scratch.resolve("data").resolve("worktrees").resolve("run-1");
    Thread cleanup =
        Thread.ofPlatform()
            .unstarted(
                () -> {
                  git(Path.of(System.getProperty("java.io.tmpdir")))
                      .run(config.repoPath(), "worktree", "remove", "--force", worktree.toString());
                  deleteQuietly(scratch);
                });
    Runtime.getRuntime().addShutdownHook(cleanup);
    Workspace workspace = null;
    Workspaces workspaces = null;
    long start = System.nanoTime();
    try {
      workspaces = Agents.workspaces(scratchConfig, environment);
      Issue issue =
          new Issue(
              new IssueId("doctor", "1"),
              "DOCTOR-1",
              null,
              "autofix doctor: the test command on the base branch",
              null,
              Level.ERROR,
              null,
              null,
              0);
      workspace = workspaces.prepare(FixRun.queued(new RunId(1), issue, Instant.now()), log);
      FixVerifier.Verification verification =
          Agents.verifier(scratchConfig, environment).verify(workspace, log);
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      return switch (verification) {
        case FixVerifier.Passed passed ->
            Check.ok(
                "tests",
                "`"
                    + passed.command()
                    + "` passes on "
                    + config.baseBranch()
                    + " ("
                    + seconds
                    + " s)");
        case FixVerifier.Failed failed ->
            Check.fail(
                "tests",
                "`"
                    + failed.command()
                    + "` fails on "
                    + config.baseBranch()
                    + (failed.exitCode() == -1
                        ? " (timed out after " + config.testTimeout() + ")"
                        : " (exit " + failed.exitCode() + ")")
                    + ": "
                    + tail(failed.outputTail()),
                "no fix can be verified while the base branch fails: fix its tests, or set"
                    + " AUTOFIX_TEST_COMMAND to a command that passes there"
                    + (failed.exitCode() == -1 ? " (or raise AUTOFIX_TEST_TIMEOUT)" : ""));
        case FixVerifier.NotConfigured notConfigured ->
            Check.warn("tests", "no test command", "set AUTOFIX_TEST_COMMAND");
      };
    } catch (RuntimeException e) {
      return Check.fail(
          "tests",
          "cannot prepare a worktree of "
              + config.baseBranch()
              + ": "
              + (e.getMessage() == null ? e.toString() : e.getMessage())
              + (lines.isEmpty() ? "" : " (" + tail(String.join("; ", lines)) + ")"),
          "check the repository line, and AUTOFIX_SETUP_COMMAND when one is set");
    } finally {
      if (workspace != null) {
        try {
          workspaces.release(workspace);
        } catch (RuntimeException e) {
          // the scratch data dir goes below; git prunes the worktree's registration later
        }
      }
      if (workspace != null) {
        // its registration in the checkout, should release() not have removed it: this worktree
        // only (a prune would also drop the user's own stale ones)
        git(Path.of(System.getProperty("java.io.tmpdir")))
            .run(
                config.repoPath(),
                "worktree",
                "remove",
                "--force",
                workspace.directory().toString());
      }
      deleteQuietly(scratch);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs, or ran: it finds nothing left
      }
    }
  }

  /** {@code text} without the credentials a URL may carry ({@code https://user:token@host}). */
  static String redact(String text) {
    return text.replaceAll("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]+@", "$1***@");
  }

  private static String tail(String text) {
    String t = text.strip().replace('\n', ' ').replace('\r', ' ');
    return t.length() <= MAX_TAIL ? t : "…" + t.substring(t.length() - MAX_TAIL);
  }

  private static void deleteQuietly(Path path) {
    try {
      Paths2.deleteTree(path);
    } catch (IOException | RuntimeException e) {
      // a temporary folder; the system cleans it
    }
  }
}
