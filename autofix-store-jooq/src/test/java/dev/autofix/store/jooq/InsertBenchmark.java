package dev.autofix.store.jooq;

import static dev.autofix.store.jooq.schema.Tables.RUNS;
import static dev.autofix.store.jooq.schema.Tables.RUN_EVENTS;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import dev.autofix.core.port.RunStore;
import dev.autofix.store.jooq.internal.Dsl;
import dev.autofix.store.jooq.internal.EmbeddedPostgresServer;
import dev.autofix.store.jooq.internal.Migrations;
import dev.autofix.store.jooq.internal.NewRunInsert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jooq.DSLContext;

/**
 * Insert-if-absent throughput of {@link JooqRunStore} against the embedded PostgreSQL, for new keys
 * and for one repeated key, at 1, 8 and 32 threads, beside {@code pgbench} sending the same
 * statements in the same transactions to the same server (when pgbench is installed).
 *
 * <p>Not a test: run it by hand (see the module README); the argument is the seconds per case.
 */
public final class InsertBenchmark {
  private static final int[] THREADS = {1, 8, 32};
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial");

  private static final String COLUMNS =
      "(source, issue_id, short_id, project, title, culprit, level, permalink, first_seen,"
          + " event_count, status, attempts, created_at, updated_at)";
  // What JooqRunStore.insertIfAbsent sends: one statement for a new key; the same statement,
  // then a select of the existing run, for a repeated key. Each in autocommit.
  private static final String INSERT =
      "WITH created AS (INSERT INTO runs %s VALUES ('pgbench', %s, 'BENCH-1', NULL,"
          + " 'ZeroDivisionError: division by zero', NULL, 'error', NULL, NULL, 1, 'queued', 0,"
          + " now(), now()) ON CONFLICT (source, issue_id) DO NOTHING RETURNING id, source, issue_id, created_at),"
          + " event AS (INSERT INTO run_events (run_id, from_status, to_status, at, reason)"
          + " SELECT id, NULL, 'queued', created_at, 'new issue' FROM created RETURNING id)"
          + " SELECT id, source, issue_id FROM created;%n";
  private static final String NEW_KEY_SCRIPT = INSERT.formatted(COLUMNS, "gen_random_uuid()::text");
  private static final String SAME_KEY_SCRIPT =
      INSERT.formatted(COLUMNS, "'same'")
          + "SELECT * FROM runs WHERE source = 'pgbench' AND issue_id = 'same';\n";

  private InsertBenchmark() {}

  public static void main(String[] args) throws Exception {
    Duration each = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 5);
    Path dir = Files.createTempDirectory("autofix-bench");
    // durable settings, as in production (synchronous_commit on)
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir.resolve("pg"), 0, false);
    try {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(server.jdbcUrl("postgres"));
      config.setUsername(server.user());
      config.setPassword(server.password());
      config.setMaximumPoolSize(32);
      try (HikariDataSource dataSource = new HikariDataSource(config)) {
        Migrations.migrate(dataSource);
        DSLContext dsl = Dsl.on(dataSource);
        System.out.println("The store's insert: " + NewRunInsert.render(dsl, 1).sql());
        boolean pgbench = pgbenchInstalled();
        System.out.printf(
            Locale.ROOT,
            "PostgreSQL %s embedded, %d s per case, %d cores%n",
            dsl.fetchValue("show server_version"),
            each.toSeconds(),
            Runtime.getRuntime().availableProcessors());
        System.out.printf(
            Locale.ROOT,
            "%-22s %8s %14s %14s %8s%n",
            "keys",
            "threads",
            "store ops/s",
            "pgbench tps",
            "ratio");
        // a repeat is answered from memory within a second of the store's last look at the run,
        // else by one primary-key read: the second case measures the read, with no window
        for (String keys : List.of("new", "one repeated (memory)", "one repeated (read)")) {
          boolean newKeys = keys.equals("new");
          Duration trust = keys.endsWith("(read)") ? Duration.ZERO : JooqRunStore.TRUST_KNOWN_FOR;
          for (int threads : THREADS) {
            // best of two alternating rounds: this machine is shared, so a single window is noisy
            double store0 = 0;
            double bench0 = 0;
            for (int round = 0; round < 2; round++) {
              truncate(dsl);
              RunStore store = JooqRunStore.create(dsl, "bench", trust, System::nanoTime);
              store0 = Math.max(store0, measureStore(store, threads, newKeys, each));
              if (pgbench) {
                truncate(dsl);
                bench0 = Math.max(bench0, pgbench(server, dir, threads, newKeys, each));
              }
            }
            OptionalDouble bench = pgbench ? OptionalDouble.of(bench0) : OptionalDouble.empty();
            System.out.printf(
                Locale.ROOT,
                "%-22s %8d %14.0f %14s %8s%n",
                keys,
                threads,
                store0,
                bench.isPresent() ? String.format(Locale.ROOT, "%.0f", bench.getAsDouble()) : "-",
                bench.isPresent()
                    ? String.format(Locale.ROOT, "%.0f%%", 100 * store0 / bench.getAsDouble())
                    : "-");
          }
        }
      }
    } finally {
      server.close();
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static double measureStore(RunStore store, int threads, boolean newKeys, Duration each)
      throws Exception {
    AtomicLong sequence = new AtomicLong();
    Issue same = issue("same");
    store.insertIfAbsent(same, Instant.now());
    // warm-up, then the measured window
    runFor(threads, Duration.ofSeconds(2), () -> insert(store, newKeys, same, sequence));
    long ops = runFor(threads, each, () -> insert(store, newKeys, same, sequence));
    return ops / (each.toMillis() / 1000.0);
  }

  private static void insert(RunStore store, boolean newKeys, Issue same, AtomicLong sequence) {
    Issue issue = newKeys ? issue("k" + sequence.incrementAndGet()) : same;
    if (store.insertIfAbsent(issue, Instant.now()) instanceof RunStore.Unavailable u) {
      throw new IllegalStateException(u.reason());
    }
  }

  private static long runFor(int threads, Duration window, Runnable op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long end = System.nanoTime() + window.toNanos();
      List<Future<Long>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  long n = 0;
                  while (System.nanoTime() < end) {
                    op.run();
                    n++;
                  }
                  return n;
                }));
      }
      long total = 0;
      for (Future<Long> f : futures) {
        total += f.get();
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }

  private static double pgbench(
      EmbeddedPostgresServer server, Path dir, int clients, boolean newKeys, Duration each)
      throws IOException, InterruptedException {
    Path script = dir.resolve(newKeys ? "new-key.sql" : "same-key.sql");
    Files.writeString(script, newKeys ? NEW_KEY_SCRIPT : SAME_KEY_SCRIPT, StandardCharsets.UTF_8);
    ProcessBuilder command =
        new ProcessBuilder(
                "pgbench",
                "-n",
                "-M",
                "prepared",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(server.port()),
                "-U",
                server.user(),
                "-c",
                Integer.toString(clients),
                "-j",
                Integer.toString(Math.min(clients, 2)),
                "-T",
                Long.toString(each.toSeconds()),
                "-f",
                script.toString(),
                "postgres")
            .redirectErrorStream(true);
    command.environment().put("PGPASSWORD", server.password());
    Process process = command.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("pgbench failed: " + output);
    }
    Matcher m = TPS.matcher(output);
    if (!m.find()) {
      throw new IOException("no tps in pgbench output: " + output);
    }
    return Double.parseDouble(m.group(1));
  }

  private static boolean pgbenchInstalled() {
    try {
      return new ProcessBuilder("pgbench", "--version").start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void truncate(DSLContext dsl) {
    dsl.truncate(RUN_EVENTS).restartIdentity().cascade().execute();
    dsl.truncate(RUNS).restartIdentity().cascade().execute();
  }

  private static Issue issue(String id) {
    return new Issue(
        new IssueId("bench", id),
        "BENCH-1",
        "backend",
        "ZeroDivisionError: division by zero",
        null,
        Level.ERROR,
        null,
        null,
        1);
  }
}
