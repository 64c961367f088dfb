package dev.autofix.store.jooq;

import dev.autofix.core.port.RunStore;
import org.jooq.DSLContext;

/**
 * The public entry point to the PostgreSQL run store for code outside this package.
 *
 * <p>{@link JooqRunStore} stays package-private (ArchUnit rule: port implementations are hidden),
 * and Java does not let other packages call a public static method of a package-private class, so
 * embedders wiring by hand call this instead.
 */
public final class JooqRunStores {
  private JooqRunStores() {}

  /** A store on {@code database}, named by its URL in error messages. */
  public static RunStore create(StoreDatabase database) {
    return JooqRunStore.create(database.dsl(), database.location());
  }

  /** See {@link JooqRunStore#create(DSLContext, String)}. */
  public static RunStore create(DSLContext dsl, String location) {
    return JooqRunStore.create(dsl, location);
  }
}
