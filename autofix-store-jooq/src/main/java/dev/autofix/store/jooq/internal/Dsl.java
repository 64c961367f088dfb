package dev.autofix.store.jooq.internal;

import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/** The jOOQ context the store uses on a pool. */
public final class Dsl {
  private Dsl() {}

  /**
   * A PostgreSQL context on {@code dataSource}. jOOQ's per-query execute and diagnostics logging
   * are off: they cost a measurable share of a one-round-trip insert (see the README's benchmark).
   */
  public static DSLContext on(DataSource dataSource) {
    return DSL.using(
        dataSource,
        SQLDialect.POSTGRES,
        new Settings().withExecuteLogging(false).withDiagnosticsLogging(false));
  }
}
