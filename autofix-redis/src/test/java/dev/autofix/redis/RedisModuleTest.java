package dev.autofix.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.testkit.MutableClock;
import java.time.Clock;
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
}
