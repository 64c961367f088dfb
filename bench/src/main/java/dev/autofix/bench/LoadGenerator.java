package dev.autofix.bench;

import dev.autofix.bench.Deliveries.Delivery;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Drives one scenario at a fixed number of connections: one thread and one keep-alive connection
 * each, sending its next request as soon as the previous answer arrived (a closed loop), for a
 * warm-up and then a measured window. Every loop ends at its deadline or its request budget,
 * whichever comes first; each request has a timeout.
 */
final class LoadGenerator {
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** The figures of one measured window. */
  record Step(
      String scenario,
      int clients,
      long requests,
      double seconds,
      Latencies latencies,
      Map<String, Latencies> latenciesByAnswer,
      long errors,
      Map<String, Long> outcomes,
      long maxRssKb) {
    double rps() {
      return seconds <= 0 ? 0 : requests / seconds;
    }
  }

  private final URI webhook;
  private final LongSupplier rssKb;

  LoadGenerator(URI webhook, LongSupplier rssKb) {
    this.webhook = webhook;
    this.rssKb = rssKb;
  }

  Step run(
      Scenario scenario, int clients, Duration warmup, Duration window, long maxRequestsPerClient)
      throws InterruptedException {
    AtomicLong sequence = new AtomicLong();
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      workers.add(new Worker(scenario, sequence, maxRequestsPerClient));
    }
    AtomicLong maxRss = new AtomicLong();
    // platform threads: at most a few dozen connections, each busy all the time
    try (ExecutorService threads =
        Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("load-", 0).factory())) {
      CountDownLatch done = new CountDownLatch(clients);
      long start = System.nanoTime();
      long measureFrom = start + warmup.toNanos();
      long end = measureFrom + window.toNanos();
      for (Worker worker : workers) {
        threads.execute(
            () -> {
              try {
                worker.loop(measureFrom, end);
              } finally {
                done.countDown();
              }
            });
      }
      // sample the server's resident memory while the window runs
      while (!done.await(250, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() >= measureFrom) {
          maxRss.accumulateAndGet(rssKb.getAsLong(), Math::max);
        }
        if (System.nanoTime() > end + 2 * REQUEST_TIMEOUT.toNanos()) {
          throw new IllegalStateException("load loops did not stop after their deadline");
        }
      }
      long finished = workers.stream().mapToLong(w -> w.lastFinish).max().orElse(end);
      Latencies all = new Latencies(1024);
      Map<String, Latencies> byAnswer = new TreeMap<>();
      long errors = 0;
      Map<String, Long> outcomes = new TreeMap<>();
      for (Worker worker : workers) {
        worker.latencies.forEach(
            (answer, l) -> {
              all.addAll(l);
              byAnswer.computeIfAbsent(answer, a -> new Latencies(1024)).addAll(l);
            });
        errors += worker.errors;
        worker.outcomes.forEach((k, v) -> outcomes.merge(k, v, Long::sum));
      }
      double seconds = (Math.max(finished, measureFrom) - measureFrom) / 1e9;
      return new Step(
          scenario.name(),
          clients,
          all.size(),
          seconds,
          all,
          byAnswer,
          errors,
          outcomes,
          maxRss.get());
    }
  }

  private final class Worker {
    private final Scenario scenario;
    private final AtomicLong sequence;
    private final long maxRequests;

    /** Latencies by answer (status code or exception name). */
    private final Map<String, Latencies> latencies = new TreeMap<>();

    private final Map<String, Long> outcomes = new TreeMap<>();
    private long errors;
    private long lastFinish;

    Worker(Scenario scenario, AtomicLong sequence, long maxRequests) {
      this.scenario = scenario;
      this.sequence = sequence;
      this.maxRequests = maxRequests;
    }

    void loop(long measureFrom, long end) {
      long sent = 0;
      try (KeepAliveConnection connection = new KeepAliveConnection(webhook, REQUEST_TIMEOUT)) {
        while (sent < maxRequests) {
          long before = System.nanoTime();
          if (before >= end) {
            break;
          }
          Delivery delivery = scenario.next(sequence.getAndIncrement());
          String outcome;
          boolean ok;
          try {
            int status =
                connection.post(
                    delivery.body(),
                    "Sentry-Hook-Resource",
                    delivery.resource(),
                    "Sentry-Hook-Signature",
                    delivery.signature());
            outcome = Integer.toString(status);
            ok = delivery.expected().contains(status);
          } catch (IOException | RuntimeException e) {
            outcome = e.getClass().getSimpleName();
            ok = false;
          }
          long after = System.nanoTime();
          sent++;
          if (before >= measureFrom) {
            latencies.computeIfAbsent(outcome, o -> new Latencies(64 * 1024)).add(after - before);
            outcomes.merge(outcome, 1L, Long::sum);
            if (!ok) {
              errors++;
            }
            lastFinish = after;
          }
        }
      }
    }
  }
}
