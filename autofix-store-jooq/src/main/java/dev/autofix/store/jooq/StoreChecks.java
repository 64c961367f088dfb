package dev.autofix.store.jooq;

import dev.autofix.support.check.Check;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * {@code autofix doctor}'s check of the database: an external one is connected to (and asked one
 * {@code SELECT 1}); the embedded one is started by the server itself, so only its place is said.
 * Nothing is migrated or written.
 */
public final class StoreChecks {
  private static final int TIMEOUT_SECONDS = 10;

  private StoreChecks() {}

  public static List<Check> run(StoreConfig config) {
    Objects.requireNonNull(config, "config == null");
    if (config.isEmbedded()) {
      java.nio.file.Path where = config.dataDir().resolve("postgres");
      return List.of(
          Check.ok(
              "database",
              "the embedded PostgreSQL in "
                  + where
                  + (Files.isDirectory(where)
                      ? " (the server starts it)"
                      : " (created at the server's first start)")));
    }
    // the URL may carry ?password=: never shown
    String shown = dev.autofix.store.jooq.internal.DatabaseFailures.redact(config.jdbcUrl());
    Properties properties = new Properties();
    if (config.user() != null) {
      properties.setProperty("user", config.user());
    }
    if (config.password() != null) {
      properties.setProperty("password", config.password().value());
    }
    properties.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS));
    properties.setProperty("socketTimeout", Integer.toString(TIMEOUT_SECONDS));
    properties.setProperty("loginTimeout", Integer.toString(TIMEOUT_SECONDS));
    try (Connection connection =
        new org.postgresql.Driver().connect(config.jdbcUrl(), properties)) {
      if (connection == null) {
        return List.of(
            Check.fail(
                "database",
                shown + " is not a PostgreSQL JDBC URL",
                "set AUTOFIX_DATABASE_URL to jdbc:postgresql://host:port/database"));
      }
      connection.createStatement().execute("SELECT 1");
      return List.of(Check.ok("database", "connected to " + shown));
    } catch (SQLException e) {
      return List.of(
          Check.fail(
              "database",
              "cannot connect to "
                  + shown
                  + ": "
                  + dev.autofix.store.jooq.internal.DatabaseFailures.redact(
                      String.valueOf(e.getMessage()).lines().findFirst().orElse("")),
              "check AUTOFIX_DATABASE_URL, AUTOFIX_DATABASE_USER and AUTOFIX_DATABASE_PASSWORD,"
                  + " and that the server is up"));
    }
  }
}
