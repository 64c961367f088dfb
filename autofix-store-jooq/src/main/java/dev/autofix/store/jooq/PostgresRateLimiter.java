package dev.autofix.store.jooq;

import static dev.autofix.store.jooq.schema.Tables.DAILY_USAGE;

import dev.autofix.core.port.RateLimiter;
import dev.autofix.store.jooq.internal.DatabaseFailures;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * The {@link RateLimiter} on PostgreSQL: one counter row per day, taken with a single {@code insert
 * ... on conflict do update ... where used < limit}, so every process sharing the database shares
 * the cap.
 */
final class PostgresRateLimiter implements RateLimiter {
  /** The counter fix attempts use unless told otherwise. */
  static final String DEFAULT_COUNTER = "fix-attempts";

  private final DSLContext dsl;
  private final String counter;
  private final int limit;
  private final Clock clock;
  private final ZoneId zone;

  private PostgresRateLimiter(DSLContext dsl, String counter, int limit, Clock clock, ZoneId zone) {
    this.dsl = Objects.requireNonNull(dsl, "dsl == null");
    this.counter = Objects.requireNonNull(counter, "counter == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.zone = Objects.requireNonNull(zone, "zone == null");
    if (limit < 0) {
      throw new IllegalArgumentException("limit < 0: " + limit);
    }
    if (counter.isBlank()) {
      throw new IllegalArgumentException("counter is blank");
    }
    this.limit = limit;
  }

  /**
   * A limiter allowing {@code limit} permits a day, the day taken from {@code clock} in {@code
   * zone}.
   */
  public static RateLimiter create(DSLContext dsl, int limit, Clock clock, ZoneId zone) {
    return new PostgresRateLimiter(dsl, DEFAULT_COUNTER, limit, clock, zone);
  }

  /**
   * The same, counting in the row named {@code counter} (limiters with different counters are
   * independent).
   */
  static RateLimiter create(DSLContext dsl, String counter, int limit, Clock clock, ZoneId zone) {
    return new PostgresRateLimiter(dsl, counter, limit, clock, zone);
  }

  @Override
  public Permit tryAcquire() {
    LocalDate day = today();
    if (limit == 0) {
      return denied(day);
    }
    Optional<Integer> used =
        guarded(
            () ->
                dsl.insertInto(DAILY_USAGE)
                    .set(DAILY_USAGE.COUNTER, counter)
                    .set(DAILY_USAGE.DAY, day)
                    .set(DAILY_USAGE.USED, 1)
                    .onConflict(DAILY_USAGE.COUNTER, DAILY_USAGE.DAY)
                    .doUpdate()
                    .set(DAILY_USAGE.USED, DAILY_USAGE.USED.plus(1))
                    .where(DAILY_USAGE.USED.lt(limit))
                    .returning(DAILY_USAGE.USED)
                    .fetchOptional(DAILY_USAGE.USED));
    return used.<Permit>map(n -> new Granted(day, n, limit)).orElseGet(() -> denied(day));
  }

  @Override
  public void refund(Granted permit) {
    Objects.requireNonNull(permit, "permit == null");
    guarded(
        () ->
            dsl.update(DAILY_USAGE)
                .set(DAILY_USAGE.USED, DAILY_USAGE.USED.minus(1))
                .where(DAILY_USAGE.COUNTER.eq(counter))
                .and(DAILY_USAGE.DAY.eq(permit.day()))
                .and(DAILY_USAGE.USED.gt(0))
                .execute());
  }

  @Override
  public Usage usage() {
    LocalDate day = today();
    int used =
        guarded(
            () ->
                dsl.select(DAILY_USAGE.USED)
                    .from(DAILY_USAGE)
                    .where(DAILY_USAGE.COUNTER.eq(counter))
                    .and(DAILY_USAGE.DAY.eq(day))
                    .fetchOptional(DAILY_USAGE.USED)
                    .orElse(0));
    return new Usage(day, used, limit);
  }

  private Denied denied(LocalDate day) {
    return new Denied(day, limit, day.plusDays(1).atStartOfDay(zone).toInstant());
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  private <T> T guarded(Supplier<T> work) {
    try {
      return work.get();
    } catch (DataAccessException e) {
      String message =
          "the daily cap counter '" + counter + "' failed: " + DatabaseFailures.rootMessage(e);
      if (DatabaseFailures.isUnreachable(e) || DatabaseFailures.isOutOfResources(e)) {
        throw new StoreUnavailableException(message, e);
      }
      throw new RunStoreException(message, e);
    }
  }
}
