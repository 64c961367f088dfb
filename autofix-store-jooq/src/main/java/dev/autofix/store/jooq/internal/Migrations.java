package dev.autofix.store.jooq.internal;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies the Flyway migrations in {@code db/migration} of this module. */
public final class Migrations {
  private Migrations() {}

  /** Brings the database's default schema up to date. */
  public static void migrate(DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }

  /** Brings {@code schema} up to date, creating it first if needed (tests use one per class). */
  public static void migrate(DataSource dataSource, String schema) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .load()
        .migrate();
  }
}
