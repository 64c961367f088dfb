package dev.autofix.redis;

import dev.autofix.core.port.RateLimiter;
import dev.autofix.redis.internal.LuaScript;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A {@link RateLimiter} kept in Redis: one counter key {@code <prefix>:<yyyy-mm-dd>} per day of the
 * configured zone, shared by every process that uses the same Redis and prefix.
 *
 * <p>Taking a permit is one Lua script, so the check, the increment and the expiry happen in one
 * atomic step: a key never exists without its expiry (the seed's {@code INCR} then {@code EXPIRE}
 * left one behind forever when the process died in between), and a denial writes nothing.
 */
final class RedisRateLimiter implements RateLimiter {

  /**
   * How long a day's key outlives its day: enough for a refund just after midnight and for clocks a
   * little apart between processes, small enough not to pile up keys.
   */
  static final Duration EXPIRY_MARGIN = Duration.ofHours(1);

  // KEYS[1] = the day's key, ARGV[1] = limit, ARGV[2] = TTL in ms up to the end of the day +
  // margin.
  // Returns {1, used} when granted, {0, used} when denied.
  private static final LuaScript ACQUIRE =
      new LuaScript(
          """
          local used = tonumber(redis.call('GET', KEYS[1]) or '0')
          if used < tonumber(ARGV[1]) then
            used = redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return {1, used}
          end
          if redis.call('EXISTS', KEYS[1]) == 1 then
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
          end
          return {0, used}
          """);

  // KEYS[1] = the permit day's key. DECR keeps the key's TTL; a missing key stays missing.
  private static final LuaScript REFUND =
      new LuaScript(
          """
          local used = tonumber(redis.call('GET', KEYS[1]) or '0')
          if used > 0 then
            return redis.call('DECR', KEYS[1])
          end
          return used
          """);

  private final UnifiedJedis redis;
  private final String keyPrefix;
  private final int limit;
  private final ZoneId zone;
  private final Clock clock;
  private final String endpoint;
  private final String password;

  private RedisRateLimiter(UnifiedJedis redis, RedisConfig config, Clock clock) {
    this.redis = redis;
    this.keyPrefix = config.keyPrefix();
    this.limit = config.dailyLimit();
    this.zone = config.zone();
    this.clock = clock;
    this.endpoint = config.endpoint() + " (database " + config.database() + ")";
    this.password = config.password() == null ? null : config.password().value();
  }

  /**
   * A limiter on {@code redis} with the prefix, limit and zone of {@code config}, on the system
   * clock. The caller owns {@code redis} and closes it.
   */
  public static RateLimiter create(UnifiedJedis redis, RedisConfig config) {
    return create(redis, config, Clock.systemUTC());
  }

  /**
   * A limiter on {@code redis} with the prefix, limit and zone of {@code config}, taking the day
   * from {@code clock}. The caller owns {@code redis} and closes it.
   */
  public static RateLimiter create(UnifiedJedis redis, RedisConfig config, Clock clock) {
    return new RedisRateLimiter(
        Objects.requireNonNull(redis, "redis == null"),
        Objects.requireNonNull(config, "config == null"),
        Objects.requireNonNull(clock, "clock == null"));
  }

  @Override
  public Permit tryAcquire() {
    Instant now = clock.instant();
    LocalDate day = LocalDate.ofInstant(now, zone);
    Instant nextDay = startOf(day.plusDays(1));
    long ttlMillis = Duration.between(now, nextDay.plus(EXPIRY_MARGIN)).toMillis();
    List<?> reply =
        (List<?>)
            call(
                "take a permit",
                () ->
                    ACQUIRE.run(
                        redis,
                        List.of(key(day)),
                        List.of(Integer.toString(limit), Long.toString(ttlMillis))));
    boolean granted = ((Long) reply.get(0)) == 1L;
    int used = Math.toIntExact((Long) reply.get(1));
    return granted ? new Granted(day, used, limit) : new Denied(day, limit, nextDay);
  }

  @Override
  public void refund(Granted permit) {
    Objects.requireNonNull(permit, "permit == null");
    call("refund a permit", () -> REFUND.run(redis, List.of(key(permit.day())), List.of()));
  }

  @Override
  public Usage usage() {
    LocalDate day = LocalDate.ofInstant(clock.instant(), zone);
    String key = key(day);
    String used = call("read today's use", () -> redis.get(key));
    if (used == null) {
      return new Usage(day, 0, limit);
    }
    try {
      return new Usage(day, Integer.parseInt(used), limit);
    } catch (NumberFormatException e) {
      throw new RedisCommandException(
          "Redis at " + endpoint + " holds '" + used + "' in " + key + ", not a count", e);
    }
  }

  /** The counter key of {@code day}. */
  String key(LocalDate day) {
    return keyPrefix + ":" + day; // LocalDate.toString() is yyyy-mm-dd
  }

  private Instant startOf(LocalDate day) {
    return day.atStartOfDay(zone).toInstant();
  }

  private <T> T call(String action, Supplier<T> command) {
    try {
      return command.get();
    } catch (JedisDataException e) {
      throw new RedisCommandException(
          "Redis at " + endpoint + " refused to " + action + ": " + redact(e.getMessage()), e);
    } catch (JedisException e) {
      throw new RedisUnavailableException(
          "Redis at "
              + endpoint
              + " is unavailable, could not "
              + action
              + " ("
              + redact(describe(e))
              + ")",
          e);
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String outer = e.getClass().getSimpleName() + ": " + e.getMessage();
    return root == e
        ? outer
        : outer + "; cause " + root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  // Jedis does not put the password in messages; this makes sure no future version does either.
  private String redact(String message) {
    if (message == null || password == null || password.isEmpty()) {
      return message;
    }
    return message.replace(password, "****");
  }
}
