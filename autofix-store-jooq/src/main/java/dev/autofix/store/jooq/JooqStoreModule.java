package dev.autofix.store.jooq;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunStore;
import dev.autofix.store.jooq.internal.Dsl;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Binds {@link RunStore} and {@link RateLimiter} on PostgreSQL. Requires: {@link DataSource} (a
 * migrated one, from {@link StoreDatabase#dataSource()}), {@link Clock}.
 */
public final class JooqStoreModule extends AbstractModule {
  private final StoreConfig config;

  public JooqStoreModule(StoreConfig config) {
    this.config = Objects.requireNonNull(config, "config == null");
  }

  @Provides
  @Singleton
  RunStore runStore(DataSource dataSource) {
    String location = config.isEmbedded() ? "the embedded PostgreSQL" : config.jdbcUrl();
    return JooqRunStore.create(Dsl.on(dataSource), location);
  }

  @Provides
  @Singleton
  RateLimiter rateLimiter(DataSource dataSource, Clock clock) {
    return PostgresRateLimiter.create(
        Dsl.on(dataSource), config.dailyLimit(), clock, config.timeZone());
  }
}
