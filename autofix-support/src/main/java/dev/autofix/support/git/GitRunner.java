package dev.autofix.support.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@code git} CLI for autofix's own operations, the one way every module does.
 *
 * <p>The child's environment is exactly what the caller gives plus {@link #FIXED_ENVIRONMENT}:
 * nothing of the JVM's is inherited, because what git may see is a security decision only the
 * caller can make (a push's token, a pinned configuration). {@code LC_ALL=C} is always set, and
 * wins over a caller's locale, because callers classify git's messages by their English text.
 *
 * <p>stdout and stderr go to temporary files in a directory the caller names (next to the
 * repository, say, where nothing untrusted can read them), not to pipes: git never blocks on a full
 * pipe, and no reader thread waits for a grandchild that keeps a pipe open. The result keeps the
 * head of stdout up to a cap, as bytes (NUL-separated listings, names that may not be UTF-8), and
 * the tail of stderr, where git puts the error.
 *
 * <p>Whatever happens, the process and every descendant seen while it ran are killed before {@link
 * #run} returns. Expected failures (a non-zero exit, a timeout, an interrupt, git not starting) are
 * {@link Result} values, never exceptions.
 */
public final class GitRunner {
  private static final Logger LOG = LoggerFactory.getLogger(GitRunner.class);

  /** What every git child gets, over the caller's environment. */
  public static final Map<String, String> FIXED_ENVIRONMENT =
      Map.of(
          // English messages: callers match them ("could not resolve host", "not a git
          // repository"); LANGUAGE is ignored under the C locale.
          "LC_ALL", "C",
          // A missing or wrong credential fails at once instead of waiting for a terminal.
          "GIT_TERMINAL_PROMPT", "0",
          "GCM_INTERACTIVE", "never");

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Duration timeout;
  private final Path temporaryDirectory;
  private final int maxStdoutBytes;
  private final int maxStderrBytes;

  private GitRunner(
      Duration timeout, Path temporaryDirectory, int maxStdoutBytes, int maxStderrBytes) {
    this.timeout = timeout;
    this.temporaryDirectory = temporaryDirectory;
    this.maxStdoutBytes = maxStdoutBytes;
    this.maxStderrBytes = maxStderrBytes;
  }

  /**
   * A runner.
   *
   * @param timeout how long one git command may take
   * @param temporaryDirectory where stdout and stderr are written while git runs (an existing
   *     directory; the files are removed before {@link #run} returns)
   * @param maxStdoutBytes how much of the beginning of stdout a result keeps
   * @param maxStderrBytes how much of the end of stderr a result keeps
   */
  public static GitRunner create(
      Duration timeout, Path temporaryDirectory, int maxStdoutBytes, int maxStderrBytes) {
    Objects.requireNonNull(timeout, "timeout == null");
    Objects.requireNonNull(temporaryDirectory, "temporaryDirectory == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (maxStdoutBytes < 0 || maxStderrBytes < 0) {
      throw new IllegalArgumentException(
          "negative output cap: " + maxStdoutBytes + ", " + maxStderrBytes);
    }
    return new GitRunner(timeout, temporaryDirectory, maxStdoutBytes, maxStderrBytes);
  }

  /** How a git command ended. */
  public sealed interface Result permits Exited, TimedOut, Interrupted, CannotRun {}

  /**
   * git exited by itself.
   *
   * @param exitCode its exit code
   * @param stdout the first {@code maxStdoutBytes} of stdout (the array is not copied)
   * @param truncated whether stdout went on beyond that
   * @param stderr the last {@code maxStderrBytes} of stderr, as UTF-8
   */
  public record Exited(int exitCode, byte[] stdout, boolean truncated, String stderr)
      implements Result {
    public Exited {
      Objects.requireNonNull(stdout, "stdout == null");
      Objects.requireNonNull(stderr, "stderr == null");
    }

    /** Whether git exited with 0. */
    public boolean ok() {
      return exitCode == 0;
    }

    /** stdout as UTF-8, as git wrote it (not stripped). */
    public String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  /** git ran past the timeout; it and its descendants were killed. */
  public record TimedOut(Duration after) implements Result {}

  /**
   * The calling thread was interrupted while git ran; git and its descendants were killed and the
   * thread's interrupt flag is set again.
   */
  public record Interrupted() implements Result {}

  /**
   * git could not be run: it did not start, or its output files could not be made or read.
   *
   * @param message what went wrong
   * @param cause the failure
   */
  public record CannotRun(String message, IOException cause) implements Result {}

  /**
   * Runs {@code git args} in {@code directory}.
   *
   * @param environment the child's whole environment, before {@link #FIXED_ENVIRONMENT}
   * @param stdin what git reads on stdin (UTF-8), or {@code null} for nothing
   */
  public Result run(
      Path directory, Map<String, String> environment, String stdin, List<String> args) {
    Objects.requireNonNull(directory, "directory == null");
    Objects.requireNonNull(environment, "environment == null");
    List<String> command = new ArrayList<>(args.size() + 1);
    command.add("git");
    command.addAll(args);
    Path out = null;
    Path err = null;
    Process process = null;
    Set<ProcessHandle> seen = new LinkedHashSet<>();
    try {
      out = Files.createTempFile(temporaryDirectory, "autofix-git-", ".out");
      err = Files.createTempFile(temporaryDirectory, "autofix-git-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      Map<String, String> env = builder.environment();
      env.clear();
      env.putAll(environment);
      env.putAll(FIXED_ENVIRONMENT);
      process = builder.start();
      feed(process, stdin);
      if (!awaitExit(process, seen)) {
        return new TimedOut(timeout);
      }
      // Before reading: a leftover descendant could still be writing to the files.
      kill(process, seen);
      return new Exited(
          process.exitValue(), head(out), Files.size(out) > maxStdoutBytes, tail(err));
    } catch (IOException e) {
      return new CannotRun(
          (process == null ? "cannot start git: " : "cannot read git's output: ") + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Interrupted();
    } finally {
      kill(process, seen);
      delete(out);
      delete(err);
    }
  }

  /**
   * Waits for git to exit, sampling its descendants after each poll window: a child whose parent
   * exits is re-parented and can no longer be found from git. A git that ends within the first
   * window (most do) costs no sample: listing descendants scans every process on the machine.
   * Whether git exited before the timeout.
   */
  private boolean awaitExit(Process process, Set<ProcessHandle> seen) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      if (process.waitFor(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS)) {
        return true;
      }
      process.descendants().forEach(seen::add);
    }
  }

  /**
   * Writes {@code stdin} from a thread of its own, so that a git that never reads it still times
   * out, then closes it.
   */
  private static void feed(Process process, String stdin) throws IOException {
    OutputStream in = process.getOutputStream();
    if (stdin == null) {
      in.close();
      return;
    }
    byte[] bytes = stdin.getBytes(StandardCharsets.UTF_8);
    Thread.ofVirtual()
        .name("git-stdin")
        .start(
            () -> {
              try (in) {
                in.write(bytes);
              } catch (IOException e) {
                // git closed stdin or ended: what it read is all it needed.
              }
            });
  }

  /** Kills {@code process} and every descendant, those seen earlier included. */
  private static void kill(Process process, Set<ProcessHandle> seen) {
    if (process == null) {
      return;
    }
    process.descendants().forEach(seen::add);
    for (ProcessHandle handle : List.copyOf(seen)) {
      if (handle.isAlive()) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
      }
    }
    process.destroyForcibly();
  }

  private byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(maxStdoutBytes);
    }
  }

  private String tail(Path file) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      long size = channel.size();
      channel.position(Math.max(0, size - maxStderrBytes));
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size, maxStderrBytes));
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // up to the end of stderr
      }
      return new String(Arrays.copyOf(buffer.array(), buffer.position()), StandardCharsets.UTF_8);
    }
  }

  private static void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.debug("cannot delete {}", file, e);
      }
    }
  }
}
