package dev.autofix.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.port.RateLimiter;
import dev.autofix.testkit.Concurrently;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.contract.RateLimiterContract;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
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
      List<RateLimiter.Permit> permits =
          Concurrently.run(16, 50, i -> (i % 2 == 0 ? a : b)::tryAcquire);

      assertThat(permits.stream().filter(p -> p instanceof RateLimiter.Granted)).hasSize(5);
      assertThat(b.usage().used()).isEqualTo(5);
    }
  }

  @Override
  protected RateLimiter newLimiter(int limit, Clock clock, ZoneId zone) {
    return PostgresRateLimiter.create(
        schema.dsl(), "test-" + UUID.randomUUID(), limit, clock, zone);
  }
}
