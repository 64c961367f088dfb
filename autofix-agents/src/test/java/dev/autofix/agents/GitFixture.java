package dev.autofix.agents;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real git repositories in a temp directory: a bare remote and the user's checkout of it. */
public final class GitFixture {
  public final Path root;
  public final Path remote;
  public final Path checkout;
  public final Path dataDir;

  private GitFixture(Path root) {
    this.root = root;
    this.remote = root.resolve("remote.git");
    this.checkout = root.resolve("checkout");
    this.dataDir = root.resolve("data");
  }

  /** A remote with {@code calc.py} (a bug) and a test on {@code main}, and a clone of it. */
  public static GitFixture create(Path root) {
    GitFixture f = new GitFixture(root);
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    git(root, "init", "--quiet", "--bare", "--initial-branch=main", f.remote.toString());
    Path seed = root.resolve("seed");
    git(root, "clone", "--quiet", f.remote.toString(), seed.toString());
    write(seed.resolve("calc.py"), "def add(a, b):\n    return a - b\n");
    write(
        seed.resolve("test_calc.py"),
        "from calc import add\n\nassert add(2, 3) == 5, 'add(2, 3) != 5'\nprint('ok')\n");
    write(seed.resolve(".gitignore"), "node_modules/\n.setup-marker\n");
    git(seed, "checkout", "--quiet", "-b", "main");
    git(seed, "add", "-A");
    commit(seed, "initial");
    git(seed, "push", "--quiet", "origin", "main");
    git(root, "clone", "--quiet", f.remote.toString(), f.checkout.toString());
    return f;
  }

  /** Pushes a new commit to the remote from another clone; returns its sha. */
  public String pushUpstreamChange(String file, String content) {
    Path other = root.resolve("other-" + System.nanoTime());
    git(root, "clone", "--quiet", remote.toString(), other.toString());
    write(other.resolve(file), content);
    git(other, "add", "-A");
    commit(other, "upstream change");
    git(other, "push", "--quiet", "origin", "main");
    return git(other, "rev-parse", "HEAD").strip();
  }

  public static void commit(Path dir, String message) {
    git(
        dir,
        "-c",
        "user.name=dev",
        "-c",
        "user.email=dev@example.com",
        "commit",
        "-q",
        "-m",
        message);
  }

  public static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs git in {@code dir} and returns its stdout; fails the test on a non-zero exit. */
  public static String git(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("git timed out: " + command);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
