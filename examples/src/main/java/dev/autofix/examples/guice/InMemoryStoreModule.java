package dev.autofix.examples.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunStore;
import java.time.Clock;
import java.time.ZoneOffset;

/**
 * Binds {@link RunStore} and {@link RateLimiter} to the testkit's in-memory fakes, for a dry run
 * that needs no database and leaves nothing behind. Requires: {@link Clock}. Install it over {@code
 * JooqStoreModule} with {@code Modules.override}.
 */
public final class InMemoryStoreModule extends AbstractModule {
  private final int dailyLimit;

  /** An in-memory store with a daily cap of {@code dailyLimit} fix attempts (UTC days). */
  public InMemoryStoreModule(int dailyLimit) {
    if (dailyLimit < 0) {
      throw new IllegalArgumentException("dailyLimit must not be negative: " + dailyLimit);
    }
    this.dailyLimit = dailyLimit;
  }

  @Provides
  @Singleton
  RunStore runStore() {
    return new InMemoryRunStore();
  }

  @Provides
  @Singleton
  RateLimiter rateLimiter(Clock clock) {
    return new InMemoryRateLimiter(dailyLimit, clock, ZoneOffset.UTC);
  }
}
