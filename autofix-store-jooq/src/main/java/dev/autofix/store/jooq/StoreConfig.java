package dev.autofix.store.jooq;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;

/**
 * Where the PostgreSQL store keeps its data.
 *
 * @param jdbcUrl a {@code jdbc:postgresql:} URL of an external server, or {@code null} for the
 *     embedded server
 * @param user the database user, or {@code null} to take it from the URL (external server only)
 * @param password the user's password, or {@code null}
 * @param dataDir autofix's data directory; the embedded server keeps its data in {@code
 *     <dataDir>/postgres}
 * @param embeddedPort the embedded server's port on 127.0.0.1, or 0 for a free one
 * @param poolSize the most connections the pool opens
 * @param timeZone the zone whose midnight starts a new day of the daily cap
 * @param dailyLimit the daily cap on fix attempts counted by the PostgreSQL rate limiter
 */
public record StoreConfig(
    String jdbcUrl,
    String user,
    Secret password,
    Path dataDir,
    int embeddedPort,
    int poolSize,
    ZoneId timeZone,
    int dailyLimit) {
  /** The data directory when none is configured. */
  public static final Path DEFAULT_DATA_DIR = Path.of("autofix-data");

  public static final int DEFAULT_POOL_SIZE = 10;
  public static final int DEFAULT_DAILY_LIMIT = 10;

  public StoreConfig {
    Objects.requireNonNull(dataDir, "dataDir == null");
    Objects.requireNonNull(timeZone, "timeZone == null");
    if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "AUTOFIX_DATABASE_URL must be a jdbc:postgresql: URL: "
              + dev.autofix.store.jooq.internal.DatabaseFailures.redact(jdbcUrl));
    }
    if (jdbcUrl == null && (user != null || password != null)) {
      throw new IllegalArgumentException(
          "a database user or password needs AUTOFIX_DATABASE_URL (the embedded server has none)");
    }
    if (embeddedPort < 0 || embeddedPort > 65535) {
      throw new IllegalArgumentException("embeddedPort must be 0..65535: " + embeddedPort);
    }
    if (poolSize < 1 || poolSize > 200) {
      throw new IllegalArgumentException("poolSize must be 1..200: " + poolSize);
    }
    if (dailyLimit < 0) {
      throw new IllegalArgumentException("dailyLimit must not be negative: " + dailyLimit);
    }
  }

  /** The embedded server with its data under {@code dataDir}, and every other default. */
  public static StoreConfig embedded(Path dataDir) {
    return new StoreConfig(
        null, null, null, dataDir, 0, DEFAULT_POOL_SIZE, ZoneOffset.UTC, DEFAULT_DAILY_LIMIT);
  }

  /**
   * Reads {@code AUTOFIX_DATABASE_URL}, {@code AUTOFIX_DATABASE_USER}, {@code
   * AUTOFIX_DATABASE_PASSWORD}, {@code AUTOFIX_DATA_DIR}, {@code AUTOFIX_EMBEDDED_DATABASE_PORT},
   * {@code AUTOFIX_DATABASE_POOL_SIZE}, {@code AUTOFIX_TIME_ZONE} and {@code
   * AUTOFIX_MAX_FIXES_PER_DAY}.
   */
  public static StoreConfig fromEnv(Map<String, String> env) {
    String password = blankToNull(env.get("AUTOFIX_DATABASE_PASSWORD"));
    return new StoreConfig(
        blankToNull(env.get("AUTOFIX_DATABASE_URL")),
        blankToNull(env.get("AUTOFIX_DATABASE_USER")),
        password == null ? null : new Secret(password),
        Path.of(env.getOrDefault("AUTOFIX_DATA_DIR", DEFAULT_DATA_DIR.toString())),
        integer(env, "AUTOFIX_EMBEDDED_DATABASE_PORT", 0),
        integer(env, "AUTOFIX_DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE),
        zone(env.get("AUTOFIX_TIME_ZONE")),
        integer(env, "AUTOFIX_MAX_FIXES_PER_DAY", DEFAULT_DAILY_LIMIT));
  }

  /** Whether this configuration runs the embedded server. */
  public boolean isEmbedded() {
    return jdbcUrl == null;
  }

  /** The embedded server's data directory. */
  public Path embeddedDataDir() {
    return dataDir.resolve("postgres");
  }

  /** A password, shown as {@code ****}. */
  public record Secret(String value) {
    public Secret {
      Objects.requireNonNull(value, "value == null");
    }

    @Override
    public String toString() {
      return "****";
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static int integer(Map<String, String> env, String key, int fallback) {
    String value = blankToNull(env.get(key));
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number: " + value, e);
    }
  }

  private static ZoneId zone(String value) {
    if (value == null || value.isBlank()) {
      return ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(value.strip());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("AUTOFIX_TIME_ZONE is not a time zone: " + value, e);
    }
  }
}
