package dev.autofix.github.internal;

import dev.autofix.core.model.FixCommits;
import dev.autofix.github.GitHubException;
import dev.autofix.support.git.GitRunner;
import dev.autofix.support.retry.Retry;
import dev.autofix.support.retry.Sleeper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the fix commit with the {@code git} CLI: from autofix's own repository (never the agent's
 * worktree), to the configured destination (never a remote read from anyone's git config), as
 * {@code <verified sha>:refs/heads/<branch>}.
 *
 * <p>git runs with an environment built from nothing, never the server's: {@code PATH}, proxy and
 * CA variables, and what autofix sets. Hooks, fsmonitor, redirects (an auth header would follow
 * one) and every transport but the destination's are switched off on its command line. With a token
 * and an http(s) destination, no system or global config is read, and the token reaches git only
 * through the child's environment ({@code GIT_CONFIG_COUNT} with an {@code http.<url>.extraheader}
 * scoped to the destination's host, and {@code credential.helper} reset), never through its
 * arguments or a config file. Without a token, or over ssh, git uses the machine's own credentials
 * through the user's global config and {@code ~/.ssh} (never a repository's config). {@code
 * GIT_TERMINAL_PROMPT=0} (set by {@link GitRunner}, with {@code LC_ALL=C} for the English messages
 * {@code classify} reads) makes a missing or wrong credential fail at once.
 *
 * <p>autofix never overwrites anyone's commits. A retry of a run starts over from the base, so its
 * commit does not fast-forward the branch an earlier attempt pushed: {@link #push} reports that as
 * an {@link EarlierAttempt} when the remote branch holds exactly one commit beyond this commit's
 * history, made by the same author and committer as this commit and naming the same issue in its
 * {@code Autofix-Issue} trailer (it fetches the branch into a ref of its own to compare, and
 * deletes that ref again); anything else is {@link Refused} (409), with the reason. {@link
 * #replace} then pushes over that one commit with {@code --force-with-lease} on it, so a commit
 * pushed in between is never lost.
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
   * @param destination the URL or local path pushed to, from autofix's configuration only
   * @param token the token, or {@code null} for the machine's credentials
   * @param timeout how long one git command may take
   * @param maxAttempts attempts when the transport fails
   */
  public record Settings(String destination, String token, Duration timeout, int maxAttempts) {
    public Settings {
      Objects.requireNonNull(destination, "destination == null");
      Objects.requireNonNull(timeout, "timeout == null");
    }

    @Override
    public String toString() {
      return "Settings[" + destination + "]";
    }
  }

  /** What came of a push. */
  public sealed interface Outcome permits Pushed, Refused, EarlierAttempt, Unreachable {}

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

  /**
   * The remote could not be reached, or git timed out, on every try: worth trying again later.
   *
   * @param message what happened, without secrets
   * @param output everything the last try printed
   */
  public record Unreachable(String message, String output) implements Outcome {
    public Unreachable {
      Objects.requireNonNull(message, "message == null");
    }
  }

  /** The result of running one git command. */
  record Run(int exitCode, String stdout, String stderr) {
    String output() {
      return stdout + stderr;
    }
  }

  private final Settings settings;
  private final Map<String, String> server;
  private final Redactor redactor;
  private final GitRunner runner;
  private final Retry retry;

  /** Where this pushes to (a URL or a path from autofix's configuration), for messages. */
  public String destination() {
    return settings.destination();
  }

  /**
   * @param server the server's environment: git's children take only {@code PATH}, proxy and CA
   *     variables from it, and (when the token does not authenticate) the user's home and ssh agent
   */
  public GitPush(Settings settings, Map<String, String> server, Sleeper sleeper) {
    this.settings = Objects.requireNonNull(settings, "settings == null");
    this.server = Map.copyOf(Objects.requireNonNull(server, "server == null"));
    this.redactor = Redactor.forToken(settings.token());
    // The first MiB of each stream: more than any answer autofix reads.
    this.runner =
        GitRunner.create(
            settings.timeout(), Path.of(System.getProperty("java.io.tmpdir")), 1 << 20, 1 << 20);
    this.retry = Retry.create(settings.maxAttempts(), RetryDelays.MAX_BACKOFF, sleeper, LOG);
  }

  /**
   * Pushes {@code commit} from {@code gitDir} to {@code refs/heads/<branch>} of the destination,
   * never forced; an {@link EarlierAttempt} when only autofix's own earlier commit is in the way.
   */
  public Outcome push(Path gitDir, String commit, String branch) {
    requireBranch(branch);
    requireCommit(commit);
    Outcome outcome = pushWith(gitDir, branch, List.of(), commit);
    if (outcome instanceof Refused refused && refused.status() == 409) {
      Comparison comparison = compare(gitDir, commit, branch);
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
   * Pushes {@code commit} to {@code refs/heads/<branch>} over {@code remoteCommit}, an {@link
   * EarlierAttempt}: with {@code --force-with-lease} on that commit, so a push that came in between
   * is refused (409), never overwritten.
   */
  public Outcome replace(Path gitDir, String commit, String branch, String remoteCommit) {
    requireBranch(branch);
    requireCommit(commit);
    requireCommit(remoteCommit);
    Outcome outcome =
        pushWith(
            gitDir,
            branch,
            List.of("--force-with-lease=refs/heads/" + branch + ":" + remoteCommit),
            commit);
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

  /**
   * Whether the destination would take a push to {@code refs/heads/<branch>}, pushing nothing: a
   * {@code git push --dry-run} with the same credentials and pins as a real push, of a commit of
   * the empty tree made for the purpose in a scratch repository under {@code scratch} (the user's
   * repository is not touched). The remote is asked for its refs, which needs push access; no
   * object is sent and no ref is changed.
   */
  public Outcome dryRun(Path scratch, String branch) {
    requireBranch(branch);
    Path gitDir = scratch.resolve("push-check.git");
    Map<String, String> env = new HashMap<>();
    env.put("PATH", server.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    env.put("HOME", scratch.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.put("GIT_AUTHOR_NAME", "autofix doctor");
    env.put("GIT_AUTHOR_EMAIL", "doctor@autofix.invalid");
    env.put("GIT_COMMITTER_NAME", "autofix doctor");
    env.put("GIT_COMMITTER_EMAIL", "doctor@autofix.invalid");
    String commit =
        scratchGit(scratch, env, null, List.of("init", "--quiet", "--bare", gitDir.toString()))
                == null
            ? null
            : scratchGit(
                gitDir,
                env,
                "",
                List.of("--git-dir=" + gitDir, "hash-object", "-t", "tree", "-w", "--stdin"));
    if (commit != null) {
      commit =
          scratchGit(
              gitDir,
              env,
              null,
              List.of(
                  "--git-dir=" + gitDir,
                  "commit-tree",
                  commit,
                  "-m",
                  "autofix doctor: a push check, never pushed"));
    }
    if (commit == null) {
      throw new GitHubException(
          "cannot make the scratch repository for the push check in " + scratch);
    }
    return pushWith(gitDir, branch, List.of("--dry-run"), commit);
  }

  /** A git command in the scratch repository; its stdout stripped, or {@code null} if it failed. */
  private String scratchGit(Path dir, Map<String, String> env, String stdin, List<String> args) {
    return switch (runner.run(dir, env, stdin, args)) {
      case GitRunner.Exited exited when exited.exitCode() == 0 -> exited.stdoutText().strip();
      case GitRunner.Exited exited -> {
        LOG.warn("git {} failed: {}", args.getFirst(), exited.stderr().strip());
        yield null;
      }
      default -> null;
    };
  }

  private static void requireBranch(String branch) {
    if (branch.startsWith("-") || branch.isBlank()) {
      throw new IllegalArgumentException("not a branch name: " + branch);
    }
  }

  private static void requireCommit(String commit) {
    if (commit == null || !commit.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a commit id: " + commit);
    }
  }

  private Outcome pushWith(Path gitDir, String branch, List<String> options, String commit) {
    String url = settings.destination();
    List<String> command =
        new ArrayList<>(List.of("push", "--porcelain", "--no-verify", "--no-recurse-submodules"));
    command.addAll(options);
    command.add(url);
    command.add(commit + ":refs/heads/" + branch);
    // Only a transport failure is retried: a refusal stays one, and anything else is a defect.
    Retry.Result<Run> tried =
        retry.run(
            "git push of " + branch + " to " + redactor.apply(url),
            attempt -> {
              Run run = gitOrTimeout(gitDir, command);
              if (run == null) {
                return new Retry.RetryAfter<>(
                    RetryDelays.forTransportFailure(attempt),
                    null,
                    "git timed out after " + settings.timeout());
              }
              if (run.exitCode() != 0
                  && classify(run, branch) == null
                  && isTransportFailure(run.output())) {
                return new Retry.RetryAfter<>(
                    RetryDelays.forTransportFailure(attempt),
                    run,
                    "failed to reach it: " + redactor.apply(tail(run.stderr())));
              }
              return new Retry.Done<>(run);
            });
    if (tried instanceof Retry.Interrupted<Run>) {
      throw new GitHubException("interrupted while retrying git push");
    }
    Run run = tried.result();
    if (run == null) {
      return new Unreachable(
          "git push of "
              + branch
              + " to "
              + redactor.apply(url)
              + " timed out after "
              + settings.timeout()
              + " on each of "
              + tried.attempts()
              + " tries",
          "");
    }
    if (run.exitCode() == 0) {
      String summary = summary(run.stdout(), branch);
      LOG.info("pushed {} at {} to {}: {}", branch, commit, redactor.apply(url), summary);
      return new Pushed(summary, run.output());
    }
    Refused refused = classify(run, branch);
    if (refused != null) {
      LOG.warn("push of {} refused ({}): {}", branch, refused.status(), refused.message());
      return refused;
    }
    if (isTransportFailure(run.output())) {
      return new Unreachable(
          "git push of "
              + branch
              + " could not reach "
              + redactor.apply(url)
              + " in "
              + tried.attempts()
              + (tried.attempts() == 1 ? " try: " : " tries: ")
              + redactor.apply(tail(run.stderr())),
          run.output());
    }
    throw new GitHubException(
        "git push of "
            + branch
            + " failed (exit "
            + run.exitCode()
            + "): "
            + redactor.apply(tail(run.stderr())));
  }

  /**
   * What the remote branch holds, next to this attempt: its commit when that is autofix's earlier
   * attempt, else why it is not (or why that could not be told).
   */
  private record Comparison(String earlierCommit, String why) {}

  /**
   * Compares the remote branch with {@code commit}: autofix's earlier attempt is exactly one commit
   * beyond this commit's history (its only parent is an ancestor of this commit) whose author,
   * committer and {@code Autofix-Issue} trailer are this commit's. The remote branch is fetched
   * from the destination into a ref of its own in autofix's repository, deleted again afterwards.
   */
  private Comparison compare(Path gitDir, String commit, String branch) {
    String fetched = EARLIER_REFS + branch;
    Run fetch =
        git(
            gitDir,
            List.of(
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                "--no-recurse-submodules",
                settings.destination(),
                "+refs/heads/" + branch + ":" + fetched));
    try {
      if (fetch.exitCode() != 0) {
        String error = redactor.apply(tail(fetch.stderr()));
        LOG.warn("cannot fetch {} to compare it with this attempt: {}", branch, error);
        return new Comparison(null, "it could not be fetched to compare (" + error + ")");
      }
      Run parents = git(gitDir, List.of("rev-list", "--parents", "-n", "1", fetched));
      String[] ids = parents.stdout().strip().split(" ");
      boolean oneBeyond =
          parents.exitCode() == 0
              && ids.length == 2
              && git(gitDir, List.of("merge-base", "--is-ancestor", ids[1], commit)).exitCode()
                  == 0;
      if (!oneBeyond) {
        boolean shallow =
            git(gitDir, List.of("rev-parse", "--is-shallow-repository"))
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
      String theirs = described(gitDir, identity, ids[0]);
      String ours = described(gitDir, identity, commit);
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
      Run delete = git(gitDir, List.of("update-ref", "-d", fetched));
      if (delete.exitCode() != 0) {
        LOG.warn("cannot delete {}: {}", fetched, tail(delete.stderr()));
      }
    }
  }

  /** {@code git log -1 <format> <commit>}, or {@code null} when git cannot tell. */
  private String described(Path gitDir, String format, String commit) {
    Run log = git(gitDir, List.of("log", "-1", format, commit));
    return log.exitCode() == 0 ? log.stdout() : null;
  }

  /** The variables a git child may see besides the ones autofix sets: no secret of the server's. */
  private static final List<String> PASSED_ALWAYS =
      List.of(
          "PATH",
          "TMPDIR",
          "HTTPS_PROXY",
          "https_proxy",
          "HTTP_PROXY",
          "http_proxy",
          "NO_PROXY",
          "no_proxy",
          "ALL_PROXY",
          "all_proxy",
          "SSL_CERT_FILE",
          "SSL_CERT_DIR",
          "GIT_SSL_CAINFO",
          "GIT_SSL_CAPATH");

  /** What the user's own credentials need: their home and config, ssh agent and ssh command. */
  private static final List<String> PASSED_FOR_USER_CREDENTIALS =
      List.of(
          "HOME",
          "USER",
          "LOGNAME",
          "XDG_CONFIG_HOME",
          "SSH_AUTH_SOCK",
          "GIT_SSH",
          "GIT_SSH_COMMAND",
          "GIT_SSH_VARIANT");

  /**
   * Whether the token is what authenticates: there is one, and the destination is http(s). Then no
   * config but autofix's own is read; otherwise the user's global config and {@code ~/.ssh} are.
   */
  public boolean tokenAuthenticates() {
    return settings.token() != null && headerScope(settings.destination()) != null;
  }

  /** The child's environment, built from nothing: never the server's as a whole. */
  Map<String, String> environment(Path gitDir) {
    Map<String, String> env = new HashMap<>();
    for (String name : PASSED_ALWAYS) {
      if (server.containsKey(name)) {
        env.put(name, server.get(name));
      }
    }
    env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    // GitRunner adds LC_ALL=C (classify() reads git's English) and switches prompts off.
    // Named outright: a commondir file planted in the repository would redirect its config.
    env.put("GIT_COMMON_DIR", gitDir.toString());
    env.put("GIT_OBJECT_DIRECTORY", gitDir.resolve("objects").toString());
    if (tokenAuthenticates()) {
      env.put("HOME", gitDir.toString());
      env.put("XDG_CONFIG_HOME", gitDir.resolve("no-config").toString());
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.put("GIT_CONFIG_GLOBAL", "/dev/null");
      env.put("GIT_CONFIG_COUNT", "2");
      env.put("GIT_CONFIG_KEY_0", "http." + headerScope(settings.destination()) + ".extraheader");
      env.put(
          "GIT_CONFIG_VALUE_0",
          "Authorization: Basic " + Redactor.basicCredentials(settings.token()));
      // No credential helper may answer instead of the token, or be handed anything.
      env.put("GIT_CONFIG_KEY_1", "credential.helper");
      env.put("GIT_CONFIG_VALUE_1", "");
    } else {
      for (String name : PASSED_FOR_USER_CREDENTIALS) {
        if (server.containsKey(name)) {
          env.put(name, server.get(name));
        }
      }
    }
    return env;
  }

  /**
   * The pins on git's command line: no hooks, no fsmonitor, no redirect (the auth header would
   * follow it), no maintenance, and no transport but the destination's.
   */
  List<String> pins() {
    List<String> pins = new ArrayList<>();
    for (String pin :
        List.of(
            "core.hooksPath=/dev/null",
            "core.fsmonitor=false",
            "core.askPass=",
            "http.followRedirects=false",
            "http.sslVerify=true",
            "gc.auto=0",
            "maintenance.auto=false",
            "protocol.allow=never")) {
      pins.add("-c");
      pins.add(pin);
    }
    // A key naming a URL or a transport beats the general one: each is pinned as well.
    String scope = headerScope(settings.destination());
    if (scope != null) {
      pins.addAll(List.of("-c", "http." + scope + ".followRedirects=false"));
      pins.addAll(List.of("-c", "http." + scope + ".sslVerify=true"));
    }
    String allowed = transport(settings.destination());
    for (String transport : List.of("ext", "fd", "file", "git", "ssh", "http", "https")) {
      pins.add("-c");
      pins.add(
          "protocol." + transport + ".allow=" + (transport.equals(allowed) ? "always" : "never"));
    }
    return pins;
  }

  /**
   * git's name for the destination's transport: {@code https}, {@code http}, {@code ssh} or {@code
   * file}.
   */
  public static String transport(String destination) {
    int scheme = destination.indexOf("://");
    if (scheme > 0) {
      String name = destination.substring(0, scheme).toLowerCase(Locale.ROOT);
      return name.equals("git+ssh") || name.equals("ssh+git") ? "ssh" : name;
    }
    if (destination.startsWith("/") || destination.startsWith(".")) {
      return "file";
    }
    return "ssh"; // scp-like user@host:path
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

  /** As {@link #git}, or {@code null} when git timed out (a remote that stopped answering). */
  private Run gitOrTimeout(Path gitDir, List<String> args) {
    List<String> command = new ArrayList<>(pins());
    command.add("--git-dir=" + gitDir);
    command.addAll(args);
    return switch (runner.run(gitDir, environment(gitDir), null, command)) {
      case GitRunner.Exited exited ->
          new Run(exited.exitCode(), exited.stdoutText(), exited.stderr());
      case GitRunner.TimedOut timedOut -> null;
      case GitRunner.Interrupted interrupted ->
          throw new GitHubException("interrupted while running git in " + gitDir);
      case GitRunner.CannotRun cannotRun ->
          throw new GitHubException(
              "cannot run git in " + gitDir + ": " + cannotRun.message(), cannotRun.cause());
    };
  }

  /** Runs {@code git <pins> --git-dir=<gitDir> args} in {@code gitDir}. */
  private Run git(Path gitDir, List<String> args) {
    Run run = gitOrTimeout(gitDir, args);
    if (run != null) {
      return run;
    }
    throw new GitHubException(
        "git " + args.getFirst() + " timed out after " + settings.timeout() + " in " + gitDir);
  }
}
