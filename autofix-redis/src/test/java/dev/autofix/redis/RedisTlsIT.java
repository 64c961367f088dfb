package dev.autofix.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.autofix.core.port.RateLimiter;
import dev.autofix.testkit.MutableClock;
import java.net.URL;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.UnifiedJedis;

/** {@code rediss://} against an embedded Redis that only speaks TLS. */
class RedisTlsIT {
  private static final MutableClock CLOCK = MutableClock.at("2026-11-24T12:00:00Z");

  @Test
  void tryAcquire_grantsOverTls_whenTheServerCertificateIsTrusted() throws Exception {
    URL trustStore = RedisTlsIT.class.getResource("tls/truststore.p12");
    SslOptions trusting =
        SslOptions.builder()
            .truststore(trustStore, "changeit".toCharArray())
            .trustStoreType("PKCS12")
            .sslVerifyMode(SslVerifyMode.FULL)
            .build();
    try (TestRedis server = TestRedis.embeddedTls()) {
      RedisConfig config = RedisConfig.fromUrl(server.url());
      assertThat(config.tls()).isTrue();
      try (UnifiedJedis redis = RedisClients.open(config, trusting)) {
        RateLimiter limiter = RedisRateLimiter.create(redis, config, CLOCK);

        assertThat(limiter.tryAcquire())
            .isEqualTo(new RateLimiter.Granted(LocalDate.parse("2026-11-24"), 1, 10));
      }
    }
  }

  @Test
  void tryAcquire_throwsRedisUnavailable_whenTheServerCertificateIsNotTrusted() throws Exception {
    try (TestRedis server = TestRedis.embeddedTls()) {
      RedisConfig config = RedisConfig.fromUrl(server.url());
      // The public factory trusts only the JVM's default CAs, which do not know the test CA.
      try (UnifiedJedis redis = RedisClients.open(config)) {
        RateLimiter limiter = RedisRateLimiter.create(redis, config, CLOCK);

        Throwable thrown = catchThrowable(limiter::tryAcquire);

        assertThat(thrown)
            .isInstanceOf(RedisUnavailableException.class)
            .hasMessageContaining("Redis at " + config.endpoint())
            .hasStackTraceContaining("SSLHandshakeException");
      }
    }
  }
}
