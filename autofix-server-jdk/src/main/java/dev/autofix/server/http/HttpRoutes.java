package dev.autofix.server.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.autofix.core.port.DefectReporter;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.CancelRun;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.core.usecase.RetryRun;
import dev.autofix.core.usecase.TriggerIssue;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Mounts autofix's HTTP API on a JDK {@link HttpServer}; the handlers stay package-private. */
public final class HttpRoutes {
  private HttpRoutes() {}

  /**
   * What the routes need.
   *
   * @param webhookPath where deliveries arrive, for example {@code /webhooks/sentry}
   * @param source parses the deliveries
   * @param record records a delivery's issue
   * @param trigger records an issue that already exists ({@code POST /api/issues})
   * @param store the runs
   * @param limiter the daily cap, for the status page
   * @param logs the runs' logs
   * @param retry the retry use case
   * @param cancel the cancel use case
   * @param defects where defects go
   * @param adminToken the bearer token of the admin actions, if any
   * @param readToken the token the pages, {@code /api/*} and {@code /metrics} need, if any (the
   *     admin token is accepted too)
   * @param maxBodyBytes the largest request body read
   * @param readiness the named checks behind {@code /readyz}
   * @param scrape the Prometheus text behind {@code /metrics}
   * @param deliveryOutcomes told the outcome of every delivery, for metrics
   * @param bodyTimeout how long a webhook body may take to arrive once its headers are in
   * @param timeZone the zone whose midnight starts a new day (the daily cap's), for "spent today"
   * @param clock the pages' clock (abandoned runs, durations so far)
   */
  public record Api(
      String webhookPath,
      IssueSource source,
      RecordIssue record,
      TriggerIssue trigger,
      RunStore store,
      RateLimiter limiter,
      RunLogs logs,
      RetryRun retry,
      CancelRun cancel,
      DefectReporter defects,
      Optional<String> adminToken,
      Optional<String> readToken,
      long maxBodyBytes,
      Map<String, Supplier<java.util.Optional<String>>> readiness,
      Supplier<String> scrape,
      Consumer<String> deliveryOutcomes,
      Duration bodyTimeout,
      java.time.ZoneId timeZone,
      java.time.Clock clock) {
    public Api {
      Objects.requireNonNull(webhookPath, "webhookPath == null");
      Objects.requireNonNull(source, "source == null");
      Objects.requireNonNull(record, "record == null");
      Objects.requireNonNull(trigger, "trigger == null");
      Objects.requireNonNull(store, "store == null");
      Objects.requireNonNull(limiter, "limiter == null");
      Objects.requireNonNull(logs, "logs == null");
      Objects.requireNonNull(retry, "retry == null");
      Objects.requireNonNull(cancel, "cancel == null");
      Objects.requireNonNull(defects, "defects == null");
      Objects.requireNonNull(adminToken, "adminToken == null");
      Objects.requireNonNull(readToken, "readToken == null");
      Objects.requireNonNull(readiness, "readiness == null");
      Objects.requireNonNull(scrape, "scrape == null");
      Objects.requireNonNull(deliveryOutcomes, "deliveryOutcomes == null");
      Objects.requireNonNull(bodyTimeout, "bodyTimeout == null");
      Objects.requireNonNull(timeZone, "timeZone == null");
      Objects.requireNonNull(clock, "clock == null");
    }
  }

  /**
   * Registers every route of {@code api} on {@code server}, each inside the one {@link
   * ErrorBoundary}: a defect anywhere is a JSON 500 with its fingerprint, reported. The webhook,
   * {@code /healthz}, {@code /readyz} and {@code /login} are open; the rest need the read token
   * when one is set ({@link ReadAccess}), and {@code /readyz} names its problems only to a reader.
   */
  public static void mount(HttpServer server, Api api) {
    ReadAccess access = new ReadAccess(api.readToken(), api.adminToken());
    DefectReporter defects = api.defects();
    server.createContext(
        api.webhookPath(),
        new ErrorBoundary(
            "webhook",
            new WebhookHandler(
                api.source(),
                api.record(),
                new dev.autofix.core.usecase.FollowIssue(api.store(), api.cancel(), api.retry()),
                api.maxBodyBytes(),
                api.bodyTimeout(),
                api.deliveryOutcomes()::accept),
            defects,
            () -> api.deliveryOutcomes().accept("error")));
    server.createContext(
        "/api/runs",
        guarded(
            "runs-api",
            access.guard(
                new RunsHandler(
                    api.store(), api.logs(), api.retry(), api.cancel(), api.adminToken())),
            defects));
    server.createContext(
        "/api/issues",
        guarded(
            "issues-api",
            access.guard(new IssuesHandler(api.trigger(), api.adminToken())),
            defects));
    server.createContext(
        "/runs/",
        guarded(
            "run-page",
            access.guard(new RunPageHandler(api.store(), api.logs(), api.clock())),
            defects));
    server.createContext(
        "/api/costs",
        guarded(
            "costs-api",
            access.guard(new CostsHandler(api.store(), api.limiter(), api.timeZone())),
            defects));
    server.createContext("/assets/", guarded("assets", new AssetsHandler(), defects));
    HealthHandler health = new HealthHandler(api.readiness(), access::allows);
    server.createContext("/healthz", guarded("health", health, defects));
    server.createContext("/readyz", guarded("health", health, defects));
    server.createContext(
        "/metrics", guarded("metrics", access.guard(new MetricsHandler(api.scrape())), defects));
    server.createContext("/login", guarded("login", access.login(), defects));
    server.createContext(
        "/",
        guarded(
            "status-page",
            access.guard(
                new StatusPageHandler(
                    api.store(), api.limiter(), api.logs(), api.clock(), api.timeZone())),
            defects));
  }

  private static HttpHandler guarded(String where, HttpHandler handler, DefectReporter defects) {
    return new ErrorBoundary(where, handler, defects, () -> {});
  }
}
