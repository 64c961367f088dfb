package dev.autofix.store.jooq;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.autofix.store.jooq.internal.DatabaseFailures;
import dev.autofix.store.jooq.internal.Dsl;
import dev.autofix.store.jooq.internal.EmbeddedPostgresServer;
import dev.autofix.store.jooq.internal.Migrations;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.jooq.DSLContext;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's database, opened: the embedded server when no URL is configured, a HikariCP pool, and
 * the schema migrated. Owned by the composition root, which closes it last.
 */
public final class StoreDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreDatabase.class);

  private final EmbeddedPostgresServer embedded;
  private final HikariDataSource dataSource;
  private final String location;

  private StoreDatabase(
      EmbeddedPostgresServer embedded, HikariDataSource dataSource, String location) {
    this.embedded = embedded;
    this.dataSource = dataSource;
    this.location = location;
  }

  /**
   * Starts the embedded server if {@code config} names no URL, opens the pool and applies the
   * migrations.
   *
   * @throws RunStoreException with a one-line message naming the URL (never the password) when the
   *     database cannot be reached or migrated
   */
  /**
   * Why the embedded database's directory is taken now (a PostgreSQL server runs on it, most likely
   * a running autofix server's), or empty; always empty for an external database. A command that
   * opens the database for a moment asks this first, so that it never stops a running server's
   * database the way {@link #open} stops an orphan.
   */
  public static java.util.Optional<String> inUse(StoreConfig config) {
    if (!config.isEmbedded()) {
      return java.util.Optional.empty();
    }
    return dev.autofix.store.jooq.internal.EmbeddedPostgresServer.runningOn(
            config.embeddedDataDir())
        .map(
            pid ->
                "a PostgreSQL server (pid "
                    + pid
                    + ") runs on "
                    + config.embeddedDataDir()
                    + ": an autofix server seems to run on this data dir");
  }

  public static StoreDatabase open(StoreConfig config) {
    Objects.requireNonNull(config, "config == null");
    EmbeddedPostgresServer embedded = null;
    String url = config.jdbcUrl();
    String user = config.user();
    StoreConfig.Secret password = config.password();
    if (config.isEmbedded()) {
      try {
        embedded =
            EmbeddedPostgresServer.start(config.embeddedDataDir(), config.embeddedPort(), false);
      } catch (IOException | RuntimeException e) {
        throw new RunStoreException(
            "cannot start the embedded PostgreSQL in "
                + config.embeddedDataDir().toAbsolutePath()
                + ": "
                + DatabaseFailures.rootMessage(e),
            e);
      }
      url = embedded.jdbcUrl("postgres");
      user = embedded.user();
      password = new StoreConfig.Secret(embedded.password());
    }
    String location = DatabaseFailures.redact(url);
    try {
      probe(url, user, password);
    } catch (SQLException e) {
      closeQuietly(null, embedded);
      throw new RunStoreException(
          "cannot connect to PostgreSQL at " + location + ": " + DatabaseFailures.rootMessage(e),
          e);
    }
    HikariConfig pool = new HikariConfig();
    pool.setPoolName("autofix-store");
    pool.setJdbcUrl(url);
    if (user != null) {
      pool.setUsername(user);
    }
    if (password != null) {
      pool.setPassword(password.value());
    }
    pool.setMaximumPoolSize(config.poolSize());
    pool.setConnectionTimeout(5_000);
    HikariDataSource dataSource = null;
    try {
      dataSource = new HikariDataSource(pool);
      Migrations.migrate(dataSource);
    } catch (RuntimeException e) {
      closeQuietly(dataSource, embedded);
      String problem =
          e instanceof FlywayException && !DatabaseFailures.isUnreachable(e)
              ? "cannot migrate the schema of PostgreSQL at "
              : "cannot connect to PostgreSQL at ";
      throw new RunStoreException(problem + location + ": " + DatabaseFailures.rootMessage(e), e);
    }
    LOG.info("run store on PostgreSQL at {}", location);
    return new StoreDatabase(embedded, dataSource, location);
  }

  /** The pooled connections. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** A jOOQ context on the pool. */
  public DSLContext dsl() {
    return Dsl.on(dataSource);
  }

  /**
   * Empty unless the embedded server has died and its supervisor is starting it again: then why, in
   * words.
   */
  public java.util.Optional<String> problem() {
    return embedded == null ? java.util.Optional.empty() : embedded.problem();
  }

  /** The JDBC URL, password removed, for messages. */
  public String location() {
    return location;
  }

  /** Closes the pool, then stops the embedded server, if any. */
  @Override
  public void close() {
    closeQuietly(dataSource, embedded);
  }

  /**
   * Opens and closes one connection, so that a database that is down gives one clear line rather
   * than the pool's logged stack trace.
   */
  private static void probe(String url, String user, StoreConfig.Secret password)
      throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password.value());
    }
    properties.setProperty("loginTimeout", "5");
    properties.setProperty("connectTimeout", "5");
    try (Connection connection = new Driver().connect(url, properties)) {
      if (connection == null) {
        throw new SQLException("the PostgreSQL driver does not accept this URL");
      }
    }
  }

  private static void closeQuietly(HikariDataSource dataSource, EmbeddedPostgresServer embedded) {
    if (dataSource != null) {
      dataSource.close();
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (RuntimeException e) {
        LOG.warn("stopping the embedded PostgreSQL failed: {}", DatabaseFailures.rootMessage(e));
      }
    }
  }
}
