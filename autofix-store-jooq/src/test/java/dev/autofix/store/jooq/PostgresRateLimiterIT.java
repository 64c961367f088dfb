package dev.autofix.store.jooq;

import dev.autofix.core.port.RateLimiter;
import dev.autofix.testkit.contract.RateLimiterContract;
import java.time.Clock;
import java.time.ZoneId;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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

  @Override
  protected RateLimiter newLimiter(int limit, Clock clock, ZoneId zone) {
    return PostgresRateLimiter.create(
        schema.dsl(), "test-" + UUID.randomUUID(), limit, clock, zone);
  }
}
