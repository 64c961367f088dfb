package dev.autofix.agents;

import dev.autofix.agents.internal.Bubblewrap;
import dev.autofix.agents.internal.Egress;
import dev.autofix.agents.internal.Environments;
import dev.autofix.agents.internal.Paths2;
import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.core.model.RunId;
import dev.autofix.core.port.RunLogs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the processes that execute agent-written code (the agent itself, the setup command, the test
 * command) the way {@link AgentAccess} says: in the bubblewrap sandbox, or trusted as the user.
 *
 * <p>In the sandbox a process gets an environment built from an allow list, a scratch home and
 * {@code /tmp} of its own ({@code <dataDir>/runs/run-<id>/sandbox}, made anew for each process and
 * removed when the workspace is released), autofix's own per-project build caches, and the network
 * to the destinations its caller allows. Trusted, it gets the user's environment minus autofix's
 * secrets, and nothing else changes.
 */
final class UntrustedProcesses {
  private static final Logger LOG = LoggerFactory.getLogger(UntrustedProcesses.class);
  private static final long MAX_SEED_BYTES = 16L << 20;

  /** Variables every sandboxed process gets from the user's environment, when set. */
  static final List<String> BASE_ALLOW =
      List.of("PATH", "LANG", "LANGUAGE", "LC_*", "TERM", "TZ", "JAVA_HOME", "USER", "LOGNAME");

  /** Build caches that are autofix's own, per project, under the sandbox's home. */
  static final List<String> CACHES = List.of(".m2", ".gradle", ".npm", ".cache", ".cargo");

  private final AgentsConfig config;
  private final AgentAccess access;
  private final Map<String, String> userEnvironment;
  private final Map<String, String> trustedEnvironment;
  private final Path userHome;
  private final Path bwrap;
  private final Path socat;

  UntrustedProcesses(AgentsConfig config, Map<String, String> userEnvironment) {
    this.config = config;
    this.access = config.access();
    this.userEnvironment = Map.copyOf(userEnvironment);
    this.trustedEnvironment = Environments.clean(userEnvironment, config.envDenyList());
    String home = userEnvironment.get("HOME");
    this.userHome =
        Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    String path = userEnvironment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    this.bwrap = onPath("bwrap", path);
    this.socat = onPath("socat", path);
  }

  AgentAccess access() {
    return access;
  }

  /** One process to run for a run. */
  record Launch(
      RunId run,
      String label,
      List<String> command,
      Path worktree,
      Map<String, String> variables,
      List<String> allowVariables,
      Map<String, Path> homeSeed,
      List<Egress.Destination> destinations,
      String stdin,
      Duration timeout,
      Consumer<String> stdoutListener) {}

  /**
   * Why nothing can run in the sandbox here, naming the fix, or empty when it works (or when the
   * access is trusted). Starts one sandboxed {@code true}.
   */
  Optional<String> unavailable() {
    if (!access.isSandboxed()) {
      return Optional.empty();
    }
    String fix =
        "; install bubblewrap and socat (Debian/Ubuntu: apt-get install bubblewrap socat) and"
            + " allow unprivileged user namespaces, or set AUTOFIX_AGENT_ACCESS=trusted to run"
            + " agents unconfined";
    if (bwrap == null) {
      return Optional.of("the agent sandbox needs bubblewrap (bwrap), which is not on PATH" + fix);
    }
    if (socat == null) {
      return Optional.of(
          "the agent sandbox needs socat for its network, which is not on PATH" + fix);
    }
    List<String> argv = new ArrayList<>(Bubblewrap.base(bwrap));
    argv.addAll(List.of("--", "/bin/true"));
    ProcessRunner.Result result =
        new ProcessRunner(0, 2_000, Duration.ofSeconds(1))
            .run(
                new ProcessRunner.Spec(
                    "sandbox-check",
                    argv,
                    Path.of("/"),
                    Map.of("PATH", "/usr/local/bin:/usr/bin:/bin"),
                    null,
                    Duration.ofSeconds(20),
                    null),
                line -> {});
    if (result.succeeded()) {
      return Optional.empty();
    }
    String why =
        switch (result.outcome()) {
          case ProcessRunner.Exited exited ->
              result.stderrTail().isBlank() ? "exit code " + exited.code() : result.stderrTail();
          case ProcessRunner.TimedOut timedOut -> "it did not start within 20 s";
          case ProcessRunner.NotStarted notStarted -> notStarted.message();
        };
    return Optional.of("the agent sandbox cannot start (" + why.strip() + ")" + fix);
  }

  /** Runs {@code launch} to its end, sandboxed or trusted. Never throws for the process. */
  ProcessRunner.Result run(ProcessRunner runner, Launch launch, RunLogs.RunLog log) {
    if (!access.isSandboxed()) {
      Map<String, String> env = new TreeMap<>(trustedEnvironment);
      env.putAll(launch.variables());
      return runner.run(spec(launch, launch.command(), env), log);
    }
    if (bwrap == null || socat == null) {
      String message = unavailable().orElse("the agent sandbox is not available");
      log.append(launch.label() + ": " + message);
      return new ProcessRunner.Result(
          new ProcessRunner.NotStarted(message), Duration.ZERO, "", message, message, List.of());
    }
    Path scratch = scratch(launch.run());
    Path home = scratch.resolve("home");
    Path tmp = scratch.resolve("tmp");
    List<Bubblewrap.Bind> caches = new ArrayList<>();
    try {
      // Fresh for every process: nothing an earlier one left there (a link where a login file is
      // copied to, say) is ever followed by autofix.
      Paths2.deleteTree(scratch);
      Files.createDirectories(home);
      Files.createDirectories(tmp);
      Path cacheRoot = cacheRoot();
      for (String name : CACHES) {
        Path host = Files.createDirectories(cacheRoot.resolve(name.substring(1)));
        caches.add(new Bubblewrap.Bind(host, Bubblewrap.HOME.resolve(name)));
      }
      seed(home, launch.homeSeed());
    } catch (IOException e) {
      throw new WorkspaceException("cannot prepare the sandbox's home in " + scratch, e);
    }
    List<Egress.Destination> destinations = new ArrayList<>(launch.destinations());
    access.allowedHosts().forEach(h -> destinations.add(Egress.Destination.parse(h)));
    try (Egress egress = openEgress(destinations)) {
      Map<String, String> env = environment(launch, egress);
      List<String> argv =
          Bubblewrap.argv(
              new Bubblewrap.Plan(
                  bwrap,
                  socat,
                  launch.worktree(),
                  tmp,
                  home,
                  hidden(launch.run()),
                  readOnly(),
                  writable(launch.worktree()),
                  caches,
                  List.of(launch.worktree().resolve(".git")),
                  egress),
              launch.command());
      return runner.run(spec(launch, argv, env), log);
    }
  }

  private static ProcessRunner.Spec spec(
      Launch launch, List<String> argv, Map<String, String> env) {
    return new ProcessRunner.Spec(
        launch.label(),
        argv,
        launch.worktree(),
        env,
        launch.stdin(),
        launch.timeout(),
        launch.stdoutListener());
  }

  /** Removes the run's scratch home and {@code /tmp}. */
  void cleanUp(RunId run) {
    try {
      Paths2.deleteTree(scratch(run));
    } catch (IOException e) {
      LOG.warn("cannot remove the sandbox scratch of run {}: {}", run.value(), e.getMessage());
    }
  }

  private Path scratch(RunId run) {
    return config.dataDir().resolve("runs").resolve("run-" + run.value()).resolve("sandbox");
  }

  /** {@code <dataDir>/caches/<checkout name>-<hash of its path>}, one per project. */
  private Path cacheRoot() {
    String name =
        config.repoPath().getFileName() == null
            ? "repo"
            : config.repoPath().getFileName().toString();
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  config.repoPath().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String key =
          name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + HexFormat.of().formatHex(digest, 0, 4);
      return config.dataDir().resolve("caches").resolve(key);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Egress openEgress(List<Egress.Destination> destinations) {
    try {
      return Egress.open(
          Path.of(System.getProperty("java.io.tmpdir")), destinations, Egress.Connector.DIRECT);
    } catch (IOException e) {
      throw new WorkspaceException("cannot open the sandbox's network sockets", e);
    }
  }

  private Map<String, String> environment(Launch launch, Egress egress) {
    List<String> allow = new ArrayList<>(BASE_ALLOW);
    allow.addAll(launch.allowVariables());
    allow.addAll(access.envAllow());
    Map<String, String> env = Environments.allowed(userEnvironment, allow, config.envDenyList());
    env.put("HOME", Bubblewrap.HOME.toString());
    env.put("TMPDIR", "/tmp");
    env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.putIfAbsent("LANG", "C.UTF-8");
    if (egress.hasProxy()) {
      String proxy = "http://127.0.0.1:" + Bubblewrap.proxyPort(egress);
      for (String name : List.of("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")) {
        env.put(name, proxy);
      }
      env.put("NO_PROXY", "localhost,127.0.0.1,::1");
      env.put("no_proxy", "localhost,127.0.0.1,::1");
    }
    env.putAll(launch.variables());
    return env;
  }

  /** The data directory but this run's worktree, the config's hidden paths, and the embedder's. */
  private List<Path> hidden(RunId run) {
    Set<Path> paths = new LinkedHashSet<>();
    paths.add(config.dataDir());
    for (String path : access.hidden()) {
      paths.add(expand(path));
    }
    paths.addAll(access.alsoHidden());
    return List.copyOf(paths);
  }

  /** The checkout (it may lie in a hidden place, a temp directory) and the readable paths. */
  private List<Path> readOnly() {
    List<Path> paths = new ArrayList<>();
    paths.add(config.repoPath());
    for (String path : access.readable()) {
      paths.add(expand(path));
    }
    return paths;
  }

  private List<Path> writable(Path worktree) {
    List<Path> paths = new ArrayList<>();
    paths.add(worktree);
    for (String path : access.writable()) {
      paths.add(expand(path));
    }
    return paths;
  }

  private Path expand(String path) {
    if (path.equals("~")) {
      return userHome;
    }
    return path.startsWith("~/") ? userHome.resolve(path.substring(2)) : Path.of(path);
  }

  /** Copies the agent's login files into the scratch home: readable, and changes stay there. */
  private void seed(Path home, Map<String, Path> files) throws IOException {
    for (var entry : files.entrySet()) {
      Path source = entry.getValue();
      Path target = home.resolve(entry.getKey()).normalize();
      if (!target.startsWith(home)) {
        throw new IllegalArgumentException("not inside the home: " + entry.getKey());
      }
      // The agent's config directory exists even without a login to copy (Codex insists).
      Files.createDirectories(target.getParent());
      if (!Files.isRegularFile(source) || Files.size(source) > MAX_SEED_BYTES) {
        continue;
      }
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(target); // an earlier process of the run left it (or a link in its place)
      }
      try (InputStream in = Files.newInputStream(source);
          OutputStream out = Files.newOutputStream(target)) {
        in.transferTo(out);
      }
    }
  }

  /** The {@code host:port} of an API base URL, or empty when it is not a URL. */
  static Optional<Egress.Destination> destinationOf(String url) {
    try {
      URI uri = URI.create(url.strip());
      if (uri.getHost() == null) {
        return Optional.empty();
      }
      int port = uri.getPort();
      if (port < 0) {
        port = "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
      }
      return Optional.of(new Egress.Destination(uri.getHost(), port));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Path onPath(String binary, String path) {
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, binary);
        if (Files.isExecutable(candidate)) {
          return candidate.toAbsolutePath();
        }
      }
    }
    return null;
  }
}
