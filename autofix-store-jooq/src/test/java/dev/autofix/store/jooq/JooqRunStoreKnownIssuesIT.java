package dev.autofix.store.jooq;

import static dev.autofix.store.jooq.schema.Tables.RUNS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.Issue;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.fixtures.Issues;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store remembers issues it has seen so that a repeated delivery needs no insert, and within a
 * second of its last look not even a read; past that the database is asked again: the answer
 * carries the run's current status, and a run that is gone is inserted again.
 */
class JooqRunStoreKnownIssuesIT {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static TestDatabase.Schema schema;
  private final AtomicLong nanos = new AtomicLong();

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

  private RunStore store() {
    return JooqRunStore.create(schema.dsl(), "test", Duration.ofSeconds(1), nanos::get);
  }

  private void setStatusBehindTheStoresBack(RunStore.Inserted run, RunStatus status) {
    schema
        .dsl()
        .update(RUNS)
        .set(RUNS.STATUS, status.wireName())
        .where(RUNS.ID.eq(run.run().id().value()))
        .execute();
  }

  @Test
  void insertIfAbsent_answersFromMemory_withinASecondOfTheLastLook() {
    RunStore store = store();
    Issue issue = Issues.anIssue().withId("storm-0").build();
    RunStore.Inserted first = (RunStore.Inserted) store.insertIfAbsent(issue, T0);
    setStatusBehindTheStoresBack(first, RunStatus.CANCELLED);
    nanos.addAndGet(Duration.ofMillis(900).toNanos());

    // no read: the change made behind the store's back is not seen yet
    assertThat(store.insertIfAbsent(issue, T0))
        .isEqualTo(new RunStore.AlreadyExists(first.run().id(), RunStatus.QUEUED));
  }

  @Test
  void insertIfAbsent_answersTheCurrentStatus_whenAKnownIssueRepeatsAfterItsRunMoved() {
    RunStore store = store();
    Issue issue = Issues.anIssue().withId("storm-1").build();
    RunStore.Inserted first = (RunStore.Inserted) store.insertIfAbsent(issue, T0);
    setStatusBehindTheStoresBack(first, RunStatus.CANCELLED);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());

    RunStore.InsertResult again = store.insertIfAbsent(issue, T0);

    assertThat(again).isEqualTo(new RunStore.AlreadyExists(first.run().id(), RunStatus.CANCELLED));
  }

  @Test
  void insertIfAbsent_answersAtOnce_aChangeMadeThroughTheStore() {
    RunStore store = store();
    Issue issue = Issues.anIssue().withId("storm-2").build();
    RunStore.Inserted first = (RunStore.Inserted) store.insertIfAbsent(issue, T0);
    store.claimNext(new RunStore.Claim("w1", T0, Duration.ofMinutes(2), 1)).orElseThrow();

    assertThat(store.insertIfAbsent(issue, T0))
        .isEqualTo(new RunStore.AlreadyExists(first.run().id(), RunStatus.RUNNING));

    store.transition(
        new RunStore.Transition(
            first.run().id(),
            RunStatus.RUNNING,
            RunStatus.NO_FIX,
            T0,
            "w1",
            RunChange.because("nothing to fix")));

    assertThat(store.insertIfAbsent(issue, T0))
        .isEqualTo(new RunStore.AlreadyExists(first.run().id(), RunStatus.NO_FIX));
  }

  @Test
  void insertIfAbsent_insertsAgain_whenAKnownIssuesRunIsGoneAndItsIdTaken() {
    RunStore store = store();
    Issue known = Issues.anIssue().withId("known").build();
    store.insertIfAbsent(known, T0);
    schema.truncate();
    // restarted ids: another issue now has the run id the store remembers for the first one
    store.insertIfAbsent(Issues.anIssue().withId("other").build(), T0);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());

    RunStore.InsertResult again = store.insertIfAbsent(known, T0);

    assertThat(again).isInstanceOf(RunStore.Inserted.class);
    assertThat(schema.dsl().fetchCount(RUNS)).isEqualTo(2);
  }

  @Test
  void insertIfAbsent_keepsOneRun_whenTwoStoresShareTheDatabase() {
    RunStore a = store();
    RunStore b = store();
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
