package dev.autofix.github.internal;

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
 * instead of waiting for a prompt. Without a token git uses the machine's own credentials. autofix
 * never force-pushes.
 */
public final class GitPush {
  private static final Logger LOG = LoggerFactory.getLogger(GitPush.class);
  private static final int MAX_TAIL = 2_000;

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
  public sealed interface Outcome permits Pushed, Refused {}

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

  /** Pushes {@code refs/heads/<branch>} from the worktree to the same name on the remote. */
  public Outcome push(Path worktree, String branch) {
    if (branch.startsWith("-") || branch.isBlank()) {
      throw new IllegalArgumentException("not a branch name: " + branch);
    }
    String url = remoteUrl(worktree);
    Map<String, String> env = environment(url);
    List<String> command =
        List.of(
            "git",
            "push",
            "--porcelain",
            settings.remote(),
            "refs/heads/" + branch + ":refs/heads/" + branch);
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
                + " has commits this run does not have ("
                + redactor.apply(summary)
                + "); autofix never force-pushes: delete the remote branch to publish this fix",
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
