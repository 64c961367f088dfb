package dev.autofix.server;

import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.FixNextRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The server's metrics: deliveries by outcome, runs by status, attempt durations by result, today's
 * use of the cap, and the queue depth, in Prometheus text through Micrometer.
 */
final class AutofixMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentMap<String, Counter> deliveries = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Timer> attempts = new ConcurrentHashMap<>();
  private final RunStore store;
  private volatile Map<RunStatus, Long> counts = Map.of();

  AutofixMetrics(RunStore store, RateLimiter limiter) {
    this.store = store;
    for (RunStatus status : RunStatus.values()) {
      Gauge.builder("autofix_runs", () -> counts.getOrDefault(status, 0L))
          .description("Runs by status")
          .tag("status", status.wireName())
          .register(registry);
    }
    Gauge.builder(
            "autofix_queue_depth",
            () ->
                counts.getOrDefault(RunStatus.QUEUED, 0L)
                    + counts.getOrDefault(RunStatus.DEFERRED, 0L))
        .description("Runs waiting: queued plus deferred")
        .register(registry);
    Gauge.builder("autofix_fix_attempts_today", () -> limiter.usage().used())
        .description("Fix attempts used today")
        .register(registry);
    Gauge.builder("autofix_fix_attempts_limit", () -> limiter.usage().limit())
        .description("The daily cap on fix attempts")
        .register(registry);
    // read from the store at each scrape: every attempt's own cost, whichever process ran it
    io.micrometer.core.instrument.FunctionCounter.builder(
            "autofix_agent_cost_usd",
            store,
            s -> {
              try {
                return s.attemptCostSince(java.time.Instant.EPOCH).doubleValue();
              } catch (RuntimeException e) {
                return Double.NaN; // the store is unavailable; /readyz says why
              }
            })
        .description("What the agents' attempts cost, in US dollars (those of known cost)")
        .register(registry);
  }

  /** Counts one delivery outcome ({@code accepted}, {@code duplicate}, ...). */
  void delivery(String outcome) {
    deliveries
        .computeIfAbsent(
            outcome,
            o ->
                Counter.builder("autofix_deliveries")
                    .description("Webhook deliveries by outcome")
                    .tag("outcome", o)
                    .register(registry))
        .increment();
  }

  /** Times one attempt by its result. */
  void attempt(FixNextRun.Result result, Duration took) {
    if (result instanceof FixNextRun.Idle) {
      return;
    }
    String name = result.getClass().getSimpleName();
    attempts
        .computeIfAbsent(
            name,
            n ->
                Timer.builder("autofix_run_attempt")
                    .description("Duration of fix attempts (agent included) by result")
                    .tag("result", n)
                    .register(registry))
        .record(took);
  }

  /** The Prometheus text, with the run counts read once for this scrape. */
  String scrape() {
    counts = store.countByStatus();
    return registry.scrape();
  }
}
