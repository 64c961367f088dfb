package dev.autofix.agents.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What of the user's repository autofix watches while an agent runs, read as files (never through
 * git, whose config the agent could have changed): the parts that make git run something or send
 * something somewhere ({@code HEAD}, {@code config}, {@code hooks/}, {@code info/}, {@code
 * objects/info/alternates}), and the refs.
 *
 * <p>Not watched, because autofix itself writes them: {@code worktrees/} (its worktrees' metadata),
 * {@code objects/} (apart from alternates), {@code FETCH_HEAD}, {@code logs/} and the index. The
 * refs {@code excludedRefs} names (the fetched base) are left out of the ref comparison too.
 *
 * @param guarded path (relative to the git directory) to a digest of what stands there
 * @param refs ref name to its value
 */
public record RepositoryFingerprint(Map<String, String> guarded, Map<String, String> refs) {
  private static final long MAX_READ = 1L << 20;
  private static final int MAX_ENTRIES = 10_000;
  private static final int MAX_DEPTH = 16;

  public RepositoryFingerprint {
    guarded = Map.copyOf(guarded);
    refs = Map.copyOf(refs);
  }

  /**
   * Reads the fingerprint of the repository whose per-worktree git directory is {@code gitDir} and
   * whose common directory is {@code commonDir} (the same for a main checkout).
   */
  public static RepositoryFingerprint take(Path gitDir, Path commonDir, Set<String> excludedRefs)
      throws IOException {
    Map<String, String> guarded = new TreeMap<>();
    Budget budget = new Budget();
    digest(gitDir, "HEAD", guarded, budget);
    digest(commonDir, "config", guarded, budget);
    digest(commonDir, "config.worktree", guarded, budget);
    digest(commonDir, "hooks", guarded, budget);
    digest(commonDir, "info", guarded, budget);
    digest(commonDir, "objects/info/alternates", guarded, budget);
    digest(commonDir, "commondir", guarded, budget);
    // where an old-style remote's URL can come from when the config has none
    digest(commonDir, "remotes", guarded, budget);
    digest(commonDir, "branches", guarded, budget);
    // submodules' git dirs: their config and hooks run under a recursive fetch
    Path modules = commonDir.resolve("modules");
    if (Files.isDirectory(modules, LinkOption.NOFOLLOW_LINKS)) {
      List<Path> names;
      try (Stream<Path> list = Files.list(modules)) {
        names = list.sorted().limit(MAX_ENTRIES).toList();
      }
      for (Path module : names) {
        String name = "modules/" + module.getFileName();
        digest(commonDir, name + "/config", guarded, budget);
        digest(commonDir, name + "/hooks", guarded, budget);
      }
    }
    if (!gitDir.equals(commonDir)) {
      digest(gitDir, "config.worktree", guarded, budget, "worktree:");
      digest(gitDir, "commondir", guarded, budget, "worktree:");
    }
    Map<String, String> refs = new TreeMap<>();
    readPackedRefs(commonDir.resolve("packed-refs"), refs);
    walk(
        commonDir.resolve("refs"), "refs", refs, budget, 0, false, RepositoryFingerprint::refValue);
    digest(commonDir, "reftable", refs, budget);
    excludedRefs.forEach(refs::remove);
    return new RepositoryFingerprint(guarded, refs);
  }

  /**
   * This fingerprint with one more watched entry: what git itself reads that no single file shows,
   * such as the repository's config with its includes resolved.
   */
  public RepositoryFingerprint with(String key, String value) {
    Map<String, String> more = new TreeMap<>(guarded);
    more.put(key, value);
    return new RepositoryFingerprint(more, refs);
  }

  /** The SHA-256 of {@code text}, for {@link #with}. */
  public static String digestOf(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * What changed in the watched parts since {@code before}, for example {@code hooks/pre-push
   * (added)}.
   */
  public List<String> guardedChangesSince(RepositoryFingerprint before) {
    return changes(before.guarded, guarded);
  }

  /** Which refs changed since {@code before}, for example {@code refs/heads/main (changed)}. */
  public List<String> refChangesSince(RepositoryFingerprint before) {
    return changes(before.refs, refs);
  }

  private static List<String> changes(Map<String, String> before, Map<String, String> after) {
    Set<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    List<String> changes = new ArrayList<>();
    for (String key : keys) {
      String was = before.get(key);
      String is = after.get(key);
      if (was == null) {
        changes.add(key + " (added)");
      } else if (is == null) {
        changes.add(key + " (removed)");
      } else if (!was.equals(is)) {
        changes.add(key + " (changed)");
      }
    }
    return changes;
  }

  /** A bound on how much one fingerprint reads, whatever the agent put there. */
  private static final class Budget {
    int entries;

    boolean spend() {
      return ++entries <= MAX_ENTRIES;
    }
  }

  private static void digest(Path root, String relative, Map<String, String> into, Budget budget)
      throws IOException {
    digest(root, relative, into, budget, "");
  }

  private static void digest(
      Path root, String relative, Map<String, String> into, Budget budget, String prefix)
      throws IOException {
    walk(root.resolve(relative), prefix + relative, into, budget, 0);
  }

  private static void walk(
      Path path, String key, Map<String, String> into, Budget budget, int depth)
      throws IOException {
    walk(path, key, into, budget, depth, true, RepositoryFingerprint::fileDigest);
  }

  /** What a regular file under a watched directory stands for in the fingerprint. */
  private interface Leaf {
    String of(Path file, BasicFileAttributes attributes) throws IOException;
  }

  /**
   * Walks {@code path} without following a link, within the budget and {@link #MAX_DEPTH}: a file
   * goes in as {@code leaf} says, a link as its target, anything else as {@code other}, and a
   * directory (when {@code directories}) as itself.
   */
  private static void walk(
      Path path,
      String key,
      Map<String, String> into,
      Budget budget,
      int depth,
      boolean directories,
      Leaf leaf)
      throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException absent) {
      return;
    }
    if (!budget.spend()) {
      into.put("(more entries than autofix reads)", "");
      return;
    }
    if (attributes.isSymbolicLink()) {
      into.put(key, "link:" + Files.readSymbolicLink(path));
    } else if (attributes.isRegularFile()) {
      into.put(key, leaf.of(path, attributes));
    } else if (attributes.isDirectory()) {
      if (directories) {
        into.put(key + "/", "directory");
      }
      if (depth >= MAX_DEPTH) {
        return;
      }
      List<Path> children;
      try (Stream<Path> list = Files.list(path)) {
        children = list.sorted().toList();
      }
      for (Path child : children) {
        walk(child, key + "/" + child.getFileName(), into, budget, depth + 1, directories, leaf);
      }
    } else {
      into.put(key, "other");
    }
  }

  private static String fileDigest(Path file, BasicFileAttributes attributes) throws IOException {
    String mode =
        Files.isExecutable(file) ? "x" : "-"; // a hook made executable is a hook switched on
    if (attributes.size() > MAX_READ) {
      return mode + "size:" + attributes.size() + ",mtime:" + attributes.lastModifiedTime();
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest sha = sha256();
      sha.update(in.readNBytes((int) MAX_READ));
      return mode + HexFormat.of().formatHex(sha.digest());
    }
  }

  private static void readPackedRefs(Path file, Map<String, String> refs) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(64 << 20);
    }
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("^")) {
        continue;
      }
      int space = line.indexOf(' ');
      if (space > 0) {
        refs.put(line.substring(space + 1).strip(), line.substring(0, space));
      }
    }
  }

  private static String refValue(Path file, BasicFileAttributes attributes) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
