package dev.autofix.agents.internal;

import dev.autofix.core.port.RunLogs;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one external process to its end: a given argv, working directory and environment, stdin from
 * a string then closed, stdout and stderr streamed line by line into the run's log (up to a size
 * cap), and a wall-clock timeout that kills the whole process tree.
 *
 * <p>The tree is the process and every descendant seen while it ran: descendants are sampled while
 * waiting, because a child whose parent died is re-parented and can no longer be found from the
 * root. On Linux, every process that still carries the run's {@value #TAG} in its environment
 * counts too, which catches double-forked daemons between two samples. Leftovers of a process that
 * exited normally are killed as well, so no agent leaves a daemon behind in a worktree that is
 * about to be removed.
 */
public final class ProcessRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);
  private static final long POLL_MILLIS = 200;
  private static final int MAX_LOGGED_LINE = 8_192;

  /**
   * The most of one output line autofix keeps (for the agent's own parsers); the rest is read and
   * dropped, so a process printing one endless line costs no more memory than this.
   */
  static final int MAX_LINE = 1 << 20;

  private static final TimeUnit NANOS = TimeUnit.NANOSECONDS;

  /** The environment variable that marks every process of one run, so leftovers can be found. */
  public static final String TAG = "AUTOFIX_PROCESS_TAG";

  private final long logLimitBytes;
  private final int tailChars;
  private final Duration killGrace;
  private final Duration drainWait;

  /**
   * @param logLimitBytes how much of one process's output goes into the run's log
   * @param tailChars how many characters of each stream the result keeps
   * @param killGrace how long a killed process may take to exit after SIGTERM before SIGKILL
   */
  public ProcessRunner(long logLimitBytes, int tailChars, Duration killGrace) {
    if (logLimitBytes < 0) {
      throw new IllegalArgumentException("logLimitBytes < 0: " + logLimitBytes);
    }
    if (tailChars < 1) {
      throw new IllegalArgumentException("tailChars < 1: " + tailChars);
    }
    this.logLimitBytes = logLimitBytes;
    this.tailChars = tailChars;
    this.killGrace = Objects.requireNonNull(killGrace, "killGrace == null");
    this.drainWait = Duration.ofSeconds(2);
  }

  /** A runner with a 1 MiB log cap, 4000-character tails and a 3-second kill grace. */
  public static ProcessRunner withDefaults() {
    return new ProcessRunner(1L << 20, 4_000, Duration.ofSeconds(3));
  }

  /**
   * What to run.
   *
   * @param label how the process's lines are prefixed in the run's log, for example {@code claude}
   * @param command the argv
   * @param directory the working directory
   * @param environment the complete environment (nothing else is inherited)
   * @param stdin what to write to stdin before closing it, or {@code null} for nothing
   * @param timeout the wall-clock timeout
   * @param stdoutListener gets every stdout line, whole, as it arrives (may be a no-op)
   */
  public record Spec(
      String label,
      List<String> command,
      Path directory,
      Map<String, String> environment,
      String stdin,
      Duration timeout,
      Consumer<String> stdoutListener) {
    public Spec {
      Objects.requireNonNull(label, "label == null");
      command = List.copyOf(command);
      if (command.isEmpty()) {
        throw new IllegalArgumentException("command is empty");
      }
      Objects.requireNonNull(directory, "directory == null");
      environment = Map.copyOf(environment);
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      stdoutListener = stdoutListener == null ? line -> {} : stdoutListener;
    }

    /** This spec with {@code listener} getting the stdout lines. */
    public Spec withStdoutListener(Consumer<String> listener) {
      return new Spec(label, command, directory, environment, stdin, timeout, listener);
    }
  }

  /** How the process ended. */
  public sealed interface Outcome permits Exited, TimedOut, NotStarted {}

  /** The process exited by itself with {@code code}. */
  public record Exited(int code) implements Outcome {}

  /** The process ran past its timeout; its tree was killed. */
  public record TimedOut(Duration after) implements Outcome {}

  /** The process could not be started (no such program, say). */
  public record NotStarted(String message) implements Outcome {}

  /**
   * The result.
   *
   * @param outcome how it ended
   * @param took how long it ran
   * @param stdoutTail the end of stdout
   * @param stderrTail the end of stderr
   * @param outputTail the end of both, interleaved as they arrived
   * @param killedPids the pids autofix killed (the tree on a timeout, leftovers after an exit)
   */
  public record Result(
      Outcome outcome,
      Duration took,
      String stdoutTail,
      String stderrTail,
      String outputTail,
      List<Long> killedPids) {
    public Result {
      killedPids = List.copyOf(killedPids);
    }

    /** Whether the process exited with 0. */
    public boolean succeeded() {
      return outcome instanceof Exited exited && exited.code() == 0;
    }
  }

  /** Runs {@code spec}, logging to {@code log}. Never throws for the process's own failure. */
  public Result run(Spec spec, RunLogs.RunLog log) {
    Objects.requireNonNull(log, "log == null");
    long start = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder(spec.command()).directory(spec.directory().toFile());
    builder.environment().clear();
    builder.environment().putAll(spec.environment());
    String tag = UUID.randomUUID().toString();
    builder.environment().put(TAG, tag);
    Process process;
    try {
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      String message = "cannot start " + spec.command().getFirst() + ": " + e.getMessage();
      log.append(spec.label() + ": " + message);
      return new Result(new NotStarted(message), elapsed(start), "", "", "", List.of());
    }
    Tail stdout = new Tail(tailChars);
    Tail stderr = new Tail(tailChars);
    Tail both = new Tail(tailChars);
    AtomicLong logged = new AtomicLong();
    Thread in = feed(process.getOutputStream(), spec.stdin(), spec.label());
    Thread out =
        drain(
            process.getInputStream(),
            spec.label() + " | ",
            line -> {
              stdout.appendLine(line);
              both.appendLine(line);
              notify(spec.stdoutListener(), line);
            },
            log,
            logged,
            spec.label() + "-stdout");
    Thread err =
        drain(
            process.getErrorStream(),
            spec.label() + " ! ",
            line -> {
              stderr.appendLine(line);
              both.appendLine(line);
            },
            log,
            logged,
            spec.label() + "-stderr");

    Set<ProcessHandle> seen = new LinkedHashSet<>();
    long deadline = start + spec.timeout().toNanos();
    boolean exited = false;
    try {
      while (!exited) {
        process.descendants().forEach(seen::add);
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        exited = process.waitFor(Math.min(left, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)), NANOS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      seen.addAll(tagged(tag));
      List<Long> killed = killTree(process, seen);
      log.append(spec.label() + ": interrupted; killed process tree " + killed);
      join(out, err, in);
      return result(new TimedOut(elapsed(start)), start, stdout, stderr, both, killed);
    }
    if (!exited) {
      seen.addAll(tagged(tag));
      List<Long> killed = killTree(process, seen);
      Duration after = elapsed(start);
      log.append(
          spec.label() + ": timed out after " + spec.timeout() + "; killed process tree " + killed);
      join(out, err, in);
      return result(new TimedOut(after), start, stdout, stderr, both, killed);
    }
    int code = process.exitValue();
    seen.addAll(tagged(tag));
    // A child caught mid-exec has no readable environment for a moment; look once more.
    pause(Duration.ofMillis(50));
    seen.addAll(tagged(tag));
    List<Long> leftovers = killAlive(seen);
    if (!leftovers.isEmpty()) {
      log.append(spec.label() + ": killed leftover processes " + leftovers);
    }
    join(out, err, in);
    log.append(spec.label() + ": exited with " + code + " after " + elapsed(start));
    return result(new Exited(code), start, stdout, stderr, both, leftovers);
  }

  private static Result result(
      Outcome outcome, long start, Tail stdout, Tail stderr, Tail both, List<Long> killed) {
    return new Result(
        outcome, elapsed(start), stdout.toString(), stderr.toString(), both.toString(), killed);
  }

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static void notify(Consumer<String> listener, String line) {
    try {
      listener.accept(line);
    } catch (RuntimeException e) {
      LOG.warn("an output listener failed on a line; the line is still logged", e);
    }
  }

  private Thread feed(OutputStream stdin, String text, String label) {
    return Thread.ofPlatform()
        .daemon()
        .name(label + "-stdin")
        .start(
            () -> {
              try (stdin) {
                if (text != null) {
                  stdin.write(text.getBytes(StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                // The process closed its stdin or died early: what it did read is all it needs.
                LOG.debug("{}: stdin closed early: {}", label, e.getMessage());
              }
            });
  }

  private Thread drain(
      InputStream stream,
      String prefix,
      Consumer<String> sink,
      RunLogs.RunLog log,
      AtomicLong logged,
      String name) {
    return Thread.ofPlatform()
        .daemon()
        .name(name)
        .start(
            () -> {
              try (InputStreamReader chars =
                  new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                LineReader reader = new LineReader(chars, MAX_LINE);
                String line;
                while ((line = reader.next()) != null) {
                  sink.accept(line);
                  logLine(log, prefix, line, logged);
                  if (reader.dropped() > 0) {
                    logLine(
                        log,
                        prefix,
                        "… (this line went on for " + reader.dropped() + " more characters, cut)",
                        logged);
                  }
                }
              } catch (IOException e) {
                LOG.debug("{}: stream closed: {}", name, e.getMessage());
              }
            });
  }

  private void logLine(RunLogs.RunLog log, String prefix, String line, AtomicLong logged) {
    String shown =
        line.length() <= MAX_LOGGED_LINE
            ? line
            : line.substring(0, MAX_LOGGED_LINE)
                + "… ("
                + (line.length() - MAX_LOGGED_LINE)
                + " more chars)";
    long size = shown.length() + prefix.length() + 1L;
    long before = logged.getAndAdd(size);
    if (before + size <= logLimitBytes) {
      log.append(prefix + shown);
    } else if (before <= logLimitBytes) {
      logged.set(Long.MAX_VALUE / 2);
      log.append(
          prefix + "… output beyond " + logLimitBytes + " bytes is not logged (its tail is kept)");
    }
  }

  private void join(Thread... threads) {
    long until = System.nanoTime() + drainWait.toNanos();
    for (Thread thread : threads) {
      try {
        long left = until - System.nanoTime();
        if (left > 0) {
          thread.join(Duration.ofNanos(left));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      // A pipe held open by a grandchild autofix never saw keeps its reader blocked; it is a
      // daemon thread and ends when that process does.
    }
  }

  /** Kills {@code process} and every descendant, gracefully first; returns the pids signalled. */
  private List<Long> killTree(Process process, Set<ProcessHandle> seen) {
    process.descendants().forEach(seen::add);
    List<ProcessHandle> tree = new ArrayList<>(seen);
    tree.add(process.toHandle());
    return kill(tree);
  }

  /** The live processes whose environment carries {@code tag}; empty where /proc is missing. */
  private static List<ProcessHandle> tagged(String tag) {
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return List.of();
    }
    byte[] marker = ("\0" + TAG + "=" + tag + "\0").getBytes(StandardCharsets.UTF_8);
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(h -> h.pid() != self)
        .forEach(
            h -> {
              try {
                byte[] env = Files.readAllBytes(proc.resolve(h.pid() + "/environ"));
                byte[] padded = new byte[env.length + 1];
                System.arraycopy(env, 0, padded, 1, env.length);
                if (indexOf(padded, marker) >= 0) {
                  found.add(h);
                }
              } catch (IOException | RuntimeException e) {
                // Gone meanwhile, or not ours to read.
              }
            });
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private List<Long> killAlive(Set<ProcessHandle> seen) {
    List<ProcessHandle> alive = seen.stream().filter(ProcessRunner::running).toList();
    if (!alive.isEmpty()) {
      // A sandbox's processes die with its PID namespace, a moment after the process itself.
      awaitGone(alive, Duration.ofMillis(300));
      alive = alive.stream().filter(ProcessRunner::running).toList();
    }
    return alive.isEmpty() ? List.of() : kill(alive);
  }

  private List<Long> kill(List<ProcessHandle> targets) {
    List<Long> pids = new ArrayList<>();
    for (ProcessHandle handle : targets) {
      if (running(handle)) {
        // Children of the targets that appeared since the last sample go too.
        handle.descendants().filter(d -> !targets.contains(d)).forEach(d -> terminate(d, pids));
        terminate(handle, pids);
      }
    }
    if (!awaitGone(targets, killGrace)) {
      LOG.debug("processes {} did not exit within {}; killing them", pids, killGrace);
    }
    for (ProcessHandle handle : targets) {
      if (running(handle)) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
      }
    }
    awaitGone(targets, Duration.ofSeconds(1));
    return pids;
  }

  /**
   * Whether {@code handle} still runs. A zombie does not: a process that is not our child (a
   * sandbox's own init, re-parented when bubblewrap exits) may stay a zombie for as long as the
   * machine's init takes to reap it, and {@link ProcessHandle#isAlive} and {@code onExit} count it
   * as alive until then.
   */
  static boolean running(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return handle.isAlive(); // no /proc (not Linux), or gone meanwhile
    }
  }

  /** Waits up to {@code timeout} until none of {@code handles} runs; whether they all stopped. */
  private static boolean awaitGone(List<ProcessHandle> handles, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (handles.stream().anyMatch(ProcessRunner::running)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void terminate(ProcessHandle handle, List<Long> pids) {
    pids.add(handle.pid());
    handle.destroy();
  }
}
