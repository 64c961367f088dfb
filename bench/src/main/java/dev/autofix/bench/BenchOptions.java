package dev.autofix.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The harness's command-line options, {@code --name=value}; every one has a default, so the bare
 * command runs the full benchmark.
 */
record BenchOptions(
    Duration duration,
    Duration warmup,
    List<Integer> clients,
    List<String> scenarios,
    int handoffRuns,
    Path serverJar,
    List<String> serverJvmOptions,
    Optional<Path> workDir,
    boolean keep,
    boolean pgbench,
    boolean externalDatabase,
    Path report,
    long maxRequestsPerClient) {

  BenchOptions {
    Objects.requireNonNull(duration, "duration == null");
    Objects.requireNonNull(warmup, "warmup == null");
    clients = List.copyOf(clients);
    scenarios = List.copyOf(scenarios);
    serverJvmOptions = List.copyOf(serverJvmOptions);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--duration must be positive");
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must not be negative");
    }
    if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1 || c > 1024)) {
      throw new IllegalArgumentException("--clients must list counts between 1 and 1024");
    }
    for (String s : scenarios) {
      if (!Scenario.names().contains(s)) {
        throw new IllegalArgumentException(
            "unknown scenario " + s + "; known: " + Scenario.names());
      }
    }
    if (handoffRuns < 0 || handoffRuns > 10_000) {
      throw new IllegalArgumentException("--handoff-runs must be between 0 and 10000");
    }
  }

  static final String USAGE =
      """
      Usage: java -jar bench/target/autofix-bench.jar [--name=value ...]

        --duration=20s        measured window per scenario and connection count (and per pgbench run)
        --warmup=5s           warm-up before each window, not measured
        --clients=1,8,32      concurrent connections (pgbench clients)
        --scenarios=storm,mixed,rejects,slowloris,new
        --handoff-runs=200    runs timed from the 202 to the agent's start (0: skip)
        --server-jar=autofix-server-jdk/target/autofix-server.jar
        --server-jvm-opts="-XX:+UseSerialGC -Xmx96m"
                              JVM options of the server, space-separated: the README's run
                              command's by default ("" for the JVM's own defaults)
        --work-dir=DIR        where data, logs and the scratch repository go (default: a temp dir)
        --keep=false          keep the work directory afterwards
        --pgbench=true        run pgbench beside the server (skipped when it is not installed)
        --external-db=true    also time start-up against a separately started PostgreSQL
        --report=bench/target/benchmark-report.md
        --max-requests=5000000  request budget per connection and window
      Quick run: --duration=3s --warmup=1s --handoff-runs=20
      """;

  static BenchOptions parse(List<String> args) {
    Duration duration = Duration.ofSeconds(20);
    Duration warmup = Duration.ofSeconds(5);
    List<Integer> clients = List.of(1, 8, 32);
    List<String> scenarios = Scenario.names();
    int handoffRuns = 200;
    Path jar = Path.of("autofix-server-jdk/target/autofix-server.jar");
    // the options the README's run command gives the server
    List<String> jvm = List.of("-XX:+UseSerialGC", "-Xmx96m");
    Optional<Path> workDir = Optional.empty();
    boolean keep = false;
    boolean pgbench = true;
    boolean external = true;
    Path report = Path.of("bench/target/benchmark-report.md");
    long maxRequests = 5_000_000;
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --name=value, not " + arg);
      }
      String name = arg.substring(2, eq);
      String value = arg.substring(eq + 1).trim();
      switch (name) {
        case "duration" -> duration = duration(value);
        case "warmup" -> warmup = duration(value);
        case "clients" ->
            clients =
                Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
        case "scenarios" -> scenarios = Arrays.stream(value.split(",")).map(String::trim).toList();
        case "handoff-runs" -> handoffRuns = Integer.parseInt(value);
        case "server-jar" -> jar = Path.of(value);
        case "server-jvm-opts" ->
            jvm = value.isEmpty() ? List.of() : new ArrayList<>(List.of(value.split("\\s+")));
        case "work-dir" -> workDir = Optional.of(Path.of(value));
        case "keep" -> keep = Boolean.parseBoolean(value);
        case "pgbench" -> pgbench = Boolean.parseBoolean(value);
        case "external-db" -> external = Boolean.parseBoolean(value);
        case "report" -> report = Path.of(value);
        case "max-requests" -> maxRequests = Long.parseLong(value);
        default -> throw new IllegalArgumentException("unknown option --" + name);
      }
    }
    return new BenchOptions(
        duration,
        warmup,
        clients,
        scenarios,
        handoffRuns,
        jar,
        jvm,
        workDir,
        keep,
        pgbench,
        external,
        report,
        maxRequests);
  }

  /** {@code 20s}, {@code 500ms}, {@code 2m}, or plain seconds. */
  static Duration duration(String text) {
    String v = text.trim().toLowerCase(Locale.ROOT);
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    }
    if (v.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
    }
    if (v.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
    }
    return Duration.ofSeconds(Long.parseLong(v));
  }
}
