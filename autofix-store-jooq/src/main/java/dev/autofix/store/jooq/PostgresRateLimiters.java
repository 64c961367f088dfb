package dev.autofix.store.jooq;

import dev.autofix.core.port.RateLimiter;
import java.time.Clock;
import java.time.ZoneId;
import org.jooq.DSLContext;

/**
 * The public entry point to the PostgreSQL daily cap for code outside this package (see {@link
 * JooqRunStores} for why).
 */
public final class PostgresRateLimiters {
  private PostgresRateLimiters() {}

  /** A limiter on {@code database} with {@code config}'s daily limit and time zone. */
  public static RateLimiter create(StoreDatabase database, StoreConfig config, Clock clock) {
    return PostgresRateLimiter.create(
        database.dsl(), config.dailyLimit(), clock, config.timeZone());
  }

  /** See {@link PostgresRateLimiter#create(DSLContext, int, Clock, ZoneId)}. */
  public static RateLimiter create(DSLContext dsl, int limit, Clock clock, ZoneId zone) {
    return PostgresRateLimiter.create(dsl, limit, clock, zone);
  }
}
