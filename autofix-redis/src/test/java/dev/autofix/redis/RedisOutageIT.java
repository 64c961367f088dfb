package dev.autofix.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.autofix.core.AutofixException;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.testkit.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** The Redis limiter when Redis goes away: a clear defect, then service again once it is back. */
class RedisOutageIT {
  private static final String PASSWORD = "s3cret-Pa55word";
  private static final Instant NOON = Instant.parse("2026-11-24T12:00:00Z");

  @Test
  void tryAcquire_throwsRedisUnavailable_whileRedisIsStopped_andGrantsAgainAfterRestart()
      throws Exception {
    try (TestRedis server = TestRedis.embedded(PASSWORD)) {
      RedisConfig config = RedisConfig.fromUrl(server.url());
      try (UnifiedJedis redis = RedisClients.open(config)) {
        RateLimiter limiter = RedisRateLimiter.create(redis, config, MutableClock.at(NOON));
        RateLimiter.Granted first = (RateLimiter.Granted) limiter.tryAcquire();
        assertThat(first.used()).isEqualTo(1);

        server.stop();

        Throwable acquire = catchThrowable(limiter::tryAcquire);
        assertThat(acquire)
            .isInstanceOf(RedisUnavailableException.class)
            .isInstanceOf(AutofixException.class)
            .hasMessageContaining("Redis at " + config.endpoint())
            .hasMessageContaining("unavailable")
            .hasCauseInstanceOf(redis.clients.jedis.exceptions.JedisException.class);
        assertThat(stackTraceOf(acquire)).doesNotContain(PASSWORD);
        assertThatThrownBy(limiter::usage).isInstanceOf(RedisUnavailableException.class);
        assertThatThrownBy(() -> limiter.refund(first))
            .isInstanceOf(RedisUnavailableException.class);

        server.restart();

        // The append-only file kept the count, so nothing taken before the outage is lost.
        assertThat(limiter.tryAcquire())
            .isEqualTo(new RateLimiter.Granted(LocalDate.parse("2026-11-24"), 2, 10));
      }
    }
  }

  @Test
  void tryAcquire_throwsRedisUnavailableNamingTheHost_whenNothingListens() throws Exception {
    RedisConfig config =
        RedisConfig.fromUrl(
            "redis://autofix:" + PASSWORD + "@127.0.0.1:" + TestRedis.freePort() + "/2");
    try (UnifiedJedis redis = RedisClients.open(config)) {
      RateLimiter limiter = RedisRateLimiter.create(redis, config, MutableClock.at(NOON));

      Throwable thrown = catchThrowable(limiter::tryAcquire);

      assertThat(thrown)
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageStartingWith("Redis at " + config.endpoint() + " (database 2) is unavailable");
      assertThat(stackTraceOf(thrown)).doesNotContain(PASSWORD);
    }
  }

  @Test
  void tryAcquire_throwsRedisCommandExceptionWithoutThePassword_whenThePasswordIsWrong()
      throws Exception {
    try (TestRedis server = TestRedis.embedded(PASSWORD)) {
      String wrong = "not-the-" + PASSWORD;
      RedisConfig config = RedisConfig.fromUrl(server.url().replace(PASSWORD, wrong));
      try (UnifiedJedis redis = RedisClients.open(config)) {
        RateLimiter limiter = RedisRateLimiter.create(redis, config, MutableClock.at(NOON));

        Throwable thrown = catchThrowable(limiter::tryAcquire);

        assertThat(thrown)
            .isInstanceOf(RedisCommandException.class)
            .isInstanceOf(AutofixException.class)
            .hasMessageContaining("Redis at " + config.endpoint())
            .hasMessageContaining("WRONGPASS");
        assertThat(stackTraceOf(thrown)).doesNotContain(wrong).doesNotContain(PASSWORD);
      }
    }
  }

  private static String stackTraceOf(Throwable thrown) {
    StringWriter out = new StringWriter();
    thrown.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
