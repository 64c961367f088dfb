package dev.autofix.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The autofix server jar as a child process on 127.0.0.1: started with a given environment, waited
 * for until {@code /readyz} answers 200, and stopped with SIGTERM (then SIGKILL, for it and every
 * process it started) however the harness ends.
 */
final class ServerProcess implements AutoCloseable {
  // every server still running, for the harness's shutdown hook (Ctrl-C, SIGTERM)
  private static final Set<ServerProcess> LIVE = ConcurrentHashMap.newKeySet();

  private final Process process;
  private final int port;
  private final Path log;
  private final long startedNanos;
  private final Path cluster;
  private List<ProcessHandle> descendants = List.of();

  private ServerProcess(Process process, int port, Path log, long startedNanos, Path cluster) {
    this.process = process;
    this.cluster = cluster;
    this.port = port;
    this.log = log;
    this.startedNanos = startedNanos;
  }

  static ServerProcess start(
      Path java,
      List<String> jvmOptions,
      Path jar,
      Map<String, String> settings,
      int port,
      Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    // only the settings given here: none leak in from the shell that runs the harness
    env.keySet().removeIf(k -> k.startsWith("AUTOFIX_"));
    env.putAll(settings);
    env.put("AUTOFIX_BIND", "127.0.0.1");
    env.put("AUTOFIX_PORT", Integer.toString(port));
    Files.createDirectories(log.getParent());
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    // the embedded PostgreSQL keeps its cluster in <data dir>/postgres
    Path cluster =
        settings.containsKey("AUTOFIX_DATABASE_URL")
            ? null
            : Path.of(settings.get("AUTOFIX_DATA_DIR")).resolve("postgres");
    long started = System.nanoTime();
    ServerProcess server = new ServerProcess(builder.start(), port, log, started, cluster);
    LIVE.add(server);
    return server;
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /**
   * Waits until {@code /readyz} answers 200, polling every 10 ms; returns the time since the
   * process was started.
   */
  Duration awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = startedNanos + timeout.toNanos();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build()) {
      HttpRequest request =
          HttpRequest.newBuilder(uri("/readyz")).timeout(Duration.ofSeconds(2)).GET().build();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IOException(
              "the server exited with " + process.exitValue() + " before it was ready; see " + log);
        }
        try {
          if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return Duration.ofNanos(System.nanoTime() - startedNanos);
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(10);
      }
    }
    throw new IOException("the server was not ready within " + timeout + "; see " + log);
  }

  /** The server JVM's resident memory in KiB ({@code VmRSS}), 0 once it is gone. */
  long rssKb() {
    return rssKb(process.pid());
  }

  /**
   * The embedded PostgreSQL's memory in KiB: the proportional set size (shared pages split between
   * the processes that map them) summed over the postmaster and its backends; 0 when the server
   * uses an external database.
   */
  long embeddedPostgresPssKb() {
    if (cluster == null) {
      return 0;
    }
    try {
      long pid = Long.parseLong(Files.readAllLines(cluster.resolve("postmaster.pid")).getFirst());
      return ProcessHandle.of(pid)
          .map(
              postmaster ->
                  pssKb(postmaster.pid())
                      + postmaster.descendants().mapToLong(p -> pssKb(p.pid())).sum())
          .orElse(0L);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  static long pssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
        if (line.startsWith("Pss:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process has exited
    }
    return 0;
  }

  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process has exited
    }
    return 0;
  }

  /** Environment entries for a server on a fresh or kept data directory. */
  static Map<String, String> settings(
      String secret,
      Path dataDir,
      Path repo,
      String agentCommand,
      int maxFixesPerDay,
      Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTOFIX_SENTRY_CLIENT_SECRET", secret);
    env.put("AUTOFIX_GITHUB_REPO", "bench/bench");
    env.put("AUTOFIX_REPO_PATH", repo.toString());
    env.put("AUTOFIX_AGENT", "command");
    env.put("AUTOFIX_AGENT_COMMAND", agentCommand);
    // The agent runs in the default sandbox: the script's folder (it logs its start there) is
    // the one place outside the worktree it may write, as the work directory lies in /tmp.
    env.put("AUTOFIX_AGENT_WRITABLE", Path.of(agentCommand).getParent().toString());
    env.put("AUTOFIX_DATA_DIR", dataDir.toString());
    env.put("AUTOFIX_MAX_FIXES_PER_DAY", Integer.toString(maxFixesPerDay));
    env.putAll(extra);
    return env;
  }

  /** Stops every server that is still running (from a shutdown hook). */
  static void closeAll() {
    for (ServerProcess server : List.copyOf(LIVE)) {
      server.close();
    }
  }

  /**
   * SIGTERM, up to 30 s for a clean stop, then SIGKILL for the server and its children, and a
   * postmaster of the embedded PostgreSQL that a killed server left behind.
   */
  @Override
  public void close() {
    LIVE.remove(this);
    descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle child : descendants) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
    if (cluster != null) {
      stopLeftoverPostmaster(cluster);
    }
  }

  /** Stops a postmaster whose pid is still in the cluster's postmaster.pid. */
  private static void stopLeftoverPostmaster(Path cluster) {
    Path pidFile = cluster.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
      ProcessHandle.of(pid)
          .filter(p -> p.info().command().orElse("").contains("postgres"))
          .ifPresent(
              p -> {
                p.destroy();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
                if (p.isAlive()) {
                  p.destroyForcibly();
                }
              });
    } catch (IOException | RuntimeException e) {
      // nothing left to stop
    }
  }
}
