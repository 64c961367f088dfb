package dev.autofix.store.jooq;

import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.contract.RunStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The run store contract against a real PostgreSQL. */
class JooqRunStoreIT extends RunStoreContract {
  private static TestDatabase.Schema schema;

  @BeforeAll
  static void openSchema() {
    schema = TestDatabase.freshSchema(80);
  }

  @AfterAll
  static void dropSchema() {
    schema.close();
  }

  @Override
  protected RunStore newStore() {
    schema.truncate();
    return JooqRunStore.create(schema.dsl(), TestDatabase.url());
  }
}
