package dev.autofix.redis;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.RateLimiter;
import java.time.Clock;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * Binds {@link RateLimiter} to the Redis daily cap. Requires: {@link Clock}. The {@link
 * UnifiedJedis} client is handed in (see {@link RedisClients#open}) and stays the caller's to
 * close.
 */
public final class RedisModule extends AbstractModule {
  private final RedisConfig config;
  private final UnifiedJedis redis;

  public RedisModule(RedisConfig config, UnifiedJedis redis) {
    this.config = Objects.requireNonNull(config, "config == null");
    this.redis = Objects.requireNonNull(redis, "redis == null");
  }

  @Provides
  @Singleton
  RateLimiter rateLimiter(Clock clock) {
    return RedisRateLimiter.create(redis, config, clock);
  }
}
