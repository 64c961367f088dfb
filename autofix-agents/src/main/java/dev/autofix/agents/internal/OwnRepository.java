package dev.autofix.agents.internal;

import dev.autofix.support.git.GitRunner;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * autofix's own bare git repository for one run, where the fix commit is built and from which it is
 * pushed: {@code <dataDir>/runs/run-<id>/git}, hidden from the sandboxed agent like the rest of the
 * data directory.
 *
 * <p>It borrows the user's objects through {@code objects/info/alternates} (nothing is copied) and
 * holds nothing else of theirs. Every git command here runs with a pinned configuration: no system
 * or global config, no hooks, no fsmonitor, no attribute or exclude files from the user's home, no
 * network protocol, and a minimal environment. The repository's own {@code config}, {@code
 * info/exclude} and (absent) {@code hooks/} are written again by autofix before every use, so
 * nothing an agent planted there while it ran (in {@code trusted} mode it could) is ever read.
 *
 * <p>The agent's change is taken as content: {@link #snapshot} stages the worktree's files
 * (tracked, untracked but not ignored, deleted; links stay links) into an index of autofix's own,
 * seeded from the index git wrote at checkout before the agent ran, and writes a tree. The
 * worktree's {@code .git} file, its index, refs and config are never read.
 */
public final class OwnRepository {
  /** The largest file autofix commits. */
  public static final long MAX_FILE_BYTES = 10L << 20;

  /** The most a change may add up to. */
  public static final long MAX_CHANGE_BYTES = 100L << 20;

  /** The most paths one change may touch. */
  public static final int MAX_CHANGED_PATHS = 10_000;

  /** The directory of the agent's own files in the worktree, never committed. */
  private static final String AGENT_FILES = "/" + AgentFiles.DIRECTORY + "/";

  private static final int MAX_OUTPUT = 8 << 20;
  private static final int MAX_ERROR = 8 << 10;

  private static final List<String> PINNED =
      List.of(
          "-c", "core.hooksPath=/dev/null",
          "-c", "core.fsmonitor=false",
          "-c", "core.untrackedCache=false",
          "-c", "core.splitIndex=false",
          "-c", "core.attributesFile=/dev/null",
          "-c", "core.excludesFile=/dev/null",
          "-c", "core.symlinks=true",
          "-c", "core.safecrlf=false",
          "-c", "core.quotePath=false",
          "-c", "commit.gpgsign=false",
          "-c", "gc.auto=0",
          "-c", "maintenance.auto=false",
          "-c", "protocol.allow=never",
          "-c", "protocol.file.allow=never",
          "-c", "protocol.ext.allow=never",
          "-c", "protocol.fd.allow=never");

  /** The top-level entries of the repository; anything else found there is removed before use. */
  private static final java.util.Set<String> LAYOUT =
      java.util.Set.of(
          "HEAD",
          "config",
          "objects",
          "refs",
          "info",
          "packed-refs",
          "autofix-base.index",
          "autofix-snapshot.index");

  /**
   * What of the user's own git setup the commit keeps, read from their config before anything
   * untrusted ran: line-ending conversion ({@code core.autocrlf}, {@code core.eol}), clean filters
   * ({@code filter.<driver>.*}, git-lfs's say: their programs run in this repository's git, whose
   * environment holds no credential), and the text of their exclude files.
   *
   * @param config {@code key=value} pairs passed as {@code -c}
   * @param excludes the patterns of the user's {@code info/exclude} and global excludes file
   */
  public record UserSettings(List<String> config, String excludes) {
    public UserSettings {
      config = List.copyOf(config);
      Objects.requireNonNull(excludes, "excludes == null");
    }

    /** Nothing of the user's. */
    public static UserSettings none() {
      return new UserSettings(List.of(), "");
    }
  }

  private final Path gitDir;
  private final Duration timeout;
  private final Map<String, String> environment;
  private final GitRunner runner;
  private final UserSettings user;
  private String config;
  private String head;
  private String alternates;

  private OwnRepository(Path gitDir, Duration timeout, String path, UserSettings user) {
    this.gitDir = gitDir;
    this.timeout = timeout;
    this.user = user;
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
    // No home of anyone's: nothing under ~/.config/git is read.
    env.put("HOME", gitDir.toString());
    env.put("XDG_CONFIG_HOME", gitDir.resolve("no-config").toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.put("GIT_ATTR_NOSYSTEM", "1");
    env.put("GIT_OPTIONAL_LOCKS", "0");
    // Named outright, so that a commondir file or another object directory is never read.
    env.put("GIT_COMMON_DIR", gitDir.toString());
    env.put("GIT_OBJECT_DIRECTORY", gitDir.resolve("objects").toString());
    this.environment = Map.copyOf(env);
    // git's output waits next to the repository, in the run's directory the agent never sees.
    this.runner = GitRunner.create(timeout, gitDir.getParent(), MAX_OUTPUT, MAX_ERROR);
  }

  /**
   * Creates the repository afresh at {@code gitDir} (whatever stood there is removed), borrowing
   * the objects in {@code objects}.
   *
   * @param objectFormat the user's repository's object format, {@code sha1} or {@code sha256}
   * @param path the {@code PATH} git is found on
   */
  public static OwnRepository create(
      Path gitDir,
      Path objects,
      String objectFormat,
      Duration timeout,
      String path,
      UserSettings user)
      throws IOException {
    Objects.requireNonNull(objects, "objects == null");
    if (!objectFormat.matches("sha1|sha256")) {
      throw new IOException("unknown object format " + objectFormat);
    }
    Paths2.deleteTree(gitDir);
    Files.createDirectories(gitDir.getParent());
    OwnRepository repository = new OwnRepository(gitDir, timeout, path, user);
    // What git init --bare writes, without a process: the layout autofix checks on every use.
    Files.createDirectories(gitDir.resolve("objects/info"));
    Files.createDirectories(gitDir.resolve("objects/pack"));
    Files.createDirectories(gitDir.resolve("refs/heads"));
    Files.createDirectories(gitDir.resolve("refs/tags"));
    Files.writeString(gitDir.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.writeString(
        gitDir.resolve("config"),
        objectFormat.equals("sha1")
            ? "[core]\n\trepositoryformatversion = 0\n\tbare = true\n"
            : "[core]\n\trepositoryformatversion = 1\n\tbare = true\n[extensions]\n"
                + "\tobjectformat = sha256\n");
    repository.config = Files.readString(gitDir.resolve("config"));
    repository.head = Files.readString(gitDir.resolve("HEAD"));
    repository.alternates = objects.toAbsolutePath() + "\n";
    repository.restore();
    return repository;
  }

  /** The git directory. */
  public Path gitDir() {
    return gitDir;
  }

  /** Where the index seeded from the checkout is kept. */
  public Path baseIndex() {
    return gitDir.resolve("autofix-base.index");
  }

  /**
   * Keeps a copy of the index git wrote when it checked the worktree out (its stat data lets {@link
   * #snapshot} hash only what changed), taken before anything untrusted ran.
   */
  public void keepBaseIndex(Path checkoutIndex) throws IOException {
    Files.copy(
        checkoutIndex,
        baseIndex(),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES,
        LinkOption.NOFOLLOW_LINKS);
  }

  /** What {@link #snapshot} found. */
  public sealed interface Snapshot permits Tree, Refused {}

  /** The worktree's content as a tree. */
  public record Tree(String id) implements Snapshot {}

  /** The worktree cannot be committed as it is. */
  public record Refused(String reason) implements Snapshot {}

  /**
   * The worktree's content as a tree in this repository, read with bounds: every changed file must
   * be at most {@link #MAX_FILE_BYTES}, all of them {@link #MAX_CHANGE_BYTES}, and at most {@link
   * #MAX_CHANGED_PATHS}; a nested repository or a name that is not UTF-8 is refused.
   */
  public Snapshot snapshot(Path worktree) throws IOException {
    restore();
    Path index = gitDir.resolve("autofix-snapshot.index");
    Files.copy(
        baseIndex(),
        index,
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES,
        LinkOption.NOFOLLOW_LINKS);
    try {
      Map<String, String> env = Map.of("GIT_INDEX_FILE", index.toString());
      Result listed =
          inWorktree(
              worktree, env, "ls-files", "-z", "--modified", "--others", "--exclude-standard");
      if (listed.exitCode() != 0) {
        throw new IOException("git ls-files failed: " + listed.error());
      }
      if (listed.truncated()) {
        return new Refused("the change touches more paths than autofix reads");
      }
      String refused = checkBounds(worktree, listed.stdout());
      if (refused == null) {
        refused = checkFilters(worktree, env, listed.stdout());
      }
      if (refused != null) {
        return new Refused(refused);
      }
      Result added = inWorktree(worktree, env, "add", "--all", "--", ".");
      if (added.exitCode() != 0) {
        throw new IOException("git add failed: " + added.error());
      }
      Result tree = inWorktree(worktree, env, "write-tree");
      if (tree.exitCode() != 0) {
        throw new IOException("git write-tree failed: " + tree.error());
      }
      return new Tree(tree.text());
    } finally {
      Files.deleteIfExists(index);
    }
  }

  private String checkBounds(Path worktree, byte[] listing) throws IOException {
    List<String> paths = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < listing.length; i++) {
      if (listing[i] == 0) {
        String path = utf8(listing, start, i - start);
        if (path == null) {
          return "a file name in the change is not UTF-8";
        }
        paths.add(path);
        start = i + 1;
      }
    }
    if (paths.size() > MAX_CHANGED_PATHS) {
      return "the change touches "
          + paths.size()
          + " paths; autofix commits at most "
          + MAX_CHANGED_PATHS;
    }
    long total = 0;
    for (String path : paths) {
      if (path.endsWith("/")) {
        return path
            + " is a nested git repository; autofix commits files, not repositories (remove it or"
            + " add it to .gitignore)";
      }
      BasicFileAttributes attributes = attributesInside(worktree, path);
      if (attributes != null && attributes.isOther()) {
        return path + " is a FIFO, socket or device; autofix commits files and links";
      }
      if (attributes == null || !attributes.isRegularFile()) {
        continue; // deleted, or a link (stored as its target's name)
      }
      long size = attributes.size();
      if (size > MAX_FILE_BYTES) {
        return path
            + " is "
            + bytes(size)
            + "; autofix commits files of up to "
            + bytes(MAX_FILE_BYTES)
            + " (add it to .gitignore if it is build output)";
      }
      total += size;
      if (total > MAX_CHANGE_BYTES) {
        return "the changed files add up to more than "
            + bytes(MAX_CHANGE_BYTES)
            + ", the most autofix commits";
      }
    }
    return null;
  }

  /**
   * A changed path that goes through a git filter (git-lfs's, say) is refused: its clean output
   * would need the filter's own upload, which autofix does not run.
   */
  private String checkFilters(Path worktree, Map<String, String> env, byte[] listing)
      throws IOException {
    if (listing.length == 0) {
      return null;
    }
    Result attributes =
        git(
            worktree,
            new String(listing, StandardCharsets.UTF_8),
            env,
            List.of(
                "--git-dir=" + gitDir,
                "--work-tree=" + worktree,
                "check-attr",
                "-z",
                "--stdin",
                "filter"));
    if (attributes.exitCode() != 0) {
      throw new IOException("git check-attr failed: " + attributes.error());
    }
    String[] fields = new String(attributes.stdout(), StandardCharsets.UTF_8).split("\0", -1);
    for (int i = 0; i + 2 < fields.length; i += 3) {
      String value = fields[i + 2];
      if (!value.equals("unspecified") && !value.equals("unset")) {
        return fields[i]
            + " goes through the git filter '"
            + value
            + "'; autofix does not commit filtered files (git-lfs), whose content its push would"
            + " not upload";
      }
    }
    return null;
  }

  /**
   * What is wrong with the change from {@code from} to {@code tree} as git stored it, or {@code
   * null}: a submodule moved (a gitlink the agent pointed at a commit of its choosing), or a blob
   * over the caps after git's conversions (an encoding attribute can triple a file).
   */
  public String checkTree(String from, String tree) throws IOException {
    Result diff = bare("diff-tree", "-r", "-z", "--raw", "--no-renames", from, tree);
    if (diff.exitCode() != 0) {
      throw new IOException("git diff-tree failed: " + diff.error());
    }
    String[] fields = new String(diff.stdout(), StandardCharsets.UTF_8).split("\0", -1);
    StringBuilder blobs = new StringBuilder();
    List<String> paths = new ArrayList<>();
    for (int i = 0; i + 1 < fields.length; i += 2) {
      // :<old mode> <new mode> <old id> <new id> <status>, then the path
      String[] raw = fields[i].substring(1).split(" ");
      if (raw.length < 5) {
        continue;
      }
      String path = fields[i + 1];
      if (raw[0].equals("160000") || raw[1].equals("160000")) {
        return "the change moves the submodule "
            + path
            + "; autofix commits files, not submodule pointers";
      }
      if (!raw[3].matches("0+")) {
        blobs.append(raw[3]).append('\n');
        paths.add(path);
      }
    }
    if (paths.isEmpty()) {
      return null;
    }
    Result sizes =
        git(
            gitDir,
            blobs.toString(),
            Map.of(),
            List.of("--git-dir=" + gitDir, "cat-file", "--batch-check=%(objectsize)"));
    if (sizes.exitCode() != 0) {
      throw new IOException("git cat-file failed: " + sizes.error());
    }
    String[] lines = new String(sizes.stdout(), StandardCharsets.UTF_8).split("\n");
    long total = 0;
    for (int i = 0; i < lines.length && i < paths.size(); i++) {
      long size = Long.parseLong(lines[i].strip());
      if (size > MAX_FILE_BYTES) {
        return paths.get(i)
            + " is "
            + bytes(size)
            + " as git stores it; autofix commits files of up to "
            + bytes(MAX_FILE_BYTES);
      }
      total += size;
    }
    if (total > MAX_CHANGE_BYTES) {
      return "the changed files add up to more than "
          + bytes(MAX_CHANGE_BYTES)
          + " as git stores them, the most autofix commits";
    }
    return null;
  }

  /** The file's attributes, or {@code null} when it is absent or its path passes through a link. */
  private static BasicFileAttributes attributesInside(Path root, String relative)
      throws IOException {
    Path current = root;
    String[] parts = relative.split("/");
    try {
      for (int i = 0; i < parts.length; i++) {
        current = current.resolve(parts[i]);
        BasicFileAttributes attributes =
            Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (i == parts.length - 1) {
          return attributes;
        }
        if (!attributes.isDirectory()) {
          return null;
        }
      }
    } catch (NoSuchFileException gone) {
      return null;
    }
    return null;
  }

  /**
   * Commits {@code tree} on {@code parent} as {@code name <email>} and points {@code
   * refs/heads/<branch>} of this repository at it.
   */
  public String commit(
      String tree, String parent, String message, String name, String email, String branch)
      throws IOException {
    restore();
    Result commit =
        git(
            gitDir,
            message,
            Map.of(
                "GIT_AUTHOR_NAME", name,
                "GIT_AUTHOR_EMAIL", email,
                "GIT_COMMITTER_NAME", name,
                "GIT_COMMITTER_EMAIL", email),
            List.of("--git-dir=" + gitDir, "commit-tree", tree, "-p", parent, "-F", "-"));
    if (commit.exitCode() != 0) {
      throw new IOException("git commit-tree failed: " + commit.error());
    }
    String sha = commit.text();
    Result ref = bare("update-ref", "refs/heads/" + branch, sha);
    if (ref.exitCode() != 0) {
      throw new IOException("git update-ref failed: " + ref.error());
    }
    return sha;
  }

  /** The tree of {@code commit}. */
  public String treeOf(String commit) throws IOException {
    Result tree = bare("rev-parse", "--verify", "--quiet", commit + "^{tree}");
    if (tree.exitCode() != 0) {
      throw new IOException("no tree for " + commit + ": " + tree.error());
    }
    return tree.text();
  }

  /** The paths that differ between two trees or commits, at most {@code max} of them. */
  public List<String> changedPaths(String from, String to, int max) throws IOException {
    Result diff = bare("diff-tree", "-r", "-z", "--name-only", "--no-renames", from, to);
    if (diff.exitCode() != 0) {
      throw new IOException("git diff-tree failed: " + diff.error());
    }
    List<String> paths = new ArrayList<>();
    int start = 0;
    byte[] out = diff.stdout();
    for (int i = 0; i < out.length && paths.size() < max; i++) {
      if (out[i] == 0) {
        String path = utf8(out, start, i - start);
        paths.add(path == null ? "(a name that is not UTF-8)" : path);
        start = i + 1;
      }
    }
    return paths;
  }

  /** {@code git diff --shortstat from to}. */
  /**
   * The change from {@code from} to {@code to} as a unified diff, for people to read (the run's
   * page): no external diff tool, no textconv (either would run a program), no colour, at most
   * {@code maxChars} characters.
   */
  public String diff(String from, String to, int maxChars) throws IOException {
    Result diff =
        bare("diff", "--no-ext-diff", "--no-textconv", "--no-color", "--stat", "--patch", from, to);
    if (diff.exitCode() != 0) {
      throw new IOException("git diff failed: " + diff.error());
    }
    String text = diff.text();
    return text.length() <= maxChars
        ? text
        : text.substring(0, maxChars) + "\n… (the diff goes on; the pull request has all of it)";
  }

  public String shortStat(String from, String to) throws IOException {
    Result stat = bare("diff", "--no-ext-diff", "--no-textconv", "--shortstat", from, to);
    if (stat.exitCode() != 0) {
      throw new IOException("git diff --shortstat failed: " + stat.error());
    }
    return stat.text();
  }

  /**
   * Writes the repository's config, {@code info/exclude} and hooks back to autofix's own: whatever
   * an agent planted there while it ran is gone before git reads it.
   */
  private void restore() throws IOException {
    // Only the layout autofix made: no commondir, shallow, grafts, hooks or config.worktree.
    try (java.util.stream.Stream<Path> entries = Files.list(gitDir)) {
      for (Path entry : entries.toList()) {
        if (!LAYOUT.contains(entry.getFileName().toString())) {
          Paths2.deleteTree(entry);
        }
      }
    }
    for (String directory : List.of("objects", "refs", "info")) {
      Path dir = gitDir.resolve(directory);
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(dir);
      }
      Files.createDirectories(dir);
    }
    Path objectInfo = gitDir.resolve("objects/info");
    if (Files.exists(objectInfo, LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(objectInfo, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(objectInfo);
    }
    Files.createDirectories(objectInfo);
    try (java.util.stream.Stream<Path> entries = Files.list(objectInfo)) {
      for (Path entry : entries.toList()) {
        if (!entry.getFileName().toString().equals("packs")) {
          Paths2.deleteTree(entry);
        }
      }
    }
    replace(objectInfo.resolve("alternates"), alternates);
    Paths2.deleteTree(gitDir.resolve("info"));
    Files.createDirectories(gitDir.resolve("info"));
    replace(gitDir.resolve("info/exclude"), AGENT_FILES + "\n" + user.excludes());
    replace(gitDir.resolve("HEAD"), head);
    replace(gitDir.resolve("config"), config);
  }

  private static void replace(Path file, String content) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".autofix-new");
    Files.deleteIfExists(next);
    Files.writeString(next, content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Result inWorktree(Path worktree, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add("--git-dir=" + gitDir);
    command.add("--work-tree=" + worktree);
    command.addAll(List.of(args));
    return git(worktree, null, env, command);
  }

  private Result bare(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("--git-dir=" + gitDir);
    command.addAll(List.of(args));
    return git(gitDir, null, Map.of(), command);
  }

  /** One git command's result: all of stdout up to a cap, the end of stderr. */
  record Result(int exitCode, byte[] stdout, boolean truncated, String error) {
    String text() {
      return new String(stdout, StandardCharsets.UTF_8).strip();
    }
  }

  private Result git(Path directory, String stdin, Map<String, String> extra, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    for (String setting : user.config()) {
      command.add("-c");
      command.add(setting);
    }
    command.addAll(PINNED);
    command.addAll(args);
    Map<String, String> env = environment;
    if (!extra.isEmpty()) {
      env = new LinkedHashMap<>(environment);
      env.putAll(extra);
    }
    return switch (runner.run(directory, env, stdin, command)) {
      case GitRunner.Exited exited ->
          new Result(
              exited.exitCode(), exited.stdout(), exited.truncated(), exited.stderr().strip());
      case GitRunner.TimedOut timedOut ->
          throw new IOException("git " + String.join(" ", args) + " timed out after " + timeout);
      case GitRunner.Interrupted interrupted ->
          throw new InterruptedIOException("interrupted while running git");
      case GitRunner.CannotRun cannotRun ->
          throw new IOException(cannotRun.message(), cannotRun.cause());
    };
  }

  private static String utf8(byte[] bytes, int offset, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String bytes(long n) {
    if (n >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30));
    }
    if (n >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
    }
    return n + " bytes";
  }
}
