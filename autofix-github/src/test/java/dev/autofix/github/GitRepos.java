package dev.autofix.github;

import dev.autofix.core.model.AgentReport;
import dev.autofix.core.model.BranchNames;
import dev.autofix.core.model.FixCommits;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.PullRequestPublisher.PublishRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Real git repositories for tests: a bare remote and a worktree with a committed fix branch. */
final class GitRepos {
  static final Instant NOW = Instant.parse("2026-11-24T09:00:00Z");

  /** The issue trailer autofix's fix commits for {@link #issue()} carry. */
  static final String TRAILER = FixCommits.issueTrailer(issue().id());

  private GitRepos() {}

  /**
   * A worktree and a bare remote.
   *
   * @param worktree the clone with the fix branch checked out and committed
   * @param remote the bare repository ({@code origin} of the worktree)
   * @param branch the fix branch
   * @param commit the fix commit
   */
  record Checkout(Path worktree, Path remote, String branch, String commit) {}

  static Issue issue() {
    return new Issue(
        new IssueId("sentry", "1170820242"),
        "BACKEND-4Z",
        "backend",
        "TypeError: Cannot read properties of undefined (reading 'total')",
        "app/cart.js in computeTotal",
        Level.ERROR,
        URI.create("https://acme.sentry.io/issues/1170820242/"),
        NOW.minusSeconds(600),
        42);
  }

  /** A bare remote with {@code main}, and a clone whose fix branch has one commit over it. */
  static Checkout checkout(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path remote = dir.resolve("remote.git");
    Path worktree = dir.resolve("work");
    git(dir, "init", "-q", "--bare", "-b", "main", remote.toString());
    git(dir, "init", "-q", "-b", "main", worktree.toString());
    write(worktree.resolve("cart.js"), "export const total = (cart) => cart.total;\n");
    git(worktree, "add", "cart.js");
    git(worktree, "commit", "-q", "-m", "initial");
    git(worktree, "remote", "add", "origin", remote.toString());
    git(worktree, "push", "-q", "origin", "main");
    String branch = BranchNames.forIssue(issue());
    git(worktree, "checkout", "-q", "-b", branch);
    write(worktree.resolve("cart.js"), "export const total = (cart) => cart?.total ?? 0;\n");
    git(worktree, "commit", "-q", "-am", "fix: guard a missing cart (BACKEND-4Z)", "-m", TRAILER);
    return new Checkout(worktree, remote, branch, git(worktree, "rev-parse", "HEAD").strip());
  }

  static PublishRequest request(Checkout checkout) {
    return request(checkout, null);
  }

  /**
   * A request for {@code checkout}'s fix, by a run that recorded {@code recordedPullRequest} from
   * an earlier attempt ({@code null}: none).
   */
  static PublishRequest request(Checkout checkout, URI recordedPullRequest) {
    Issue issue = issue();
    RunId runId = new RunId(7);
    FixRun queued = FixRun.queued(runId, issue, NOW);
    FixRun run =
        new FixRun(
            queued.id(),
            queued.issue(),
            queued.status(),
            queued.attempts(),
            queued.createdAt(),
            queued.updatedAt(),
            queued.startedAt(),
            queued.finishedAt(),
            queued.notBefore(),
            queued.leaseOwner(),
            queued.leaseUntil(),
            queued.agent(),
            queued.branch(),
            recordedPullRequest,
            queued.summary(),
            queued.costUsd(),
            queued.reason(),
            null);
    return new PublishRequest(
        run,
        issue,
        new Workspace(runId, checkout.worktree(), checkout.branch(), "main"),
        new Patch(
            checkout.branch(),
            tip(checkout),
            List.of("cart.js"),
            "1 file changed, 1 insertion(+), 1 deletion(-)",
            gitDir(checkout)),
        new AgentReport(
            "Root cause: the cart can be undefined after a logout.\nFix: guard it.",
            new BigDecimal("0.4213"),
            12,
            "session-1"),
        new FixVerifier.Passed("npm test", Duration.ofSeconds(14), "42 passing"),
        "claude-code",
        Duration.ofSeconds(263));
  }

  /** The git directory the fix commit is pushed from (autofix's own repository, in production). */
  static Path gitDir(Checkout checkout) {
    return checkout.worktree().resolve(".git");
  }

  /** The fix branch's commit now (a test may have amended it). */
  static String tip(Checkout checkout) {
    return git(checkout.worktree(), "rev-parse", "refs/heads/" + checkout.branch()).strip();
  }

  /** Runs git with a fixed identity and no user or system config; returns its stdout. */
  static String git(Path dir, String... args) {
    return gitAs("autofix test", "autofix@example.com", dir, args);
  }

  /**
   * The checkout after a retry: the fix branch started over from {@code main} with a new commit by
   * autofix's identity, as a new attempt of the run makes it.
   */
  static Checkout retried(Checkout checkout) {
    git(checkout.worktree(), "checkout", "-q", "-B", checkout.branch(), "main");
    write(checkout.worktree().resolve("cart.js"), "export const total = (c) => c ? c.total : 0;\n");
    git(checkout.worktree(), "add", "cart.js");
    git(
        checkout.worktree(),
        "commit",
        "-q",
        "-m",
        "fix: guard a missing cart, again",
        "-m",
        TRAILER);
    return new Checkout(
        checkout.worktree(),
        checkout.remote(),
        checkout.branch(),
        git(checkout.worktree(), "rev-parse", "HEAD").strip());
  }

  /** Runs git as {@code name <email>} and no user or system config; returns its stdout. */
  static String gitAs(String name, String email, Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("git-test-", ".out");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        builder
            .environment()
            .putAll(
                Map.of(
                    "GIT_AUTHOR_NAME", name,
                    "GIT_AUTHOR_EMAIL", email,
                    "GIT_COMMITTER_NAME", name,
                    "GIT_COMMITTER_EMAIL", email,
                    "GIT_CONFIG_NOSYSTEM", "1",
                    "GIT_CONFIG_GLOBAL", "/dev/null",
                    "GIT_TERMINAL_PROMPT", "0"));
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("git timed out: " + command);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
          throw new IllegalStateException("git failed: " + command + "\n" + output);
        }
        return output;
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
