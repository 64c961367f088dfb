package dev.autofix.redis;

import dev.autofix.core.settings.Common;
import dev.autofix.core.settings.Setting;
import dev.autofix.core.settings.SettingType;
import dev.autofix.core.settings.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the Redis daily cap lives and how big it is.
 *
 * @param host the Redis host
 * @param port the Redis port
 * @param tls whether to connect with TLS ({@code rediss://})
 * @param user the ACL user, or {@code null} for the default user
 * @param password the password, or {@code null} when Redis needs none
 * @param database the logical database index
 * @param poolSize the most connections kept open to Redis
 * @param timeout the connect and read timeout of one Redis call
 * @param keyPrefix counter keys are {@code <keyPrefix>:<yyyy-mm-dd>}
 * @param dailyLimit the most fix attempts per day; zero stops all attempts
 * @param zone the time zone whose midnight starts a new day
 */
public record RedisConfig(
    String host,
    int port,
    boolean tls,
    String user,
    Secret password,
    int database,
    int poolSize,
    Duration timeout,
    String keyPrefix,
    int dailyLimit,
    ZoneId zone) {

  /** The URL used when {@code AUTOFIX_REDIS_URL} is not set. */
  public static final String DEFAULT_URL = "redis://localhost:6379";

  /** The key prefix used when {@code AUTOFIX_REDIS_KEY_PREFIX} is not set. */
  public static final String DEFAULT_KEY_PREFIX = "autofix:fixes";

  /** The daily limit used when {@code AUTOFIX_MAX_FIXES_PER_DAY} is not set: the key table's. */
  public static final int DEFAULT_DAILY_LIMIT = Common.MAX_FIXES_PER_DAY.defaultValue();

  /** The pool size used when {@code AUTOFIX_REDIS_POOL_SIZE} is not set. */
  public static final int DEFAULT_POOL_SIZE = 8;

  /** The timeout used when {@code AUTOFIX_REDIS_TIMEOUT} is not set. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  private static final int DEFAULT_PORT = 6379;

  private static final String M = "redis";

  // a secret: redis://:password@host is the usual way to give the password, so it is never shown
  public static final Setting<String> REDIS_URL =
      Setting.of(
              "AUTOFIX_REDIS_URL",
              SettingType.secret(),
              DEFAULT_URL,
              M,
              "where the daily cap lives: redis[s]://[[user]:password@]host[:port][/database]")
          .shownAs(DEFAULT_URL);
  public static final Setting<String> REDIS_PASSWORD =
      Setting.of(
              "AUTOFIX_REDIS_PASSWORD",
              SettingType.secret(),
              null,
              M,
              "the Redis password, overriding one in the URL")
          .shownAs("the URL's");
  public static final Setting<Integer> REDIS_POOL_SIZE =
      Setting.of(
          "AUTOFIX_REDIS_POOL_SIZE",
          SettingType.integer(1, 1024),
          DEFAULT_POOL_SIZE,
          M,
          "the most connections kept open to Redis");
  public static final Setting<Duration> REDIS_TIMEOUT =
      Setting.of(
              "AUTOFIX_REDIS_TIMEOUT",
              SettingType.duration(),
              DEFAULT_TIMEOUT,
              M,
              "the connect, read and pool-wait timeout of one Redis call")
          .shownAs("2s");
  public static final Setting<String> REDIS_KEY_PREFIX =
      Setting.of(
          "AUTOFIX_REDIS_KEY_PREFIX",
          SettingType.string(),
          DEFAULT_KEY_PREFIX,
          M,
          "counter keys are <prefix>:<yyyy-mm-dd>; give each cap its own prefix");

  /** This module's rows of the key table, with the common ones it reads. */
  public static final List<Setting<?>> TABLE =
      List.of(
          REDIS_URL,
          REDIS_PASSWORD,
          REDIS_POOL_SIZE,
          REDIS_TIMEOUT,
          REDIS_KEY_PREFIX,
          Common.MAX_FIXES_PER_DAY,
          Common.TIME_ZONE);

  public RedisConfig {
    Objects.requireNonNull(host, "host == null");
    if (host.isBlank()) {
      throw new IllegalArgumentException("Redis host is blank");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("Redis port must be in 1..65535: " + port);
    }
    if (user != null && user.isEmpty()) {
      user = null;
    }
    if (database < 0) {
      throw new IllegalArgumentException("Redis database must be 0 or more: " + database);
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("Redis pool size must be 1 or more: " + poolSize);
    }
    Objects.requireNonNull(timeout, "timeout == null");
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Redis timeout must be positive: " + timeout);
    }
    Objects.requireNonNull(keyPrefix, "keyPrefix == null");
    if (keyPrefix.isBlank() || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "Redis key prefix must be non-empty without whitespace: '" + keyPrefix + "'");
    }
    if (dailyLimit < 0) {
      throw new IllegalArgumentException("daily limit must be 0 or more: " + dailyLimit);
    }
    Objects.requireNonNull(zone, "zone == null");
  }

  /** The configuration for {@code url} with every other setting at its default. */
  public static RedisConfig fromUrl(String url) {
    return fromEnv(Map.of("AUTOFIX_REDIS_URL", Objects.requireNonNull(url, "url == null")));
  }

  /**
   * Reads the configuration from environment variables; see {@link #TABLE} and the module README
   * for every key.
   *
   * @throws IllegalArgumentException naming every problem, each with its key
   */
  public static RedisConfig fromEnv(Map<String, String> env) {
    Objects.requireNonNull(env, "env == null");
    return Settings.readOrThrow(env, RedisConfig::read);
  }

  /**
   * Reads the configuration through {@code settings}, which collects every problem, each naming its
   * key; {@code null} when there is none to build (a URL that cannot be read).
   */
  public static RedisConfig read(Settings settings) {
    // Every value is read once, first, so that every mistake is reported, whatever else is wrong.
    String url = settings.get(REDIS_URL);
    String password = settings.find(REDIS_PASSWORD).orElse(null);
    int poolSize = settings.get(REDIS_POOL_SIZE);
    Duration timeout = settings.get(REDIS_TIMEOUT);
    if (timeout.toMillis() > Integer.MAX_VALUE) {
      // Jedis takes its timeouts as int milliseconds
      settings.problem(
          REDIS_TIMEOUT, "must be at most " + Integer.MAX_VALUE + "ms, not " + timeout);
      timeout = DEFAULT_TIMEOUT;
    }
    String keyPrefix = settings.get(REDIS_KEY_PREFIX);
    if (keyPrefix.chars().anyMatch(Character::isWhitespace)) {
      settings.problem(
          REDIS_KEY_PREFIX, "must be a Redis key without whitespace, not '" + keyPrefix + "'");
      keyPrefix = DEFAULT_KEY_PREFIX;
    }
    int dailyLimit = settings.get(Common.MAX_FIXES_PER_DAY);
    ZoneId zone = settings.get(Common.TIME_ZONE);
    ParsedUrl parsed;
    try {
      parsed = ParsedUrl.parse(url);
    } catch (IllegalArgumentException refused) {
      // its messages start with AUTOFIX_REDIS_URL and never quote the URL
      settings.problem(refused, REDIS_URL);
      return null;
    }
    if (password == null) {
      password = parsed.password();
    }
    try {
      return new RedisConfig(
          parsed.host(),
          parsed.port(),
          parsed.tls(),
          parsed.user(),
          password == null ? null : new Secret(password),
          parsed.database(),
          poolSize,
          timeout,
          keyPrefix,
          dailyLimit,
          zone);
    } catch (IllegalArgumentException refused) {
      settings.problem(refused, REDIS_URL);
      return null;
    }
  }

  /** {@code host:port}, for messages; never carries credentials. */
  public String endpoint() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The URL without its password, for logs and messages. */
  public String redactedUrl() {
    String userInfo =
        user == null && password == null
            ? ""
            : (user == null ? "" : user) + (password == null ? "" : ":****") + "@";
    return (tls ? "rediss" : "redis") + "://" + userInfo + endpoint() + "/" + database;
  }

  /** A secret whose {@code toString()} never shows it. */
  public record Secret(String value) {
    public Secret {
      Objects.requireNonNull(value, "value == null");
    }

    @Override
    public String toString() {
      return "****";
    }
  }

  private record ParsedUrl(
      String host, int port, boolean tls, String user, String password, int database) {

    // Messages never echo the URL: it may carry the password.
    static ParsedUrl parse(String url) {
      URI uri;
      try {
        uri = new URI(url.strip());
      } catch (URISyntaxException e) {
        // The cause is dropped on purpose: its message quotes the URL, password included.
        throw new IllegalArgumentException(
            "AUTOFIX_REDIS_URL is not a valid URL (at index "
                + e.getIndex()
                + "); percent-encode special characters in the password");
      }
      String scheme = uri.getScheme();
      boolean tls;
      if ("redis".equalsIgnoreCase(scheme)) {
        tls = false;
      } else if ("rediss".equalsIgnoreCase(scheme)) {
        tls = true;
      } else {
        throw new IllegalArgumentException(
            "AUTOFIX_REDIS_URL must start with redis:// or rediss://, not "
                + (scheme == null ? "no scheme" : scheme + "://"));
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException(
            "AUTOFIX_REDIS_URL has no host; expected redis[s]://[[user]:password@]host[:port][/db]");
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "AUTOFIX_REDIS_URL must not have a query or fragment; use AUTOFIX_REDIS_* variables");
      }
      if (uri.getPort() == 0 || uri.getPort() > 65_535) {
        throw new IllegalArgumentException(
            "AUTOFIX_REDIS_URL port must be in 1..65535, not " + uri.getPort());
      }
      String host = uri.getHost();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      String user = null;
      String password = null;
      String userInfo = uri.getUserInfo();
      if (userInfo != null && !userInfo.isEmpty()) {
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
          password = userInfo; // redis://password@host, as redis-cli reads it
        } else {
          user = userInfo.substring(0, colon);
          password = userInfo.substring(colon + 1);
        }
      }
      return new ParsedUrl(
          host,
          uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
          tls,
          user == null || user.isEmpty() ? null : user,
          password == null || password.isEmpty() ? null : password,
          database(uri.getPath()));
    }

    private static int database(String path) {
      if (path == null || path.isEmpty() || path.equals("/")) {
        return 0;
      }
      try {
        return Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "AUTOFIX_REDIS_URL path must be a database number like /0, not " + path, e);
      }
    }
  }
}
