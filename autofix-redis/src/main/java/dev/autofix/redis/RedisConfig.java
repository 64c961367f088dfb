package dev.autofix.redis;

import dev.autofix.core.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
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

  /** The daily limit used when {@code AUTOFIX_MAX_FIXES_PER_DAY} is not set. */
  public static final int DEFAULT_DAILY_LIMIT = 10;

  /** The pool size used when {@code AUTOFIX_REDIS_POOL_SIZE} is not set. */
  public static final int DEFAULT_POOL_SIZE = 8;

  /** The timeout used when {@code AUTOFIX_REDIS_TIMEOUT} is not set. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  private static final int DEFAULT_PORT = 6379;

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
   * Reads the configuration from environment variables.
   *
   * <ul>
   *   <li>{@code AUTOFIX_REDIS_URL} ({@value #DEFAULT_URL}): {@code
   *       redis[s]://[[user]:password@]host[:port][/database]}
   *   <li>{@code AUTOFIX_REDIS_PASSWORD} (none): the password, overriding one in the URL
   *   <li>{@code AUTOFIX_REDIS_POOL_SIZE} ({@value #DEFAULT_POOL_SIZE})
   *   <li>{@code AUTOFIX_REDIS_TIMEOUT} ({@code PT2S}): ISO-8601 or whole seconds
   *   <li>{@code AUTOFIX_REDIS_KEY_PREFIX} ({@value #DEFAULT_KEY_PREFIX})
   *   <li>{@code AUTOFIX_MAX_FIXES_PER_DAY} ({@value #DEFAULT_DAILY_LIMIT})
   *   <li>{@code AUTOFIX_TIME_ZONE} ({@code UTC}): the zone whose midnight starts a new day
   * </ul>
   *
   * @throws IllegalArgumentException naming the variable that holds a bad value
   */
  public static RedisConfig fromEnv(Map<String, String> env) {
    Objects.requireNonNull(env, "env == null");
    String url = value(env, "AUTOFIX_REDIS_URL", DEFAULT_URL);
    ParsedUrl parsed = ParsedUrl.parse(url);
    String password = env.get("AUTOFIX_REDIS_PASSWORD");
    if (password == null || password.isEmpty()) {
      password = parsed.password();
    }
    return new RedisConfig(
        parsed.host(),
        parsed.port(),
        parsed.tls(),
        parsed.user(),
        password == null || password.isEmpty() ? null : new Secret(password),
        parsed.database(),
        integer(env, "AUTOFIX_REDIS_POOL_SIZE", DEFAULT_POOL_SIZE),
        duration(env, "AUTOFIX_REDIS_TIMEOUT", DEFAULT_TIMEOUT),
        value(env, "AUTOFIX_REDIS_KEY_PREFIX", DEFAULT_KEY_PREFIX),
        integer(env, "AUTOFIX_MAX_FIXES_PER_DAY", DEFAULT_DAILY_LIMIT),
        zone(env, "AUTOFIX_TIME_ZONE"));
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

  private static String value(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static int integer(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", e);
    }
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    String text = value.strip();
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          name + " must be an ISO-8601 duration like PT2S or whole seconds, not '" + value + "'",
          e);
    }
  }

  private static ZoneId zone(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(value.strip());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          name + " must be a time zone like UTC or Europe/Berlin, not '" + value + "'", e);
    }
  }
}
