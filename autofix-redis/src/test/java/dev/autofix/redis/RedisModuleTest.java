package dev.autofix.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.MutableClock;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

class RedisModuleTest {

  @Test
  void injector_bindsTheRedisRateLimiter_asASingleton() {
    RedisConfig config = RedisConfig.fromUrl("redis://127.0.0.1:6379");
    // The pool connects lazily, so nothing here talks to Redis.
    try (UnifiedJedis redis = RedisClients.open(config)) {
      Injector injector =
          Guice.createInjector(
              new RedisModule(config, redis),
              binder ->
                  binder.bind(Clock.class).toInstance(MutableClock.at("2026-11-24T12:00:00Z")));

      RateLimiter limiter = injector.getInstance(RateLimiter.class);

      assertThat(limiter).isInstanceOf(RedisRateLimiter.class);
      assertThat(injector.getInstance(RateLimiter.class)).isSameAs(limiter);
    }
  }

  @Test
  void redisRateLimiters_createsTheRedisLimiter_forPlainWiring() {
    RedisConfig config = RedisConfig.fromUrl("redis://127.0.0.1:6379");
    try (UnifiedJedis redis = RedisClients.open(config)) {
      assertThat(RedisRateLimiters.create(redis, config)).isInstanceOf(RedisRateLimiter.class);
    }
  }

  @Test
  void override_swapsAnotherRateLimiterForRedis() {
    RedisConfig config = RedisConfig.fromUrl("redis://127.0.0.1:6379");
    Clock clock = MutableClock.at("2026-11-24T12:00:00Z");
    try (UnifiedJedis redis = RedisClients.open(config)) {
      // Stands in for the PostgreSQL store module, which also binds RateLimiter.
      AbstractModule storeModule =
          new AbstractModule() {
            @Override
            protected void configure() {
              bind(RateLimiter.class)
                  .toInstance(new InMemoryRateLimiter(10, clock, ZoneOffset.UTC));
              bind(Clock.class).toInstance(clock);
            }
          };

      Injector injector =
          Guice.createInjector(Modules.override(storeModule).with(new RedisModule(config, redis)));

      assertThat(injector.getInstance(RateLimiter.class)).isInstanceOf(RedisRateLimiter.class);
    }
  }
}
