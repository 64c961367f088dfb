package dev.autofix.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.port.RateLimiter;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.contract.RateLimiterContract;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rate limiter contract against a real PostgreSQL. */
class PostgresRateLimiterIT extends RateLimiterContract {
  private static TestDatabase.Schema schema;

  @BeforeAll
  static void openSchema() {
    schema = TestDatabase.freshSchema(20);
  }

  @AfterAll
  static void dropSchema() {
    schema.close();
  }

  @Test
  void tryAcquire_grantsExactlyTheLimit_acrossTwoProcesses() throws Exception {
    String counter = "shared-" + UUID.randomUUID();
    MutableClock clock = MutableClock.at(NOON);
    try (TestDatabase.Schema other = TestDatabase.Schema.sameSchema(schema, 8)) {
      RateLimiter a = PostgresRateLimiter.create(schema.dsl(), counter, 5, clock, ZoneOffset.UTC);
      RateLimiter b = PostgresRateLimiter.create(other.dsl(), counter, 5, clock, ZoneOffset.UTC);
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<RateLimiter.Permit>> permits = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          RateLimiter limiter = i % 2 == 0 ? a : b;
          permits.add(
              pool.submit(
                  () -> {
                    start.await();
                    return limiter.tryAcquire();
                  }));
        }
        start.countDown();
        int granted = 0;
        for (Future<RateLimiter.Permit> permit : permits) {
          if (permit.get() instanceof RateLimiter.Granted) {
            granted++;
          }
        }
        assertThat(granted).isEqualTo(5);
        assertThat(b.usage().used()).isEqualTo(5);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Override
  protected RateLimiter newLimiter(int limit, Clock clock, ZoneId zone) {
    return PostgresRateLimiter.create(
        schema.dsl(), "test-" + UUID.randomUUID(), limit, clock, zone);
  }
}
