package dev.autofix.testkit;

import dev.autofix.core.port.RateLimiter;
import dev.autofix.testkit.contract.RateLimiterContract;
import java.time.Clock;
import java.time.ZoneId;

class InMemoryRateLimiterTest extends RateLimiterContract {
  @Override
  protected RateLimiter newLimiter(int limit, Clock clock, ZoneId zone) {
    return new InMemoryRateLimiter(limit, clock, zone);
  }
}
