package dev.autofix.redis;

import java.util.Objects;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.UnifiedJedis;

/**
 * Opens the pooled Jedis client that {@link RedisRateLimiter} and {@link RedisModule} take. The
 * caller owns it: close it when the application stops.
 */
public final class RedisClients {
  private RedisClients() {}

  /**
   * A pooled client for {@code config}. It connects lazily, so this does no I/O; connections are
   * checked with a {@code PING} when borrowed, so a Redis restart costs no failed call.
   */
  public static UnifiedJedis open(RedisConfig config) {
    // Full verification (certificate chain and host name) against the JVM's default trust store.
    return open(config, SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL).build());
  }

  /** A pooled client for {@code config} that uses {@code tls} when the URL is {@code rediss://}. */
  static UnifiedJedis open(RedisConfig config, SslOptions tls) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(tls, "tls == null");
    int timeoutMillis = Math.toIntExact(config.timeout().toMillis());
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(timeoutMillis)
            .socketTimeoutMillis(timeoutMillis)
            .database(config.database())
            .clientName("autofix");
    if (config.tls()) {
      client.sslOptions(tls);
    }
    if (config.user() != null) {
      client.user(config.user());
    }
    if (config.password() != null) {
      client.password(config.password().value());
    }
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(config.poolSize());
    pool.setMaxIdle(config.poolSize());
    pool.setMinIdle(0);
    pool.setTestOnBorrow(true);
    pool.setMaxWait(config.timeout());
    return RedisClient.builder()
        .hostAndPort(config.host(), config.port())
        .clientConfig(client.build())
        .poolConfig(pool)
        .build();
  }
}
