package dev.autofix.testkit;

import dev.autofix.core.port.RateLimiter;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** A {@link RateLimiter} in memory: a counter per day in the limiter's time zone. */
public final class InMemoryRateLimiter implements RateLimiter {
  private final int limit;
  private final Clock clock;
  private final ZoneId zone;
  private final Map<LocalDate, Integer> used = new HashMap<>();

  public InMemoryRateLimiter(int limit, Clock clock, ZoneId zone) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit < 0: " + limit);
    }
    this.limit = limit;
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.zone = Objects.requireNonNull(zone, "zone == null");
  }

  @Override
  public synchronized Permit tryAcquire() {
    LocalDate day = today();
    int count = used.getOrDefault(day, 0);
    if (count >= limit) {
      return new Denied(day, limit, day.plusDays(1).atStartOfDay(zone).toInstant());
    }
    used.put(day, count + 1);
    return new Granted(day, count + 1, limit);
  }

  @Override
  public synchronized void refund(Granted permit) {
    used.computeIfPresent(permit.day(), (day, count) -> Math.max(0, count - 1));
  }

  @Override
  public synchronized Usage usage() {
    LocalDate day = today();
    return new Usage(day, used.getOrDefault(day, 0), limit);
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }
}
