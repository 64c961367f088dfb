package dev.autofix.redis;

import dev.autofix.core.port.RateLimiter;
import java.time.Clock;
import redis.clients.jedis.UnifiedJedis;

/**
 * The public entry point to the Redis daily cap for code outside this package.
 *
 * <p>{@link RedisRateLimiter} stays package-private (ArchUnit rule: port implementations are
 * hidden), and Java does not let other packages call a public static method of a package-private
 * class, so embedders wiring by hand call this instead.
 */
public final class RedisRateLimiters {
  private RedisRateLimiters() {}

  /** See {@link RedisRateLimiter#create(UnifiedJedis, RedisConfig, Clock)}. */
  public static RateLimiter create(UnifiedJedis redis, RedisConfig config, Clock clock) {
    return RedisRateLimiter.create(redis, config, clock);
  }

  /** A limiter on the system clock; the caller owns {@code redis} and closes it. */
  public static RateLimiter create(UnifiedJedis redis, RedisConfig config) {
    return RedisRateLimiter.create(redis, config);
  }
}
