package dev.autofix.redis;

import dev.autofix.core.port.RateLimiter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.UnifiedJedis;

/**
 * Measures {@code tryAcquire()} against a real Redis (embedded, or {@code AUTOFIX_TEST_REDIS_URL}).
 * Not a test: run it by hand and record the figures in the module README.
 */
final class RedisRateLimiterBenchmark {
  private static final int WARMUP = 2_000;
  private static final int CALLS = 20_000;
  private static final int THREADS = 8;

  public static void main(String[] args) throws Exception {
    try (TestRedis server = TestRedis.start()) {
      RedisConfig base = RedisConfig.fromUrl(server.url());
      try (UnifiedJedis redis = RedisClients.open(base)) {
        RateLimiter limiter = limiter(redis, base);
        for (int i = 0; i < WARMUP; i++) {
          limiter.tryAcquire();
        }
        long[] nanos = new long[CALLS];
        for (int i = 0; i < CALLS; i++) {
          long start = System.nanoTime();
          limiter.tryAcquire();
          nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        report(
            "one thread, %d calls: p50 %.0f us, p99 %.0f us, max %.0f us",
            CALLS, nanos[CALLS / 2] / 1e3, nanos[CALLS * 99 / 100] / 1e3, nanos[CALLS - 1] / 1e3);

        RateLimiter shared = limiter(redis, base);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
          long start = System.nanoTime();
          List<Future<?>> futures = new ArrayList<>();
          for (int t = 0; t < THREADS; t++) {
            futures.add(
                pool.submit(
                    () -> {
                      for (int i = 0; i < CALLS / THREADS; i++) {
                        shared.tryAcquire();
                      }
                    }));
          }
          for (Future<?> future : futures) {
            future.get();
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          report("%d threads, %d calls: %.0f calls/s", THREADS, CALLS, CALLS / seconds);
        } finally {
          pool.shutdown();
          pool.awaitTermination(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static RateLimiter limiter(UnifiedJedis redis, RedisConfig base) {
    RedisConfig config =
        new RedisConfig(
            base.host(),
            base.port(),
            base.tls(),
            base.user(),
            base.password(),
            base.database(),
            base.poolSize(),
            base.timeout(),
            "autofix-bench:" + UUID.randomUUID(),
            // Half the calls are granted, half denied, so both paths are measured.
            (WARMUP + CALLS) / 2,
            java.time.ZoneOffset.UTC);
    return RedisRateLimiter.create(redis, config, Clock.systemUTC());
  }

  private static void report(String format, Object... args) {
    System.out.println(String.format(format, args));
  }
}
