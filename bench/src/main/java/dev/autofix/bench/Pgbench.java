package dev.autofix.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The physical limit beside the server: {@code pgbench} sending the statements the store sends for
 * an insert-if-absent, to the same PostgreSQL, at the same client counts. It writes to copies of
 * the tables in their own schema ({@code bench_limit}), so the server's worker never sees its rows.
 */
final class Pgbench {
  static final String SCHEMA = "bench_limit";
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial");
  private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

  private static final String COLUMNS =
      "(source, issue_id, short_id, title, level, event_count, status, attempts, created_at,"
          + " updated_at)";
  // The one-row form of what JooqRunStore.insertIfAbsent sends for a new key (the store combines
  // concurrent callers' rows into one statement of this shape); for a known key, the same
  // statement and then a select of the existing run, which is what the store sent before it
  // remembered known issues (the issue's "repeated-key statement"). Each in autocommit.
  private static final String INSERT =
      "WITH created AS (INSERT INTO runs %s VALUES ('pgbench', %s, 'BENCH-1',"
          + " 'ZeroDivisionError: division by zero', 'error', 1, 'queued', 0, now(), now())"
          + " ON CONFLICT (source, issue_id) DO NOTHING RETURNING id, source, issue_id, created_at),"
          + " event AS (INSERT INTO run_events (run_id, from_status, to_status, at, reason)"
          + " SELECT id, NULL, 'queued', created_at, 'new issue' FROM created RETURNING id)"
          + " SELECT id, source, issue_id FROM created;\n";

  static final String NEW_KEY_SCRIPT = INSERT.formatted(COLUMNS, "gen_random_uuid()::text");
  static final String SAME_KEY_SCRIPT =
      INSERT.formatted(COLUMNS, "'same'")
          + "SELECT * FROM runs WHERE source = 'pgbench' AND issue_id = 'same';\n";
  // the repeated-key statement for one of 50 hot keys, as the mixed scenario repeats them
  static final String HOT_KEY_SCRIPT =
      "\\set k random(1, 50)\n"
          + INSERT.formatted(COLUMNS, "'hot-' || :k")
          + "SELECT * FROM runs WHERE source = 'pgbench' AND issue_id = 'hot-' || :k;\n";

  /** What one pgbench window sends. */
  enum Workload {
    /** Every transaction a new key. */
    NEW("new key"),
    /** Every transaction the same key. */
    SAME("same key"),
    /** The mixed scenario's proportions: 95 % one of 50 hot keys, 5 % a new key. */
    MIX("mix: 95 % hot, 5 % new");

    final String label;

    Workload(String label) {
      this.label = label;
    }
  }

  /** One pgbench window. */
  record Result(double tps, double latencyAverageMs) {}

  // pgbench processes still running, for the harness's shutdown hook
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  private final int port;
  private final Path workDir;

  Pgbench(int port, Path workDir) {
    this.port = port;
    this.workDir = workDir;
  }

  static boolean installed() {
    try {
      Process p = new ProcessBuilder("pgbench", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Copies of {@code runs} and {@code run_events} (indexes, constraints, keys) in their schema. */
  void createTables() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("drop schema if exists " + SCHEMA + " cascade");
      s.execute("create schema " + SCHEMA);
      s.execute("create table " + SCHEMA + ".runs (like public.runs including all)");
      s.execute("create table " + SCHEMA + ".run_events (like public.run_events including all)");
      s.execute(
          "alter table "
              + SCHEMA
              + ".run_events add foreign key (run_id) references "
              + SCHEMA
              + ".runs (id)");
    }
  }

  void truncate() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("truncate " + SCHEMA + ".run_events, " + SCHEMA + ".runs");
    }
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
  }

  /** Runs pgbench for {@code window} at {@code clients}; bounded by the window plus a minute. */
  Result run(Workload statement, int clients, Duration window)
      throws IOException, InterruptedException {
    Path newKey = workDir.resolve("pgbench-new-key.sql");
    Path sameKey = workDir.resolve("pgbench-same-key.sql");
    Path hotKey = workDir.resolve("pgbench-hot-key.sql");
    Files.writeString(newKey, NEW_KEY_SCRIPT, StandardCharsets.UTF_8);
    Files.writeString(sameKey, SAME_KEY_SCRIPT, StandardCharsets.UTF_8);
    Files.writeString(hotKey, HOT_KEY_SCRIPT, StandardCharsets.UTF_8);
    List<String> scripts =
        switch (statement) {
          case NEW -> List.of("-f", newKey.toString());
          case SAME -> List.of("-f", sameKey.toString());
          case MIX -> List.of("-f", hotKey + "@95", "-f", newKey + "@5");
        };
    List<String> command = new java.util.ArrayList<>();
    command.addAll(
        List.of(
            "pgbench",
            "-n",
            "-M",
            "prepared",
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-U",
            "postgres",
            "-c",
            Integer.toString(clients),
            "-j",
            Integer.toString(Math.min(clients, 2)),
            "-T",
            Long.toString(Math.max(1, window.toSeconds()))));
    command.addAll(scripts);
    command.add("postgres");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Path log = workDir.resolve("pgbench.out");
    builder.redirectOutput(log.toFile());
    builder.environment().put("PGOPTIONS", "-c search_path=" + SCHEMA);
    Process process = builder.start();
    LIVE.add(process);
    try {
      if (!process.waitFor(window.toSeconds() + 60, TimeUnit.SECONDS)) {
        throw new IOException("pgbench did not stop within " + (window.toSeconds() + 60) + " s");
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException("pgbench failed: " + output);
      }
      return parse(output)
          .orElseThrow(() -> new IOException("no tps in pgbench's output: " + output));
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      LIVE.remove(process);
    }
  }

  /** Kills every pgbench still running (from a shutdown hook). */
  static void stopAll() {
    for (Process process : List.copyOf(LIVE)) {
      process.destroyForcibly();
    }
  }

  static Optional<Result> parse(String output) {
    Matcher tps = TPS.matcher(output);
    if (!tps.find()) {
      return Optional.empty();
    }
    Matcher latency = LATENCY.matcher(output);
    double ms = latency.find() ? Double.parseDouble(latency.group(1)) : Double.NaN;
    return Optional.of(new Result(Double.parseDouble(tps.group(1)), ms));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "pgbench on 127.0.0.1:%d", port);
  }
}
