package dev.autofix.server;

import com.sun.net.httpserver.HttpServer;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.DefectReporter;
import dev.autofix.core.port.FixEngine;
import dev.autofix.core.port.FixTargets;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.PullRequestPublisher;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.port.Workspaces;
import dev.autofix.core.usecase.AutofixPolicy;
import dev.autofix.core.usecase.CancelRun;
import dev.autofix.core.usecase.FixNextRun;
import dev.autofix.core.usecase.QueueEngine;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.core.usecase.RecoverRuns;
import dev.autofix.core.usecase.RetryRun;
import dev.autofix.core.usecase.TriggerIssue;
import dev.autofix.server.http.ClientCap;
import dev.autofix.server.http.HttpRoutes;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running autofix: the HTTP API on a JDK {@link HttpServer} and the fix worker, over the ports
 * it is built with. {@link #close()} stops taking deliveries, lets a running agent finish up to the
 * grace period, then stops it (its run goes back to the queue), and stops the server.
 *
 * <pre>{@code
 * try (AutofixServer server = AutofixServer.builder().port(0).store(store)...build().start()) {
 *   int port = server.getPort();
 * }
 * }</pre>
 */
public final class AutofixServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(AutofixServer.class);
  private static final Duration REFUSALS_SHOWN_FOR = Duration.ofMinutes(1);

  private final Builder config;
  private final WakeUps wakeUps = new WakeUps();
  private final AutofixMetrics metrics;
  private final FixEngine worker;
  private final HttpServer http;
  private final ExecutorService executor;
  private volatile boolean started;
  private volatile Instant lastRefused;
  private boolean accepting = true;
  private boolean closed;

  private AutofixServer(Builder b) {
    this.config = b;
    this.metrics = new AutofixMetrics(b.store, b.limiter);
    RecoverRuns recover = new RecoverRuns(b.store, wakeUps, b.policy, b.clock);
    FixNextRun fix =
        new FixNextRun(
            new FixNextRun.Ports(
                b.store,
                b.limiter,
                b.source,
                b.targets != null
                    ? b.targets
                    : FixTargets.single(
                        new FixTargets.Target(b.workspaces, b.agent, b.verifier, b.publisher)),
                b.logs,
                b.defects),
            b.policy,
            b.clock);
    this.worker =
        new QueueEngine(
            fix,
            recover,
            b.defects,
            new QueueEngine.Settings(
                b.policy.maxConcurrent(), b.pollInterval, b.recoveryInterval, b.workerPrefix),
            metrics::attempt,
            b.agentsReady);
    wakeUps.registerLocal(worker);
    ClientLimits limits = b.clientLimits;
    JdkServerLimits.apply(limits.requestTimeout(), limits.maxConnections());
    this.executor = httpExecutor(b.platformHttpThreads || Runtime.version().feature() < 24);
    try {
      this.http =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName(b.bind), b.port), 128);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + b.bind + ":" + b.port + ": " + e.getMessage(), e);
    }
    http.setExecutor(executor);
    Map<String, Supplier<Optional<String>>> readiness =
        Map.of(
            "database",
            () -> databaseProblem(b),
            "worker",
            () ->
                worker.isAlive()
                    ? Optional.empty()
                    : Optional.of("the worker threads are not running"),
            "agents",
            b.agentsReady,
            "storage",
            b.storageProblem,
            "deliveries",
            this::refusedRecently);
    RecordIssue record = new RecordIssue(b.store, wakeUps, b.clock);
    HttpRoutes.mount(
        new FilteringHttpServer(http, new ClientCap(limits.maxPerClient(), b.uncapped)),
        new HttpRoutes.Api(
            "/webhooks/" + b.source.name(),
            b.source,
            record,
            new TriggerIssue(b.source, record),
            b.store,
            b.limiter,
            b.logs,
            new RetryRun(b.store, b.limiter, wakeUps, b.clock),
            new CancelRun(b.store, b.clock),
            b.defects,
            b.adminToken,
            b.readToken,
            b.maxBodyBytes,
            readiness,
            metrics::scrape,
            this::delivery,
            limits.bodyTimeout(),
            b.timeZone,
            b.clock));
  }

  /** Counts a delivery's outcome, and remembers when one could not be recorded. */
  private void delivery(String outcome) {
    metrics.delivery(outcome);
    switch (outcome) {
      case "unavailable" -> lastRefused = config.clock.instant();
      case "accepted", "duplicate" -> lastRefused = null;
      default -> {}
    }
  }

  /**
   * Not ready for a minute after a delivery was answered 503 because the store could not record it,
   * unless one was recorded since: an outage of an external database that still answers reads shows
   * here.
   */
  private Optional<String> refusedRecently() {
    Instant refused = lastRefused;
    if (refused == null) {
      return Optional.empty();
    }
    Duration ago = Duration.between(refused, config.clock.instant());
    if (ago.compareTo(REFUSALS_SHOWN_FOR) > 0) {
      return Optional.empty();
    }
    return Optional.of(
        "a delivery was answered 503 "
            + Math.max(0, ago.toSeconds())
            + " s ago: the store could not record it (see the database and storage checks)");
  }

  /** Empty when the store answers a query now, else why not in one line. */
  private static Optional<String> databaseProblem(Builder b) {
    Optional<String> known = b.databaseProblem.get();
    if (known.isPresent()) {
      return known;
    }
    try {
      b.store.countByStatus();
      return Optional.empty();
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String line = message.lines().findFirst().orElse("");
      return Optional.of(
          "the run store does not answer: "
              + (line.length() > 300 ? line.substring(0, 300) + "…" : line));
    }
  }

  /**
   * One thread per request, unbounded: the JDK server reads a request's headers on its executor's
   * thread, so a bounded pool lets clients that trickle their headers take every thread, and then
   * every endpoint stalls. What bounds the threads is the connections ({@code
   * AUTOFIX_HTTP_MAX_CONNECTIONS}) and the request limit. Virtual threads from JDK 24 on, where a
   * thread parked on a slow socket holds only its few stack frames; before it (JDK 21 to 23) the
   * JDK server's streams read inside {@code synchronized} methods, which pins a virtual thread to
   * its carrier, so a handful of slow clients would stop every virtual thread: platform threads
   * there.
   */
  private static ExecutorService httpExecutor(boolean platform) {
    return Executors.newThreadPerTaskExecutor(
        platform
            ? Thread.ofPlatform().name("autofix-http-", 0).daemon().stackSize(256 * 1024).factory()
            : Thread.ofVirtual().name("autofix-http-", 0).factory());
  }

  /**
   * The server's limits on its clients.
   *
   * @param requestTimeout a request must arrive whole, headers and body, within this of its first
   *     byte, else its connection is closed (the JDK server's {@code maxReqTime}, in whole seconds,
   *     one value per process: see {@link JdkServerLimits})
   * @param bodyTimeout a webhook body must arrive within this once its headers are in, else it is
   *     answered {@code 408} and its connection closed
   * @param maxPerClient requests in progress at once from one non-loopback address (0: no cap)
   * @param maxConnections connections open at once; past it new ones are closed at accept (0: no
   *     cap; one value per process)
   */
  public record ClientLimits(
      Duration requestTimeout, Duration bodyTimeout, int maxPerClient, int maxConnections) {
    public ClientLimits {
      Objects.requireNonNull(requestTimeout, "requestTimeout == null");
      Objects.requireNonNull(bodyTimeout, "bodyTimeout == null");
      if (maxPerClient < 0 || maxConnections < 0) {
        throw new IllegalArgumentException("negative limit");
      }
    }

    /** The defaults of the settings. */
    public static ClientLimits defaults() {
      return new ClientLimits(Duration.ofSeconds(10), Duration.ofSeconds(5), 16, 1000);
    }
  }

  /** A builder; every port is required except the logs and the defect reporter. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts the worker (after recovering abandoned runs) and the HTTP server. */
  public AutofixServer start() {
    if (!started) {
      started = true;
      worker.start();
      http.start();
      LOG.info(
          "autofix listening on http://{}:{} (webhook /webhooks/{}), started in {} ms",
          config.bind,
          getPort(),
          config.source.name(),
          ManagementFactory.getRuntimeMXBean().getUptime());
    }
    return this;
  }

  /** The port the server listens on (useful with {@code port(0)}). */
  public int getPort() {
    return http.getAddress().getPort();
  }

  /** Wakes the workers, here and in other processes, as a new run does. */
  public void wake() {
    wakeUps.wake();
  }

  /** Wakes this process's worker only: another process said a run is waiting. */
  public void wakeLocal() {
    wakeUps.wakeLocal();
  }

  /** Also wakes {@code others} (every process sharing the database) whenever a run is queued. */
  public AutofixServer alsoWake(dev.autofix.core.port.WorkSignal others) {
    wakeUps.registerOthers(others);
    return this;
  }

  /** Stops taking requests (the first step of a stop); idempotent. */
  synchronized void stopAccepting() {
    if (!accepting) {
      return;
    }
    accepting = false;
    LOG.info("autofix stopping: no more requests");
    http.stop(0);
  }

  /**
   * Stops taking requests, then the worker: a running agent gets the shutdown grace, then is
   * stopped and its run queued again (the permit its start took stays spent). Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopAccepting();
    worker.stop(config.shutdownGrace);
    executor.shutdownNow();
  }

  /** Builds an {@link AutofixServer}. */
  public static final class Builder {
    private String bind = "127.0.0.1";
    private int port = 8080;
    private RunStore store;
    private RateLimiter limiter;
    private IssueSource source;
    private FixTargets targets;
    private Workspaces workspaces;
    private AgentRunner agent;
    private FixVerifier verifier;
    private PullRequestPublisher publisher;
    private RunLogs logs;
    private DefectReporter defects = LoggingDefectReporter.create();
    private AutofixPolicy policy = AutofixPolicy.defaults();
    private Clock clock = Clock.systemUTC();
    private Optional<String> adminToken = Optional.empty();
    private Optional<String> readToken = Optional.empty();
    private java.time.ZoneId timeZone = java.time.ZoneOffset.UTC;
    private long maxBodyBytes = 1024 * 1024;
    private ClientLimits clientLimits = ClientLimits.defaults();
    private Predicate<InetAddress> uncapped = InetAddress::isLoopbackAddress;
    private boolean platformHttpThreads;
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration recoveryInterval = Duration.ofMinutes(1);
    private Duration shutdownGrace = Duration.ofSeconds(30);
    private String workerPrefix = defaultWorkerPrefix();
    private Supplier<Optional<String>> agentsReady = Optional::empty;
    private Supplier<Optional<String>> databaseProblem = Optional::empty;
    private Supplier<Optional<String>> storageProblem = Optional::empty;

    private Builder() {}

    public Builder bind(String value) {
      bind = Objects.requireNonNull(value, "bind == null");
      return this;
    }

    public Builder port(int value) {
      if (value < 0 || value > 65535) {
        throw new IllegalArgumentException("port out of range: " + value);
      }
      port = value;
      return this;
    }

    /**
     * The adapters a run passes through, at once: store, limiter, source, targets, logs, defects.
     */
    public Builder ports(FixNextRun.Ports value) {
      Objects.requireNonNull(value, "ports == null");
      return store(value.store())
          .limiter(value.limiter())
          .source(value.source())
          .targets(value.targets())
          .logs(value.logs())
          .defects(value.defects());
    }

    public Builder store(RunStore value) {
      store = value;
      return this;
    }

    public Builder limiter(RateLimiter value) {
      limiter = value;
      return this;
    }

    public Builder source(IssueSource value) {
      source = value;
      return this;
    }

    /**
     * The repositories runs go to, one per Sentry project; instead of {@link #workspaces}, {@link
     * #agent}, {@link #verifier} and {@link #publisher} for a single one.
     */
    public Builder targets(FixTargets value) {
      this.targets = value;
      return this;
    }

    public Builder workspaces(Workspaces value) {
      workspaces = value;
      return this;
    }

    public Builder agent(AgentRunner value) {
      agent = value;
      return this;
    }

    public Builder verifier(FixVerifier value) {
      verifier = value;
      return this;
    }

    public Builder publisher(PullRequestPublisher value) {
      publisher = value;
      return this;
    }

    public Builder logs(RunLogs value) {
      logs = value;
      return this;
    }

    public Builder defects(DefectReporter value) {
      defects = Objects.requireNonNull(value, "defects == null");
      return this;
    }

    public Builder policy(AutofixPolicy value) {
      policy = Objects.requireNonNull(value, "policy == null");
      return this;
    }

    public Builder clock(Clock value) {
      clock = Objects.requireNonNull(value, "clock == null");
      return this;
    }

    /** The bearer token of the admin actions; without one they are refused. */
    public Builder adminToken(String value) {
      adminToken = Optional.ofNullable(value).filter(t -> !t.isBlank());
      return this;
    }

    /**
     * The token the pages, {@code /api/*} and {@code /metrics} need (the admin token is accepted
     * too); without one they are open, and the server must listen on a loopback address.
     */
    public Builder readToken(String value) {
      readToken = Optional.ofNullable(value).filter(t -> !t.isBlank());
      return this;
    }

    /** The zone whose midnight starts a new day: the daily cap's, for "spent today". */
    public Builder timeZone(java.time.ZoneId value) {
      timeZone = Objects.requireNonNull(value, "timeZone == null");
      return this;
    }

    public Builder maxBodyBytes(long value) {
      maxBodyBytes = value;
      return this;
    }

    /** The limits on slow and greedy clients (see {@link ClientLimits}). */
    public Builder clientLimits(ClientLimits value) {
      clientLimits = Objects.requireNonNull(value, "clientLimits == null");
      return this;
    }

    /** The addresses the per-client cap does not count (loopback by default; for tests). */
    Builder uncapped(Predicate<InetAddress> value) {
      uncapped = Objects.requireNonNull(value, "uncapped == null");
      return this;
    }

    /** Platform threads for requests even where virtual threads would be used (for tests). */
    Builder platformHttpThreads(boolean value) {
      platformHttpThreads = value;
      return this;
    }

    /** The backstop poll of the worker when nothing wakes it. */
    public Builder pollInterval(Duration value) {
      pollInterval = Objects.requireNonNull(value, "pollInterval == null");
      return this;
    }

    public Builder recoveryInterval(Duration value) {
      recoveryInterval = Objects.requireNonNull(value, "recoveryInterval == null");
      return this;
    }

    /** How long a clean stop waits for a running agent before stopping it. */
    public Builder shutdownGrace(Duration value) {
      shutdownGrace = Objects.requireNonNull(value, "shutdownGrace == null");
      return this;
    }

    /** The prefix of the worker ids recorded as lease owners (default: host and process id). */
    public Builder workerPrefix(String value) {
      workerPrefix = Objects.requireNonNull(value, "workerPrefix == null");
      return this;
    }

    /**
     * Why agents cannot start (the sandbox cannot be set up, say), or empty when they can: while it
     * says why, the worker claims nothing and {@code /readyz} answers 503 with the reason.
     */
    public Builder agentsReady(Supplier<Optional<String>> value) {
      agentsReady = Objects.requireNonNull(value, "agentsReady == null");
      return this;
    }

    /**
     * Why the database cannot answer even before it is asked (an embedded server that died and is
     * being started again, say), or empty: {@code /readyz} answers 503 with the reason meanwhile.
     * Either way readiness also asks the store itself.
     */
    public Builder databaseProblem(Supplier<Optional<String>> value) {
      databaseProblem = Objects.requireNonNull(value, "databaseProblem == null");
      return this;
    }

    /**
     * Why the disk autofix writes to cannot take writes (full, read-only), or empty: {@code
     * /readyz} answers 503 with the reason meanwhile.
     */
    public Builder storageProblem(Supplier<Optional<String>> value) {
      storageProblem = Objects.requireNonNull(value, "storageProblem == null");
      return this;
    }

    public AutofixServer build() {
      Objects.requireNonNull(store, "store is required");
      Objects.requireNonNull(limiter, "limiter is required");
      Objects.requireNonNull(source, "source is required");
      if (targets == null) {
        Objects.requireNonNull(workspaces, "targets, or workspaces, is required");
        Objects.requireNonNull(agent, "targets, or agent, is required");
        Objects.requireNonNull(verifier, "targets, or verifier, is required");
        Objects.requireNonNull(publisher, "targets, or publisher, is required");
      }
      Objects.requireNonNull(logs, "logs is required");
      if (readToken.isEmpty() && !ServerConfig.isLoopback(bind)) {
        throw new IllegalStateException(
            "listening on "
                + bind
                + " exposes the status page, the runs API and the metrics: set a read token"
                + " (AUTOFIX_READ_TOKEN), or listen on a loopback address");
      }
      return new AutofixServer(this);
    }

    private static String defaultWorkerPrefix() {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "localhost";
      }
      return host + "-" + ProcessHandle.current().pid();
    }
  }
}
