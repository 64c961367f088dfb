package dev.autofix.store.jooq;

import static dev.autofix.store.jooq.schema.Tables.RUNS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.Issue;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.fixtures.Issues;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store remembers issues it has seen so that a repeated delivery needs no insert; the database
 * stays the authority: the answer carries the run's current status, and a run that is gone is
 * inserted again.
 */
class JooqRunStoreKnownIssuesIT {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static TestDatabase.Schema schema;

  @BeforeAll
  static void openSchema() {
    schema = TestDatabase.freshSchema(4);
  }

  @AfterAll
  static void dropSchema() {
    schema.close();
  }

  @BeforeEach
  void truncate() {
    schema.truncate();
  }

  @Test
  void insertIfAbsent_answersTheCurrentStatus_whenAKnownIssueRepeatsAfterItsRunMoved() {
    RunStore store = JooqRunStore.create(schema.dsl());
    Issue issue = Issues.anIssue().withId("storm-1").build();
    RunStore.Inserted first = (RunStore.Inserted) store.insertIfAbsent(issue, T0);
    schema
        .dsl()
        .update(RUNS)
        .set(RUNS.STATUS, RunStatus.CANCELLED.wireName())
        .where(RUNS.ID.eq(first.run().id().value()))
        .execute();

    RunStore.InsertResult again = store.insertIfAbsent(issue, T0);

    assertThat(again).isEqualTo(new RunStore.AlreadyExists(first.run().id(), RunStatus.CANCELLED));
  }

  @Test
  void insertIfAbsent_insertsAgain_whenAKnownIssuesRunIsGoneAndItsIdTaken() {
    RunStore store = JooqRunStore.create(schema.dsl());
    Issue known = Issues.anIssue().withId("known").build();
    store.insertIfAbsent(known, T0);
    schema.truncate();
    // restarted ids: another issue now has the run id the store remembers for the first one
    store.insertIfAbsent(Issues.anIssue().withId("other").build(), T0);

    RunStore.InsertResult again = store.insertIfAbsent(known, T0);

    assertThat(again).isInstanceOf(RunStore.Inserted.class);
    assertThat(schema.dsl().fetchCount(RUNS)).isEqualTo(2);
  }

  @Test
  void insertIfAbsent_keepsOneRun_whenTwoStoresShareTheDatabase() {
    RunStore a = JooqRunStore.create(schema.dsl());
    RunStore b = JooqRunStore.create(schema.dsl());
    Issue issue = Issues.anIssue().withId("shared").build();

    RunStore.InsertResult first = a.insertIfAbsent(issue, T0);
    RunStore.InsertResult fromB = b.insertIfAbsent(issue, T0);
    RunStore.InsertResult fromA = a.insertIfAbsent(issue, T0);

    assertThat(first).isInstanceOf(RunStore.Inserted.class);
    assertThat(fromB).isInstanceOf(RunStore.AlreadyExists.class);
    assertThat(fromA).isInstanceOf(RunStore.AlreadyExists.class);
    assertThat(schema.dsl().fetchCount(RUNS)).isEqualTo(1);
  }
}
