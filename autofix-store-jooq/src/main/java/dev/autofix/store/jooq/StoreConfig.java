package dev.autofix.store.jooq;

import dev.autofix.core.settings.Common;
import dev.autofix.core.settings.Setting;
import dev.autofix.core.settings.SettingType;
import dev.autofix.core.settings.Settings;
import dev.autofix.store.jooq.internal.DatabaseFailures;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
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
  /** The pool size when {@code AUTOFIX_DATABASE_POOL_SIZE} is not set. */
  public static final int DEFAULT_POOL_SIZE = 10;

  /** The daily cap when {@code AUTOFIX_MAX_FIXES_PER_DAY} is not set: the one in the key table. */
  public static final int DEFAULT_DAILY_LIMIT = Common.MAX_FIXES_PER_DAY.defaultValue();

  private static final String M = "store";

  public static final Setting<String> DATABASE_URL =
      Setting.of(
              "AUTOFIX_DATABASE_URL",
              SettingType.string(),
              null,
              M,
              "a jdbc:postgresql: URL of an external server")
          .shownAs("none: the embedded server");
  public static final Setting<String> DATABASE_USER =
      Setting.of(
              "AUTOFIX_DATABASE_USER",
              SettingType.string(),
              null,
              M,
              "the database user (external server only)")
          .shownAs("from the URL");
  public static final Setting<String> DATABASE_PASSWORD =
      Setting.of(
              "AUTOFIX_DATABASE_PASSWORD",
              SettingType.secret(),
              null,
              M,
              "the database user's password (external server only; never logged)")
          .shownAs("from the URL");
  public static final Setting<Integer> EMBEDDED_DATABASE_PORT =
      Setting.of(
              "AUTOFIX_EMBEDDED_DATABASE_PORT",
              SettingType.integer(0, 65535),
              0,
              M,
              "the embedded server's port on 127.0.0.1")
          .shownAs("0 (a free port)");
  public static final Setting<Integer> DATABASE_POOL_SIZE =
      Setting.of(
          "AUTOFIX_DATABASE_POOL_SIZE",
          SettingType.integer(1, 200),
          DEFAULT_POOL_SIZE,
          M,
          "the most connections the pool opens");

  /** This module's rows of the key table, with the common ones it reads. */
  public static final List<Setting<?>> TABLE =
      List.of(
          DATABASE_URL,
          DATABASE_USER,
          DATABASE_PASSWORD,
          Common.DATA_DIR,
          EMBEDDED_DATABASE_PORT,
          DATABASE_POOL_SIZE,
          Common.TIME_ZONE,
          Common.MAX_FIXES_PER_DAY);

  public StoreConfig {
    Objects.requireNonNull(dataDir, "dataDir == null");
    Objects.requireNonNull(timeZone, "timeZone == null");
    if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "AUTOFIX_DATABASE_URL must be a jdbc:postgresql: URL: "
              + DatabaseFailures.redact(jdbcUrl));
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
        null,
        null,
        null,
        dataDir,
        EMBEDDED_DATABASE_PORT.defaultValue(),
        DEFAULT_POOL_SIZE,
        Common.TIME_ZONE.defaultValue(),
        DEFAULT_DAILY_LIMIT);
  }

  /**
   * Reads the configuration from environment variables; see {@link #TABLE} and the module README
   * for every key.
   *
   * @throws IllegalArgumentException naming every problem, each with its key
   */
  public static StoreConfig fromEnv(Map<String, String> env) {
    return Settings.readOrThrow(env, StoreConfig::read);
  }

  /**
   * Reads the configuration through {@code settings}, which collects every problem, each naming its
   * key; {@code null} when there is none to build (a URL that is not PostgreSQL's, a user or
   * password without a URL).
   */
  public static StoreConfig read(Settings settings) {
    // Every value is read once, first, so that every mistake is reported, whatever else is wrong.
    String url = settings.find(DATABASE_URL).orElse(null);
    String user = settings.find(DATABASE_USER).orElse(null);
    Secret password = settings.find(DATABASE_PASSWORD).map(Secret::new).orElse(null);
    Path dataDir = settings.get(Common.DATA_DIR);
    int embeddedPort = settings.get(EMBEDDED_DATABASE_PORT);
    int poolSize = settings.get(DATABASE_POOL_SIZE);
    ZoneId timeZone = settings.get(Common.TIME_ZONE);
    int dailyLimit = settings.get(Common.MAX_FIXES_PER_DAY);
    boolean usable = true;
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      settings.problem(
          DATABASE_URL,
          "must be a jdbc:postgresql: URL, not '" + DatabaseFailures.redact(url) + "'");
      usable = false;
    }
    if (url == null && (user != null || password != null)) {
      settings.problem(
          DATABASE_URL,
          "is required when "
              + (user != null ? DATABASE_USER.key() : DATABASE_PASSWORD.key())
              + " is set (the embedded server has no users)");
      usable = false;
    }
    if (!usable) {
      return null;
    }
    try {
      return new StoreConfig(
          url, user, password, dataDir, embeddedPort, poolSize, timeZone, dailyLimit);
    } catch (IllegalArgumentException refused) {
      settings.problem(refused, DATABASE_URL);
      return null;
    }
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
}
