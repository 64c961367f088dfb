package dev.autofix.store.jooq;

import static dev.autofix.store.jooq.schema.Tables.DAILY_USAGE;
import static dev.autofix.store.jooq.schema.Tables.RUNS;
import static dev.autofix.store.jooq.schema.Tables.RUN_EVENTS;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.autofix.store.jooq.internal.Dsl;
import dev.autofix.store.jooq.internal.EmbeddedPostgresServer;
import dev.autofix.store.jooq.internal.Migrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * The PostgreSQL of the integration tests: {@code AUTOFIX_TEST_DATABASE_URL} when set, else one
 * embedded server per test JVM. Each {@link Schema} is a fresh, migrated schema on it, so test
 * classes never see each other's rows.
 */
final class TestDatabase {
  private static EmbeddedPostgresServer embedded;

  private TestDatabase() {}

  /** The JDBC URL (with its user) of the test server. */
  static synchronized String url() {
    String external = System.getenv("AUTOFIX_TEST_DATABASE_URL");
    if (external != null && !external.isBlank()) {
      return external;
    }
    if (embedded == null) {
      try {
        embedded =
            EmbeddedPostgresServer.start(Files.createTempDirectory("autofix-it-postgres"), 0, true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedPostgresServer server = embedded;
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-postgres-stop"));
    }
    return embedded.jdbcUrl("postgres")
        + "?user="
        + embedded.user()
        + "&password="
        + embedded.password();
  }

  /** A new migrated schema with a pool of {@code poolSize} connections on it. */
  static Schema freshSchema(int poolSize) {
    String name =
        "it_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    HikariDataSource dataSource = pool(name, poolSize);
    Migrations.migrate(dataSource, name);
    return new Schema(name, dataSource);
  }

  private static HikariDataSource pool(String schema, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url());
    config.setSchema(schema);
    config.setMaximumPoolSize(poolSize);
    config.setConnectionTimeout(10_000);
    return new HikariDataSource(config);
  }

  /** A schema of its own and a pool on it. */
  record Schema(String name, HikariDataSource dataSource, boolean shared) implements AutoCloseable {
    Schema(String name, HikariDataSource dataSource) {
      this(name, dataSource, false);
    }

    /** Another pool on {@code other}'s schema, as a second process would have. */
    static Schema sameSchema(Schema other, int poolSize) {
      return new Schema(other.name(), pool(other.name(), poolSize), true);
    }

    DSLContext dsl() {
      return Dsl.on(dataSource);
    }

    /** Deletes every row and restarts the ids. */
    void truncate() {
      dsl().truncate(RUN_EVENTS).restartIdentity().cascade().execute();
      dsl().truncate(RUNS).restartIdentity().cascade().execute();
      dsl().truncate(DAILY_USAGE).execute();
    }

    /** Drops the schema and closes the pool; a {@link #sameSchema} copy only closes its pool. */
    @Override
    public void close() {
      if (!shared) {
        dsl().dropSchemaIfExists(name).cascade().execute();
      }
      dataSource.close();
    }
  }
}
