package dev.autofix.github.internal;

import dev.autofix.core.model.FixCommits;
import dev.autofix.github.GitHubException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the fix branch with the {@code git} CLI.
 *
 * <p>The token reaches git only through the child's environment ({@code GIT_CONFIG_COUNT} with an
 * {@code http.<url>.extraheader} scoped to the remote's host), never through its arguments or any
 * config file; {@code GIT_TERMINAL_PROMPT=0} makes a missing or wrong credential fail at once
 * instead of waiting for a prompt. Without a token git uses the machine's own credentials.
 *
 * <p>autofix never overwrites anyone's commits. A retry of a run starts over from the base, so its
 * commit does not fast-forward the branch an earlier attempt pushed: {@link #push} reports that as
 * an {@link EarlierAttempt} when the remote branch holds exactly one commit beyond this worktree's
 * history, made by the same author and committer as this worktree's commit and naming the same
 * issue in its {@code Autofix-Issue} trailer (it fetches the branch from the push URL into a ref of
 * its own to compare, and deletes that ref again); anything else is {@link Refused} (409), with the
 * reason. {@link #replace} then pushes over that one commit with {@code --force-with-lease} on it,
 * so a commit pushed in between is never lost.
 */
public final class GitPush {
  private static final Logger LOG = LoggerFactory.getLogger(GitPush.class);
  private static final int MAX_TAIL = 2_000;
  // where the remote branch is fetched to for the comparison (one per branch, that is per issue);
  // removed again right after
  private static final String EARLIER_REFS = "refs/autofix/earlier-attempt/";

  /**
   * How to push.
   *
   * @param remote a remote's name or a URL
   * @param token the token, or {@code null} for the machine's credentials
   * @param timeout how long one push may take
   * @param maxAttempts attempts when the transport fails
   */
  public record Settings(String remote, String token, Duration timeout, int maxAttempts) {
    public Settings {
      Objects.requireNonNull(remote, "remote == null");
      Objects.requireNonNull(timeout, "timeout == null");
    }

    @Override
    public String toString() {
      return "Settings[" + remote + "]";
    }
  }

  /** What came of a push. */
  public sealed interface Outcome permits Pushed, Refused, EarlierAttempt {}

  /**
   * The remote has the branch.
   *
   * @param summary git's summary for the ref, for example {@code [new branch]} or {@code [up to
   *     date]}
   * @param output everything git printed
   */
  public record Pushed(String summary, String output) implements Outcome {}

  /**
   * The remote refused, for a reason retrying would not change.
   *
   * @param status an HTTP-like status: 401 credentials, 403 refused, 404 no repository, 409 the
   *     remote branch moved on
   * @param message what happened, without secrets
   * @param output everything git printed
   */
  public record Refused(int status, String message, String output) implements Outcome {}

  /**
   * The remote branch holds an earlier attempt of autofix's and nothing else: one commit beyond
   * this worktree's history, by this worktree's commit's author and committer, for its issue (the
   * {@code Autofix-Issue} trailer). Not pushed; {@link #replace} replaces it.
   *
   * @param remoteCommit the remote branch's commit
   * @param message what happened
   * @param output everything the refused push printed
   */
  public record EarlierAttempt(String remoteCommit, String message, String output)
      implements Outcome {
    public EarlierAttempt {
      Objects.requireNonNull(remoteCommit, "remoteCommit == null");
    }
  }

  /** The result of running one git command. */
  record Run(int exitCode, String stdout, String stderr) {
    String output() {
      return stdout + stderr;
    }
  }

  private final Settings settings;
  private final Redactor redactor;
  private final Sleeper sleeper;

  public GitPush(Settings settings, Sleeper sleeper) {
    this.settings = Objects.requireNonNull(settings, "settings == null");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
    this.redactor = Redactor.forToken(settings.token());
  }

  /**
   * Pushes {@code refs/heads/<branch>} from the worktree to the same name on the remote, never
   * forced; an {@link EarlierAttempt} when only autofix's own earlier commit is in the way.
   */
  public Outcome push(Path worktree, String branch) {
    requireBranch(branch);
    String url = remoteUrl(worktree);
    Map<String, String> env = environment(url);
    Outcome outcome =
        pushWith(worktree, branch, url, env, List.of(settings.remote(), refspec(branch)));
    if (outcome instanceof Refused refused && refused.status() == 409) {
      Comparison comparison = compare(worktree, branch, env);
      if (comparison.earlierCommit() == null) {
        return new Refused(
            409,
            refused.message()
                + "; "
                + comparison.why()
                + ", so autofix does not replace it: delete the remote branch to publish this fix",
            refused.output());
      }
      String earlier = comparison.earlierCommit();
      String message =
          "the remote branch "
              + branch
              + " holds an earlier attempt of autofix's ("
              + earlier.substring(0, Math.min(12, earlier.length()))
              + ") and nothing else";
      LOG.info("push of {}: {}", branch, message);
      return new EarlierAttempt(earlier, message, refused.output());
    }
    return outcome;
  }

  /**
   * Pushes {@code refs/heads/<branch>} over {@code remoteCommit}, an {@link EarlierAttempt}: with
   * {@code --force-with-lease} on that commit, so a push that came in between is refused (409),
   * never overwritten.
   */
  public Outcome replace(Path worktree, String branch, String remoteCommit) {
    requireBranch(branch);
    if (!remoteCommit.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a commit id: " + remoteCommit);
    }
    String url = remoteUrl(worktree);
    Outcome outcome =
        pushWith(
            worktree,
            branch,
            url,
            environment(url),
            List.of(
                "--force-with-lease=refs/heads/" + branch + ":" + remoteCommit,
                settings.remote(),
                refspec(branch)));
    if (outcome instanceof Pushed) {
      LOG.info("replaced autofix's earlier attempt {} on {}", remoteCommit, branch);
    }
    if (outcome instanceof Refused refused && refused.status() == 409) {
      return new Refused(
          409,
          refused.message()
              + "; it changed after autofix compared it with this attempt, so nothing was"
              + " replaced: delete the remote branch to publish this fix",
          refused.output());
    }
    return outcome;
  }

  private static void requireBranch(String branch) {
    if (branch.startsWith("-") || branch.isBlank()) {
      throw new IllegalArgumentException("not a branch name: " + branch);
    }
  }

  private static String refspec(String branch) {
    return "refs/heads/" + branch + ":refs/heads/" + branch;
  }

  private Outcome pushWith(
      Path worktree, String branch, String url, Map<String, String> env, List<String> arguments) {
    List<String> command = new ArrayList<>(List.of("git", "push", "--porcelain"));
    command.addAll(arguments);
    for (int attempt = 1; ; attempt++) {
      Run run = run(worktree, command, env);
      String output = run.output();
      if (run.exitCode() == 0) {
        String summary = summary(run.stdout(), branch);
        LOG.info("pushed {} to {}: {}", branch, redactor.apply(url), summary);
        return new Pushed(summary, output);
      }
      Refused refused = classify(run, branch);
      if (refused != null) {
        LOG.warn("push of {} refused ({}): {}", branch, refused.status(), refused.message());
        return refused;
      }
      String tail = redactor.apply(tail(run.stderr()));
      if (!isTransportFailure(output) || attempt >= settings.maxAttempts()) {
        throw new GitHubException(
            "git push of " + branch + " failed (exit " + run.exitCode() + "): " + tail);
      }
      Duration wait = RetryDelays.forTransportFailure(attempt);
      LOG.warn(
          "git push of {} failed to reach {} (attempt {} of {}), retrying in {}: {}",
          branch,
          redactor.apply(url),
          attempt,
          settings.maxAttempts(),
          wait,
          tail);
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GitHubException("interrupted while retrying git push", e);
      }
    }
  }

  /**
   * What the remote branch holds, next to this attempt: its commit when that is autofix's earlier
   * attempt, else why it is not (or why that could not be told).
   */
  private record Comparison(String earlierCommit, String why) {}

  /**
   * Compares the remote branch with the local one: autofix's earlier attempt is exactly one commit
   * beyond the local branch's history (its only parent is an ancestor of the local branch) whose
   * author, committer and {@code Autofix-Issue} trailer are those of the local branch's commit. The
   * remote branch is fetched from the push URL into a ref of its own, deleted again afterwards.
   */
  private Comparison compare(Path worktree, String branch, Map<String, String> env) {
    String fetched = EARLIER_REFS + branch;
    Run fetch =
        run(
            worktree,
            List.of(
                "git",
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                "--no-recurse-submodules",
                pushUrl(worktree, env),
                "+refs/heads/" + branch + ":" + fetched),
            env);
    try {
      if (fetch.exitCode() != 0) {
        String error = redactor.apply(tail(fetch.stderr()));
        LOG.warn("cannot fetch {} to compare it with this attempt: {}", branch, error);
        return new Comparison(null, "it could not be fetched to compare (" + error + ")");
      }
      Run parents = run(worktree, List.of("git", "rev-list", "--parents", "-n", "1", fetched), env);
      String[] ids = parents.stdout().strip().split(" ");
      boolean oneBeyond =
          parents.exitCode() == 0
              && ids.length == 2
              && run(
                          worktree,
                          List.of(
                              "git", "merge-base", "--is-ancestor", ids[1], "refs/heads/" + branch),
                          env)
                      .exitCode()
                  == 0;
      if (!oneBeyond) {
        boolean shallow =
            run(worktree, List.of("git", "rev-parse", "--is-shallow-repository"), env)
                .stdout()
                .strip()
                .equals("true");
        return new Comparison(
            null,
            "it is not one commit on this attempt's history"
                + (shallow ? " (or this shallow repository cannot tell)" : ""));
      }
      // autofix's commit for this same issue: author, committer and the issue's trailer
      String identity =
          "--format=%an%x00%ae%x00%cn%x00%ce%x00%(trailers:key="
              + FixCommits.ISSUE_TRAILER
              + ",valueonly)";
      String theirs = described(worktree, env, identity, ids[0]);
      String ours = described(worktree, env, identity, "refs/heads/" + branch);
      String ourIssue = ours == null ? "" : ours.substring(ours.lastIndexOf('\0') + 1).strip();
      if (ours == null || ourIssue.isEmpty() || !ours.equals(theirs)) {
        return new Comparison(
            null,
            "its commit is not autofix's for this issue (author, committer and "
                + FixCommits.ISSUE_TRAILER
                + " trailer)");
      }
      return new Comparison(ids[0], null);
    } finally {
      Run delete = run(worktree, List.of("git", "update-ref", "-d", fetched), env);
      if (delete.exitCode() != 0) {
        LOG.warn("cannot delete {}: {}", fetched, tail(delete.stderr()));
      }
    }
  }

  /** {@code git log -1 <format> <commit>}, or {@code null} when git cannot tell. */
  private String described(Path worktree, Map<String, String> env, String format, String commit) {
    Run log = run(worktree, List.of("git", "log", "-1", format, commit), env);
    return log.exitCode() == 0 ? log.stdout() : null;
  }

  /**
   * Where pushes go: the remote's push URL when it is a remote's name (fetching by URL keeps git
   * from moving the user's remote-tracking branch), else the URL or path itself.
   */
  private String pushUrl(Path worktree, Map<String, String> env) {
    Run run = run(worktree, List.of("git", "remote", "get-url", "--push", settings.remote()), env);
    return run.exitCode() == 0 && !run.stdout().isBlank()
        ? run.stdout().strip()
        : settings.remote();
  }

  /** The URL the remote resolves to, to scope the auth header to its host. */
  private String remoteUrl(Path worktree) {
    if (settings.remote().contains("://") || settings.token() == null) {
      return settings.remote();
    }
    Run run =
        run(
            worktree,
            List.of("git", "remote", "get-url", "--push", settings.remote()),
            environment(null));
    if (run.exitCode() != 0) {
      throw new GitHubException(
          "the worktree "
              + worktree
              + " has no git remote named "
              + settings.remote()
              + ": "
              + redactor.apply(tail(run.stderr())));
    }
    return run.stdout().strip();
  }

  /** The child's environment: the machine's, no prompts, and the token as an extra header. */
  Map<String, String> environment(String url) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GCM_INTERACTIVE", "never");
    String scope = url == null ? null : headerScope(url);
    if (settings.token() != null && scope != null) {
      int n = existingConfigCount(env);
      env.put("GIT_CONFIG_KEY_" + n, "http." + scope + ".extraheader");
      env.put(
          "GIT_CONFIG_VALUE_" + n,
          "Authorization: Basic " + Redactor.basicCredentials(settings.token()));
      // A credential helper must not answer with the machine's credentials instead of the token.
      env.put("GIT_CONFIG_KEY_" + (n + 1), "credential.helper");
      env.put("GIT_CONFIG_VALUE_" + (n + 1), "");
      env.put("GIT_CONFIG_COUNT", Integer.toString(n + 2));
    }
    return env;
  }

  /** {@code scheme://host[:port]/} of an http(s) URL, or {@code null} for ssh and local paths. */
  static String headerScope(String url) {
    try {
      URI uri = URI.create(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        return null;
      }
      return scheme
          + "://"
          + uri.getHost()
          + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
          + "/";
    } catch (IllegalArgumentException notAUri) {
      return null;
    }
  }

  private static int existingConfigCount(Map<String, String> env) {
    try {
      return Math.max(0, Integer.parseInt(env.getOrDefault("GIT_CONFIG_COUNT", "0").trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Reads the ref's summary from {@code --porcelain} output: {@code
   * <flag>\t<from>:<to>\t<summary>}.
   */
  static String summary(String stdout, String branch) {
    for (String line : stdout.split("\n")) {
      String[] fields = line.split("\t");
      if (fields.length >= 3 && fields[1].endsWith("refs/heads/" + branch)) {
        return fields[2].strip();
      }
    }
    return "pushed";
  }

  /** A refusal that retrying would not change, or {@code null} for anything else. */
  Refused classify(Run run, String branch) {
    String output = run.output();
    String lower = output.toLowerCase(Locale.ROOT);
    String detail = redactor.apply(remoteLines(run.stderr()));
    for (String line : run.stdout().split("\n")) {
      String[] fields = line.split("\t");
      if (fields.length >= 3 && fields[0].equals("!")) {
        String summary = fields[2].strip();
        if (isRefLockRace(lower)) {
          // Another push of the same ref was in flight; the next try sees it up to date.
          return null;
        }
        if (summary.startsWith("[remote rejected]")) {
          return new Refused(
              403,
              "the remote refused the push of "
                  + branch
                  + ": "
                  + redactor.apply(summary)
                  + (detail.isEmpty() ? "" : " " + detail),
              output);
        }
        return new Refused(
            409,
            "the remote branch "
                + branch
                + " has changed in a way this push cannot fast-forward ("
                + redactor.apply(summary)
                + ")",
            output);
      }
    }
    if (lower.contains("authentication failed")
        || lower.contains("could not read username")
        || lower.contains("could not read password")
        || lower.contains("terminal prompts disabled")
        || lower.contains("returned error: 401")) {
      return new Refused(
          401,
          "git push of "
              + branch
              + " was not authenticated: "
              + (settings.token() == null
                  ? "no token is configured and the machine's git credentials did not work"
                  : "the remote refused the token")
              + " ("
              + redactor.apply(tail(run.stderr()))
              + ")",
          output);
    }
    if (lower.contains("returned error: 403")
        || lower.contains("permission to")
        || lower.contains("permission denied")) {
      return new Refused(
          403,
          "git push of " + branch + " was forbidden: " + redactor.apply(tail(run.stderr())),
          output);
    }
    if (lower.contains("repository not found")
        || lower.contains("returned error: 404")
        || lower.contains("does not appear to be a git repository")) {
      return new Refused(
          404,
          "git push of "
              + branch
              + ": the remote repository does not exist or cannot be seen: "
              + redactor.apply(tail(run.stderr())),
          output);
    }
    return null;
  }

  private static boolean isRefLockRace(String lowerOutput) {
    return lowerOutput.contains("cannot lock ref") || lowerOutput.contains("failed to lock");
  }

  private static boolean isTransportFailure(String output) {
    String lower = output.toLowerCase(Locale.ROOT);
    return isRefLockRace(lower)
        || lower.contains("could not resolve host")
        || lower.contains("failed to connect")
        || lower.contains("connection refused")
        || lower.contains("connection timed out")
        || lower.contains("operation timed out")
        || lower.contains("rpc failed")
        || lower.contains("early eof")
        || lower.contains("remote end hung up")
        || lower.matches("(?s).*returned error: 5\\d\\d.*");
  }

  private static String remoteLines(String stderr) {
    List<String> lines = new ArrayList<>();
    for (String line : stderr.split("\n")) {
      if (line.startsWith("remote:") && !line.substring(7).isBlank()) {
        lines.add(line.substring(7).strip());
      }
    }
    return tail(String.join(" ", lines));
  }

  private static String tail(String text) {
    String t = text.strip();
    return t.length() <= MAX_TAIL ? t : "…" + t.substring(t.length() - MAX_TAIL);
  }

  private Run run(Path worktree, List<String> command, Map<String, String> env) {
    Path out = null;
    Path err = null;
    Process process = null;
    try {
      out = Files.createTempFile("autofix-git-", ".out");
      err = Files.createTempFile("autofix-git-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(worktree.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().clear();
      builder.environment().putAll(env);
      process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new GitHubException(
            "git " + command.get(1) + " timed out after " + settings.timeout() + " in " + worktree);
      }
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GitHubException("cannot run git in " + worktree + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (process != null) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      throw new GitHubException("interrupted while running git in " + worktree, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.debug("cannot delete {}", file, e);
      }
    }
  }
}
