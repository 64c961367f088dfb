package dev.autofix.bench;

import dev.autofix.testkit.SlowClients;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The benchmark: starts the server jar on a fresh data directory (embedded PostgreSQL, a no-op
 * agent), times the hand-off to the agent, restarts it, runs every load scenario at every
 * connection count, runs pgbench beside it, checks that the database holds one run per distinct
 * issue sent, times start-up against a separately started PostgreSQL, and writes a Markdown report.
 */
public final class Bench {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern RUN_ID = Pattern.compile("\"runId\":(\\d+)");
  private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z_]+)\"");
  private static final Set<String> ENDED = Set.of("pr_opened", "no_fix", "failed", "cancelled");
  private static final int HANDOFF_WARMUP = 5;

  private final BenchOptions options;
  private final PrintStream out;
  private final Report report = new Report();

  private Bench(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public static void main(String[] args) {
    BenchOptions options;
    try {
      if (List.of(args).contains("--help")) {
        System.out.print(BenchOptions.USAGE);
        return;
      }
      options = BenchOptions.parse(List.of(args));
    } catch (RuntimeException e) {
      System.err.println("autofix-bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    // Ctrl-C or a kill of the harness still stops the servers and pgbench it started
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      ServerProcess.closeAll();
                      Pgbench.stopAll();
                    }));
    try {
      new Bench(options, System.out).run();
    } catch (Exception e) {
      System.err.println("autofix-bench failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }

  private void run() throws Exception {
    if (!Files.isRegularFile(options.serverJar())) {
      throw new IOException(
          "no server jar at "
              + options.serverJar().toAbsolutePath()
              + "; build it first: mvn -B -q -pl bench -am package -DskipTests");
    }
    Path work =
        options.workDir().isPresent()
            ? Files.createDirectories(options.workDir().get())
            : Files.createTempDirectory("autofix-bench");
    report.machine(Machine.describe(), options);
    out.println(report.header());
    out.println("work directory: " + work);
    try {
      benchmark(work);
    } finally {
      String markdown = report.markdown();
      out.println();
      out.println(markdown);
      Path file = options.report().toAbsolutePath();
      Files.createDirectories(file.getParent());
      Files.writeString(file, markdown, StandardCharsets.UTF_8);
      out.println("report written to " + file);
      if (!options.keep()) {
        deleteTree(work);
      }
    }
  }

  private void benchmark(Path work) throws Exception {
    Path repo = scratchRepository(work.resolve("repo"));
    Path agentDir = Files.createDirectories(work.resolve("agent"));
    Path agentLog = agentDir.resolve("agent-starts.log");
    Files.writeString(agentLog, "");
    Path agent = agentDir.resolve("agent.sh");
    // bash's $EPOCHREALTIME needs no fork, so the time written is the agent's own start
    Files.writeString(
        agent,
        "#!/bin/bash\necho \"$EPOCHREALTIME\" >> '" + agentLog + "'\ncat > /dev/null\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
    byte[] secretBytes = new byte[24];
    new SecureRandom().nextBytes(secretBytes);
    String secret = HexFormat.of().formatHex(secretBytes);
    Deliveries deliveries = new Deliveries(new Signatures(secret), 5_000_000_000L);
    Set<String> sent = ConcurrentHashMap.newKeySet();
    Path dataDir = work.resolve("data");
    int databasePort = freePort();
    // The hand-off runs use the whole daily cap, so every run the load scenarios create is deferred
    // by the worker (as in production once the cap is reached) instead of starting an agent.
    int cap = options.handoffRuns() == 0 ? 0 : options.handoffRuns() + HANDOFF_WARMUP;
    Map<String, String> settings =
        ServerProcess.settings(
            secret,
            dataDir,
            repo,
            agent.toString(),
            cap,
            Map.of("AUTOFIX_EMBEDDED_DATABASE_PORT", Integer.toString(databasePort)));

    // 1. first start: initdb and migrations; the hand-off to the agent
    out.println("starting the server on a fresh data directory (embedded PostgreSQL) ...");

    try (ServerProcess server = startServer(settings, work.resolve("server-first.log"))) {
      Duration ready = server.awaitReady(READY_TIMEOUT);
      report.startup("embedded PostgreSQL, first start (initdb, migrations)", ready);
      out.println("ready in " + ready.toMillis() + " ms");
      Thread.sleep(3000);
      report.idleRss(
          "after the first start, 3 s idle", server.rssKb(), server.embeddedPostgresPssKb());
      if (options.handoffRuns() > 0) {
        handoff(server, deliveries, sent, agentLog);
      }
    }

    // 2. restart on the same data directory; the load scenarios and pgbench
    out.println("restarting the server on the same data directory ...");

    try (ServerProcess server = startServer(settings, work.resolve("server-restart.log"))) {
      Duration ready = server.awaitReady(READY_TIMEOUT);
      report.startup("embedded PostgreSQL, restart (data kept)", ready);
      out.println("ready in " + ready.toMillis() + " ms");
      Thread.sleep(3000);
      report.idleRss("after the restart, 3 s idle", server.rssKb(), server.embeddedPostgresPssKb());
      Pgbench pgbench = new Pgbench(databasePort, work);
      // the limit first, while the server is idle: later its worker is busy deferring the runs
      // the load created (the daily cap is used up), which would slow pgbench down
      if (options.pgbench() && Pgbench.installed()) {
        limit(pgbench);
      } else {
        out.println("pgbench skipped (--pgbench=false or not installed)");
      }
      load(server, deliveries, sent, pgbench);
      checkRuns(pgbench, sent);
      report.idleRss("after the load, at the end", server.rssKb(), server.embeddedPostgresPssKb());
    }

    // 3. start-up against a PostgreSQL started separately
    if (options.externalDatabase()) {
      externalStartup(work, secret, repo, agent);
    }

    // 4. what the agent sandbox adds to a command's start and to a test suite
    out.println("timing the agent sandbox ...");
    report.sandbox(SandboxOverhead.measure(work.resolve("sandbox"), 100, 20));
  }

  private ServerProcess startServer(Map<String, String> settings, Path log) throws IOException {
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    return ServerProcess.start(
        java, options.serverJvmOptions(), options.serverJar(), settings, freePort(), log);
  }

  private void handoff(ServerProcess server, Deliveries deliveries, Set<String> sent, Path agentLog)
      throws IOException, InterruptedException {
    int total = HANDOFF_WARMUP + options.handoffRuns();
    out.printf(
        Locale.ROOT,
        "hand-off: %d runs one after another (%d warm-up) ...%n",
        total,
        HANDOFF_WARMUP);
    Latencies latencies = new Latencies(total);
    long negative = 0;
    int failures = 0;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      for (int i = 0; i < total; i++) {
        String id = deliveries.newIssueId();
        sent.add(id);
        long linesBefore = lines(agentLog);
        Deliveries.Delivery d = deliveries.newIssue(id);
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(server.uri("/webhooks/sentry"))
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .header("Sentry-Hook-Resource", d.resource())
                    .header("Sentry-Hook-Signature", d.signature())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        Instant accepted = Instant.now();
        if (response.statusCode() != 202) {
          throw new IOException("hand-off: expected 202, got " + response.statusCode());
        }
        Matcher runId = RUN_ID.matcher(response.body());
        if (!runId.find()) {
          throw new IOException("hand-off: no runId in " + response.body());
        }
        Instant started = awaitAgentStart(agentLog, linesBefore, Duration.ofSeconds(30));
        String status = awaitEnded(http, server.uri("/api/runs/" + runId.group(1)));
        if (!status.equals("no_fix")) {
          failures++;
        }
        if (i >= HANDOFF_WARMUP) {
          long micros = ChronoUnit.MICROS.between(accepted, started);
          if (micros < 0) {
            negative++;
          }
          latencies.add(Math.max(0, micros) * 1000);
        }
      }
    }
    report.handoff(latencies, negative, failures);
    out.printf(
        Locale.ROOT,
        "hand-off p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d runs; %d not no_fix)%n",
        ms(latencies.percentile(50)),
        ms(latencies.percentile(99)),
        ms(latencies.max()),
        latencies.size(),
        failures);
  }

  private static long lines(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    }
  }

  private static Instant awaitAgentStart(Path log, long linesBefore, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> lines = Files.readAllLines(log);
      if (lines.size() > linesBefore && lines.get((int) linesBefore).contains(".")) {
        BigDecimal seconds = new BigDecimal(lines.get((int) linesBefore).trim());
        long micros = seconds.movePointRight(6).longValueExact();
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
      }
      Thread.sleep(1);
    }
    throw new IOException("hand-off: the agent did not start within " + timeout);
  }

  private static String awaitEnded(HttpClient http, URI run)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String status = "?";
    while (System.nanoTime() < deadline) {
      String body =
          http.send(
                  HttpRequest.newBuilder(run).timeout(Duration.ofSeconds(5)).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = STATUS.matcher(body);
      if (m.find()) {
        status = m.group(1);
        if (ENDED.contains(status)) {
          return status;
        }
      }
      Thread.sleep(5);
    }
    throw new IOException("hand-off: run " + run + " did not end within 30 s (" + status + ")");
  }

  private void load(ServerProcess server, Deliveries deliveries, Set<String> sent, Pgbench database)
      throws InterruptedException, SQLException, IOException {
    LoadGenerator generator = new LoadGenerator(server.uri("/webhooks/sentry"), server::rssKb);
    for (String name : options.scenarios()) {
      Scenario scenario =
          switch (name) {
            case "storm" -> Scenario.storm(deliveries, sent);
            case "new" -> Scenario.newIssues(deliveries, sent);
            case "mixed" -> Scenario.mixed(deliveries, sent);
            case "rejects" -> Scenario.rejects(deliveries);
            case "slowloris" -> Scenario.slowloris(deliveries, sent);
            default -> throw new IllegalArgumentException(name);
          };
      for (int clients : options.clients()) {
        awaitQueueDrained(database, Duration.ofSeconds(30));
        LoadGenerator.Step step;
        SlowClients attack =
            name.equals("slowloris")
                ? SlowClients.start(
                    server.port(),
                    "/webhooks/sentry",
                    SLOWLORIS,
                    SLOW_BODIES,
                    1 << 20,
                    SLOW_CLIENT_TICK)
                : null;
        try {
          step =
              generator.run(
                  scenario,
                  clients,
                  options.warmup(),
                  options.duration(),
                  options.maxRequestsPerClient());
        } finally {
          if (attack != null) {
            attack.close();
          }
        }
        report.step(step);
        if (attack != null) {
          String figures =
              String.format(
                  Locale.ROOT,
                  "slowloris at %d connections: %d + %d hostile connections (a byte each per %d"
                      + " ms); the server closed %,d of them (%,d after an answer: slow bodies"
                      + " answered 408), the attacker opened %,d",
                  clients,
                  SLOWLORIS,
                  SLOW_BODIES,
                  SLOW_CLIENT_TICK.toMillis(),
                  attack.closedByServer(),
                  attack.answered(),
                  attack.opened());
          report.note(figures);
          out.println(figures);
        }
        out.printf(
            Locale.ROOT,
            "%-8s %3d conn: %8.0f req/s  p50 %6.2f ms  p99 %7.2f ms  max %8.2f ms  errors %d  %s"
                + "  RSS max %d MiB%n",
            step.scenario(),
            clients,
            step.rps(),
            ms(step.latencies().percentile(50)),
            ms(step.latencies().percentile(99)),
            ms(step.latencies().max()),
            step.errors(),
            step.outcomes(),
            step.maxRssKb() / 1024);
      }
    }
  }

  /**
   * Waits (bounded) until the worker is quiet, so that each step starts on a quiet server: no run
   * is running and the queue stopped changing. Past the daily cap the worker pauses and new runs
   * wait in the queue for the next day; that is the quiet state, not a backlog being worked off.
   */
  private void awaitQueueDrained(Pgbench database, Duration max)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    long queued = -1;
    long running = -1;
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      do {
        long before = queued;
        try (ResultSet r =
            s.executeQuery(
                "select count(*) filter (where status = 'queued'),"
                    + " count(*) filter (where status = 'running') from public.runs")) {
          r.next();
          queued = r.getLong(1);
          running = r.getLong(2);
        }
        if (running == 0 && queued == before) {
          if (queued > 0) {
            out.printf(
                Locale.ROOT, "(%d runs wait in the queue: the daily cap is used up)%n", queued);
          }
          return;
        }
        Thread.sleep(500);
      } while (System.nanoTime() < deadline);
    }
    out.printf(
        Locale.ROOT,
        "(the worker was still busy after %d s: %d running, %d queued; going on)%n",
        max.toSeconds(),
        running,
        queued);
  }

  private void checkRuns(Pgbench database, Set<String> sent) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select count(*), count(distinct issue_id) from public.runs"
                    + " where source = 'sentry'")) {
      r.next();
      report.runs(r.getLong(1), r.getLong(2), sent.size());
      out.printf(
          Locale.ROOT,
          "runs in the database: %d (distinct issues %d); distinct issues sent: %d%n",
          r.getLong(1),
          r.getLong(2),
          sent.size());
    }
  }

  private void limit(Pgbench pgbench) throws Exception {
    pgbench.createTables();
    for (Pgbench.Workload statement : Pgbench.Workload.values()) {
      for (int clients : options.clients()) {
        pgbench.truncate();
        Pgbench.Result result = pgbench.run(statement, clients, options.duration());
        report.pgbench(statement, clients, result);
        out.printf(
            Locale.ROOT,
            "pgbench %-22s %3d clients: %8.0f tps  latency avg %.2f ms%n",
            statement.label,
            clients,
            result.tps(),
            result.latencyAverageMs());
      }
    }
  }

  private void externalStartup(Path work, String secret, Path repo, Path agent) throws Exception {
    out.println("starting a separate PostgreSQL for the external-database start-up ...");
    Path pgData = work.resolve("external-postgres");
    try (EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(pgData)
            .setCleanDataDirectory(true)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .start()) {
      Map<String, String> settings =
          ServerProcess.settings(
              secret,
              work.resolve("data-external"),
              repo,
              agent.toString(),
              0,
              Map.of(
                  "AUTOFIX_DATABASE_URL",
                  "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                  "AUTOFIX_DATABASE_USER",
                  "postgres"));
      String[] labels = {
        "external PostgreSQL, first start (migrations)", "external PostgreSQL, restart"
      };
      for (String label : labels) {
        try (ServerProcess server = startServer(settings, work.resolve("server-external.log"))) {
          Duration ready = server.awaitReady(READY_TIMEOUT);
          report.startup(label, ready);
          out.println(label + ": ready in " + ready.toMillis() + " ms");
          Thread.sleep(2000);
          report.idleRss(label + ", 2 s idle", server.rssKb(), 0);
        }
      }
    }
  }

  private static Path scratchRepository(Path repo) throws IOException, InterruptedException {
    Files.createDirectories(repo);
    Files.writeString(repo.resolve("README.md"), "benchmark scratch repository\n");
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "README.md");
    git(
        repo,
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@localhost",
        "commit",
        "-q",
        "-m",
        "scratch");
    return repo;
  }

  static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("git " + String.join(" ", args) + " timed out");
    }
    if (p.exitValue() != 0) {
      throw new IOException("git " + String.join(" ", args) + " failed in " + dir);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }

  /**
   * The slowloris scenario's attack, the issue's figures: connections that trickle their headers,
   * and connections that declare a 1 MiB body and trickle it, a byte each per tick.
   */
  static final int SLOWLORIS = 65;

  static final int SLOW_BODIES = 8;
  static final Duration SLOW_CLIENT_TICK = Duration.ofMillis(1000);

  /** Keeps the figures in the order they were measured. */
  private static final class Report {
    private final Map<String, String> machine = new LinkedHashMap<>();
    private final List<LoadGenerator.Step> steps = new ArrayList<>();
    private final List<SandboxOverhead.Row> sandbox = new ArrayList<>();
    private final Map<Pgbench.Workload, Map<Integer, Pgbench.Result>> pgbench =
        new LinkedHashMap<>();
    private final List<String> startup = new ArrayList<>();
    private final List<String> rss = new ArrayList<>();
    private String handoff = "not measured";
    private String runs = "not checked";
    private final List<String> notes = new ArrayList<>();

    void note(String text) {
      notes.add(text);
    }

    void machine(Map<String, String> facts, BenchOptions options) {
      machine.putAll(facts);
      machine.put(
          "options",
          String.format(
              Locale.ROOT,
              "duration %ds, warm-up %ds, connections %s, scenarios %s, hand-off runs %d,"
                  + " server JVM options %s",
              options.duration().toSeconds(),
              options.warmup().toSeconds(),
              options.clients(),
              options.scenarios(),
              options.handoffRuns(),
              options.serverJvmOptions().isEmpty() ? "none" : options.serverJvmOptions()));
    }

    String header() {
      StringBuilder b = new StringBuilder("autofix benchmark\n");
      machine.forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
      return b.toString();
    }

    void step(LoadGenerator.Step step) {
      steps.add(step);
    }

    void pgbench(Pgbench.Workload statement, int clients, Pgbench.Result result) {
      pgbench.computeIfAbsent(statement, k -> new LinkedHashMap<>()).put(clients, result);
    }

    void startup(String label, Duration ready) {
      startup.add(String.format(Locale.ROOT, "| %s | %,d ms |", label, ready.toMillis()));
    }

    void idleRss(String label, long jvmKb, long childrenKb) {
      rss.add(
          String.format(
              Locale.ROOT,
              "| %s | %d MiB | %s |",
              label,
              jvmKb / 1024,
              childrenKb == 0 ? "-" : (childrenKb / 1024) + " MiB"));
    }

    void handoff(Latencies latencies, long negative, int failures) {
      handoff =
          String.format(
              Locale.ROOT,
              "| %d | %.1f ms | %.1f ms | %.1f ms | %d | %d |",
              latencies.size(),
              ms(latencies.percentile(50)),
              ms(latencies.percentile(99)),
              ms(latencies.max()),
              negative,
              failures);
    }

    void runs(long rows, long distinctRows, long sent) {
      runs =
          String.format(
              Locale.ROOT,
              "runs in the database: %,d (distinct issue ids %,d); distinct issues sent: %,d: %s",
              rows,
              distinctRows,
              sent,
              rows == sent && distinctRows == sent ? "equal" : "**NOT equal**");
    }

    /** Where new issues (202) came beside duplicates (200): what each kind cost its connection. */
    private void appendLatencyByAnswer(StringBuilder b) {
      List<LoadGenerator.Step> split =
          steps.stream()
              .filter(
                  s ->
                      s.latenciesByAnswer().containsKey("200")
                          && s.latenciesByAnswer().containsKey("202"))
              .toList();
      if (split.isEmpty()) {
        return;
      }
      b.append("\nLatency by answer, where new issues (202) came beside duplicates (200):\n\n");
      b.append("| scenario | conn | answer | requests | p50 | p99 | max |\n");
      b.append("|---|---:|---|---:|---:|---:|---:|\n");
      for (LoadGenerator.Step s : split) {
        s.latenciesByAnswer()
            .forEach(
                (answer, l) ->
                    b.append(
                        String.format(
                            Locale.ROOT,
                            "| %s | %d | %s | %,d | %.2f ms | %.2f ms | %.1f ms |%n",
                            s.scenario(),
                            s.clients(),
                            answer,
                            l.size(),
                            ms(l.percentile(50)),
                            ms(l.percentile(99)),
                            ms(l.max()))));
      }
    }

    String markdown() {
      StringBuilder b = new StringBuilder();
      b.append("### Machine and options\n\n");
      machine.forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
      b.append(
          "\n### Webhook load (closed loop, one thread and keep-alive connection per connection)\n\n");
      b.append(
          "| scenario | conn | requests | req/s | p50 | p99 | max | errors | answers |"
              + " server RSS max |\n");
      b.append("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
      for (LoadGenerator.Step s : steps) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %,d | %,.0f | %.2f ms | %.2f ms | %.1f ms | %d | %s | %d MiB |%n",
                s.scenario(),
                s.clients(),
                s.requests(),
                s.rps(),
                ms(s.latencies().percentile(50)),
                ms(s.latencies().percentile(99)),
                ms(s.latencies().max()),
                s.errors(),
                s.outcomes().toString().replace("{", "").replace("}", "").replace("=", ": "),
                s.maxRssKb() / 1024));
      }
      appendLatencyByAnswer(b);
      notes.forEach(n -> b.append('\n').append(n).append('\n'));
      b.append('\n').append(runs).append('\n');
      if (!pgbench.isEmpty()) {
        b.append("\n### pgbench beside it (same statements, same database, same clients)\n\n");
        b.append("| statement | clients | tps | latency avg |\n|---|---:|---:|---:|\n");
        pgbench.forEach(
            (statement, byClients) ->
                byClients.forEach(
                    (clients, r) ->
                        b.append(
                            String.format(
                                Locale.ROOT,
                                "| %s | %d | %,.0f | %.2f ms |%n",
                                statement.label,
                                clients,
                                r.tps(),
                                r.latencyAverageMs()))));
        b.append("\n### autofix / pgbench\n\n");
        b.append("| scenario | conn | autofix req/s | pgbench tps | ratio |\n");
        b.append("|---|---:|---:|---:|---:|\n");
        for (LoadGenerator.Step s : steps) {
          List<Pgbench.Workload> limits =
              switch (s.scenario()) {
                case "new" -> List.of(Pgbench.Workload.NEW);
                case "storm" -> List.of(Pgbench.Workload.SAME);
                case "mixed" -> List.of(Pgbench.Workload.SAME, Pgbench.Workload.MIX);
                default -> List.of();
              };
          for (Pgbench.Workload statement : limits) {
            Pgbench.Result r = pgbench.getOrDefault(statement, Map.of()).get(s.clients());
            if (r != null && r.tps() > 0) {
              b.append(
                  String.format(
                      Locale.ROOT,
                      "| %s | %d | %,.0f | %,.0f (%s) | %.0f %% |%n",
                      s.scenario(),
                      s.clients(),
                      s.rps(),
                      r.tps(),
                      statement.label,
                      100 * s.rps() / r.tps()));
            }
          }
        }
      }
      b.append("\n### Hand-off: from the 202 to the agent's process start\n\n");
      b.append("| runs | p50 | p99 | max | agent before the 202 | runs not no_fix |\n");
      b.append("|---:|---:|---:|---:|---:|---:|\n").append(handoff).append('\n');
      b.append("\n### Start-up to /readyz (new JVM each time)\n\n| database | ready after |\n");
      b.append("|---|---:|\n");
      startup.forEach(line -> b.append(line).append('\n'));
      b.append(
          "\n### Memory\n\n| when | server JVM (VmRSS) | embedded PostgreSQL (PSS, all processes) |\n");
      b.append("|---|---:|---:|\n");
      rss.forEach(line -> b.append(line).append('\n'));
      if (!sandbox.isEmpty()) {
        b.append("\n### Agent sandbox (the verifier's wall time, in a worktree)\n\n");
        b.append(SandboxOverhead.markdown(sandbox));
      }
      return b.toString();
    }

    void sandbox(List<SandboxOverhead.Row> rows) {
      sandbox.addAll(rows);
    }
  }
}
