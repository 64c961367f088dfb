package dev.autofix.examples.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpHandler;
import dev.autofix.agents.Agents;
import dev.autofix.agents.AgentsConfig;
import dev.autofix.core.port.DefectReporter;
import dev.autofix.core.port.FixEngine;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.AutofixPolicy;
import dev.autofix.core.usecase.FixNextRun;
import dev.autofix.core.usecase.QueueEngine;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.core.usecase.RecoverRuns;
import dev.autofix.github.GitHubConfig;
import dev.autofix.github.GitHubPullRequestPublishers;
import dev.autofix.sentry.SentryConfig;
import dev.autofix.sentry.SentryIssueSources;
import dev.autofix.store.jooq.JooqRunStores;
import dev.autofix.store.jooq.PostgresRateLimiters;
import dev.autofix.store.jooq.StoreConfig;
import dev.autofix.store.jooq.StoreDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * autofix wired by hand inside a host service: every adapter from its {@code create(...)} factory,
 * the use cases from their constructors, no Guice. The host mounts {@link #webhookHandler()} on a
 * route of its own and starts {@link #engine()}, the core's {@link QueueEngine}: the same loop the
 * server runs (pauses after a deferral, periodic recovery, a graceful stop).
 */
public final class EmbeddedAutofix implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAutofix.class);

  private final StoreDatabase database;
  private final OkHttpClient http;
  private final RunStore runs;
  private final HttpHandler webhookHandler;
  private final FixEngine engine;

  private EmbeddedAutofix(
      StoreDatabase database,
      OkHttpClient http,
      RunStore runs,
      HttpHandler webhookHandler,
      FixEngine engine) {
    this.database = database;
    this.http = http;
    this.runs = runs;
    this.webhookHandler = webhookHandler;
    this.engine = engine;
  }

  /**
   * What the adapters and the use cases are told.
   *
   * @param sentry the webhook secret and, optionally, the API token that fetches error details
   * @param store the database: the embedded PostgreSQL under a data directory unless a URL is set
   * @param agents the checkout to fix, the agent and the test command
   * @param github the repository the draft pull requests go to
   * @param policy concurrency, lease and attempts
   * @param pollInterval how often an idle worker looks for deferred runs whose day has come
   */
  public record Settings(
      SentryConfig sentry,
      StoreConfig store,
      AgentsConfig agents,
      GitHubConfig github,
      AutofixPolicy policy,
      Duration pollInterval) {
    public Settings {
      Objects.requireNonNull(sentry, "sentry == null");
      Objects.requireNonNull(store, "store == null");
      Objects.requireNonNull(agents, "agents == null");
      Objects.requireNonNull(github, "github == null");
      Objects.requireNonNull(policy, "policy == null");
      Objects.requireNonNull(pollInterval, "pollInterval == null");
    }

    /** Every adapter's {@code AUTOFIX_*} keys (see each module's README), default policy. */
    public static Settings fromEnv(Map<String, String> env) {
      return new Settings(
          SentryConfig.fromEnv(env),
          StoreConfig.fromEnv(env),
          AgentsConfig.fromEnv(env),
          GitHubConfig.fromEnv(env),
          AutofixPolicy.defaults(),
          Duration.ofMinutes(1));
    }
  }

  /**
   * Opens the database (starting the embedded PostgreSQL when no URL is configured), wires the
   * adapters and the use cases, and takes back the runs a crash left behind.
   *
   * @param environment the environment agents inherit (their CLIs and logins), minus autofix's
   *     secrets; {@code System.getenv()} in production
   */
  public static EmbeddedAutofix start(Settings settings, Map<String, String> environment) {
    Clock clock = Clock.systemUTC();
    OkHttpClient http = new OkHttpClient();
    ObjectMapper json = new ObjectMapper();
    StoreDatabase database = StoreDatabase.open(settings.store());
    try {
      IssueSource sentry = SentryIssueSources.create(settings.sentry(), http, json);
      RunStore runs = JooqRunStores.create(database);
      RateLimiter dailyCap = PostgresRateLimiters.create(database, settings.store(), clock);
      // Send defects to your error tracker here; autofix's own are expected to be rare.
      DefectReporter defects =
          defect ->
              LOG.error(
                  "autofix defect {} in {}", defect.fingerprint(), defect.where(), defect.error());
      FixNextRun.Ports ports =
          new FixNextRun.Ports(
              runs,
              dailyCap,
              sentry,
              new dev.autofix.core.port.FixTargets.Target(
                  Agents.workspaces(settings.agents(), environment),
                  Agents.runner(settings.agents(), environment),
                  Agents.verifier(settings.agents(), environment),
                  GitHubPullRequestPublishers.create(settings.github(), http, json, environment)),
              new Slf4jRunLogs(),
              defects);
      FixNextRun fix = new FixNextRun(ports, settings.policy(), clock);
      // Runs left "running" by a crash of this service go back to the queue at start, and every
      // minute after; the engine wakes itself for them.
      RecoverRuns recover = new RecoverRuns(runs, () -> {}, settings.policy(), clock);
      QueueEngine engine =
          new QueueEngine(
              fix,
              recover,
              defects,
              new QueueEngine.Settings(
                  settings.policy().maxConcurrent(),
                  settings.pollInterval(),
                  Duration.ofMinutes(1),
                  // unique across replicas (in containers every one may be PID 1): the lease
                  // owner is how a worker knows the run is still its own
                  "host-"
                      + ProcessHandle.current().pid()
                      + "-"
                      + java.util.UUID.randomUUID().toString().substring(0, 8)));
      RecordIssue record = new RecordIssue(runs, engine, clock);
      return new EmbeddedAutofix(
          database,
          http,
          runs,
          new SentryHookHandler(sentry, record, settings.sentry().maxBodyBytes()),
          engine);
    } catch (RuntimeException e) {
      database.close();
      shutDown(http);
      throw e;
    }
  }

  /** Sentry's webhook; mount it on any route (its URL goes in the Sentry integration). */
  public HttpHandler webhookHandler() {
    return webhookHandler;
  }

  /**
   * The fix loop: {@code start()} it once the host is up, {@code stop(grace)} it before {@link
   * #close()}; a run in progress at the stop goes back to the queue.
   */
  public FixEngine engine() {
    return engine;
  }

  /** The runs, for a status page of the host's own. */
  public RunStore runs() {
    return runs;
  }

  /**
   * Closes the database (stopping the embedded server) and the HTTP client; stop the worker first.
   */
  @Override
  public void close() {
    shutDown(http);
    database.close();
  }

  private static void shutDown(OkHttpClient http) {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
