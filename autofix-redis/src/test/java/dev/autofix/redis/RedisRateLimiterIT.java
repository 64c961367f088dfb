package dev.autofix.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autofix.core.port.RateLimiter;
import dev.autofix.testkit.Concurrently;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.contract.RateLimiterContract;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** The Redis limiter against a real Redis: the contract kit plus Redis-specific guarantees. */
class RedisRateLimiterIT extends RateLimiterContract {
  private static TestRedis server;
  private static RedisConfig base;
  private static UnifiedJedis redis;
  private static final Set<String> prefixes = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void startRedis() {
    server = TestRedis.start();
    base =
        RedisConfig.fromEnv(
            Map.of("AUTOFIX_REDIS_URL", server.url(), "AUTOFIX_REDIS_POOL_SIZE", "16"));
    redis = RedisClients.open(base);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      // Leave nothing behind on a shared server named by AUTOFIX_TEST_REDIS_URL.
      for (String prefix : prefixes) {
        for (String key : redis.keys(prefix + ":*")) {
          redis.del(key);
        }
      }
      redis.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected RateLimiter newLimiter(int limit, Clock clock, ZoneId zone) {
    return RedisRateLimiter.create(redis, config(freshPrefix(), limit, zone), clock);
  }

  @Test
  void tryAcquire_grantsExactlySeven_when200AcquisitionsRaceFrom16Threads() throws Exception {
    RateLimiter limiter = newLimiter(7, MutableClock.at(NOON), ZoneOffset.UTC);

    List<RateLimiter.Permit> permits = Concurrently.run(16, 200, i -> limiter::tryAcquire);

    List<Integer> grantedCounts = new ArrayList<>();
    int denied = 0;
    for (RateLimiter.Permit permit : permits) {
      switch (permit) {
        case RateLimiter.Granted granted -> grantedCounts.add(granted.used());
        case RateLimiter.Denied d -> denied++;
      }
    }
    assertThat(grantedCounts).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7);
    assertThat(denied).isEqualTo(193);
    assertThat(limiter.usage().used()).isEqualTo(7);
  }

  @Test
  void tryAcquire_leavesEveryCounterKeyWithATtlEndingAfterItsDay() {
    String prefix = freshPrefix();
    MutableClock clock = MutableClock.at("2026-11-24T00:00:01Z");
    RateLimiter limiter = RedisRateLimiter.create(redis, config(prefix, 2, ZoneOffset.UTC), clock);
    Map<String, Instant> lastWrite = new HashMap<>();
    for (Instant at :
        List.of(
            Instant.parse("2026-11-24T00:00:01Z"),
            Instant.parse("2026-11-24T12:00:00Z"),
            Instant.parse("2026-11-24T23:59:59.900Z"), // a denial: it still refreshes the expiry
            Instant.parse("2026-11-25T08:00:00Z"),
            Instant.parse("2026-11-26T23:59:00Z"))) {
      clock.set(at);
      limiter.tryAcquire();
      lastWrite.put(prefix + ":" + LocalDate.ofInstant(at, ZoneOffset.UTC), at);
    }

    List<String> keys = new ArrayList<>(redis.keys(prefix + ":*"));
    assertThat(keys).containsExactlyInAnyOrderElementsOf(lastWrite.keySet());
    for (String key : keys) {
      LocalDate day = LocalDate.parse(key.substring(prefix.length() + 1));
      Instant endOfDay = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      long ttl = redis.pttl(key);
      assertThat(ttl).as("TTL of %s", key).isPositive();
      // The key, as seen from its last write, lives past the end of its day, by at most the margin.
      assertThat(lastWrite.get(key).plusMillis(ttl))
          .as("expiry of %s", key)
          .isAfter(endOfDay)
          .isBefore(endOfDay.plus(RedisRateLimiter.EXPIRY_MARGIN).plusMillis(1));
    }
  }

  @Test
  void tryAcquire_grantsAgainOnDayTwo_whenDayOneIsExhausted() {
    String prefix = freshPrefix();
    MutableClock clock = MutableClock.at("2026-11-24T18:00:00Z");
    RateLimiter limiter = RedisRateLimiter.create(redis, config(prefix, 3, ZoneOffset.UTC), clock);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Granted.class);
    }
    assertThat(limiter.tryAcquire())
        .isEqualTo(
            new RateLimiter.Denied(
                LocalDate.parse("2026-11-24"), 3, Instant.parse("2026-11-25T00:00:00Z")));

    clock.set(Instant.parse("2026-11-25T00:00:00Z"));

    assertThat(limiter.tryAcquire())
        .isEqualTo(new RateLimiter.Granted(LocalDate.parse("2026-11-25"), 1, 3));
    assertThat(redis.get(prefix + ":2026-11-24")).isEqualTo("3");
    assertThat(redis.get(prefix + ":2026-11-25")).isEqualTo("1");
  }

  @Test
  void limiters_doNotInterfere_whenTheirPrefixesDiffer() {
    MutableClock clock = MutableClock.at(NOON);
    RateLimiter first =
        RedisRateLimiter.create(redis, config(freshPrefix(), 1, ZoneOffset.UTC), clock);
    RateLimiter second =
        RedisRateLimiter.create(redis, config(freshPrefix(), 2, ZoneOffset.UTC), clock);

    assertThat(first.tryAcquire()).isInstanceOf(RateLimiter.Granted.class);
    assertThat(first.tryAcquire()).isInstanceOf(RateLimiter.Denied.class);

    assertThat(second.tryAcquire())
        .isEqualTo(new RateLimiter.Granted(LocalDate.parse("2026-11-24"), 1, 2));
    assertThat(first.usage().used()).isEqualTo(1);
    assertThat(second.usage().used()).isEqualTo(1);
  }

  @Test
  void limiters_shareOneCount_whenTheyUseTheSamePrefixThroughSeparateClients() {
    String prefix = freshPrefix();
    MutableClock clock = MutableClock.at(NOON);
    try (UnifiedJedis otherProcess = RedisClients.open(base)) {
      RateLimiter first = RedisRateLimiter.create(redis, config(prefix, 2, ZoneOffset.UTC), clock);
      RateLimiter second =
          RedisRateLimiter.create(otherProcess, config(prefix, 2, ZoneOffset.UTC), clock);

      assertThat(first.tryAcquire()).isInstanceOf(RateLimiter.Granted.class);
      assertThat(second.tryAcquire())
          .isEqualTo(new RateLimiter.Granted(LocalDate.parse("2026-11-24"), 2, 2));
      assertThat(first.tryAcquire()).isInstanceOf(RateLimiter.Denied.class);
    }
  }

  @Test
  void tryAcquire_writesNoKey_whenTheLimitIsZero() {
    String prefix = freshPrefix();
    RateLimiter limiter =
        RedisRateLimiter.create(redis, config(prefix, 0, ZoneOffset.UTC), MutableClock.at(NOON));

    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Denied.class);

    assertThat(redis.exists(prefix + ":2026-11-24")).isFalse();
  }

  @Test
  void tryAcquire_setsAnExpiry_onACounterKeyLeftWithoutOne() {
    String prefix = freshPrefix();
    String key = prefix + ":2026-11-24";
    redis.set(key, "5"); // what the seed left behind when it died between INCR and EXPIRE
    RateLimiter limiter =
        RedisRateLimiter.create(redis, config(prefix, 5, ZoneOffset.UTC), MutableClock.at(NOON));

    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Denied.class);

    assertThat(redis.pttl(key)).isGreaterThan(Duration.ofHours(12).toMillis());
    assertThat(redis.get(key)).isEqualTo("5");
  }

  @Test
  void refund_keepsTheKeysExpiry_andLeavesAMissingKeyMissing() {
    String prefix = freshPrefix();
    MutableClock clock = MutableClock.at(NOON);
    RateLimiter limiter = RedisRateLimiter.create(redis, config(prefix, 2, ZoneOffset.UTC), clock);
    RateLimiter.Granted granted = (RateLimiter.Granted) limiter.tryAcquire();

    limiter.refund(granted);
    limiter.refund(new RateLimiter.Granted(LocalDate.parse("2026-01-01"), 1, 2));

    assertThat(redis.get(prefix + ":2026-11-24")).isEqualTo("0");
    assertThat(redis.pttl(prefix + ":2026-11-24")).isPositive();
    assertThat(redis.exists(prefix + ":2026-01-01")).isFalse();
  }

  @Test
  void usage_readsTheCounterKeyOfToday() {
    String prefix = freshPrefix();
    redis.set(prefix + ":2026-11-24", "4");
    RateLimiter limiter =
        RedisRateLimiter.create(redis, config(prefix, 10, ZoneOffset.UTC), MutableClock.at(NOON));

    assertThat(limiter.usage())
        .isEqualTo(new RateLimiter.Usage(LocalDate.parse("2026-11-24"), 4, 10));
  }

  @Test
  void tryAcquire_stillWorks_whenRedisForgotTheScripts() {
    RateLimiter limiter = newLimiter(3, MutableClock.at(NOON), ZoneOffset.UTC);
    assertThat(limiter.tryAcquire()).isInstanceOf(RateLimiter.Granted.class);

    redis.scriptFlush();

    assertThat(limiter.tryAcquire())
        .isEqualTo(new RateLimiter.Granted(LocalDate.parse("2026-11-24"), 2, 3));
  }

  @Test
  void tryAcquire_throwsRedisCommandException_whenTheCounterKeyHoldsSomethingElse() {
    String prefix = freshPrefix();
    redis.set(prefix + ":2026-11-24", "not a number");
    RateLimiter limiter =
        RedisRateLimiter.create(redis, config(prefix, 3, ZoneOffset.UTC), MutableClock.at(NOON));

    assertThatThrownBy(limiter::tryAcquire)
        .isInstanceOf(RedisCommandException.class)
        .hasMessageContaining("Redis at " + base.endpoint());
    assertThatThrownBy(limiter::usage)
        .isInstanceOf(RedisCommandException.class)
        .hasMessageContaining("not a count");
  }

  private static RedisConfig config(String prefix, int limit, ZoneId zone) {
    return new RedisConfig(
        base.host(),
        base.port(),
        base.tls(),
        base.user(),
        base.password(),
        base.database(),
        base.poolSize(),
        base.timeout(),
        prefix,
        limit,
        zone);
  }

  private static String freshPrefix() {
    String prefix = "autofix-it:" + UUID.randomUUID();
    prefixes.add(prefix);
    return prefix;
  }
}
