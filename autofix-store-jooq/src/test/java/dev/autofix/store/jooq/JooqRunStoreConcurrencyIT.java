package dev.autofix.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.Concurrently;
import dev.autofix.testkit.fixtures.Issues;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contention beyond the contract kit: many issues at once, and stores on separate pools acting out
 * separate processes that share one database.
 */
class JooqRunStoreConcurrencyIT {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Duration LEASE = Duration.ofMinutes(30);

  private static TestDatabase.Schema processA;
  private static TestDatabase.Schema processB;

  @BeforeAll
  static void openSchema() {
    processA = TestDatabase.freshSchema(16);
    processB = TestDatabase.Schema.sameSchema(processA, 16);
  }

  @AfterAll
  static void dropSchema() {
    processB.close();
    processA.close();
  }

  @BeforeEach
  void truncate() {
    processA.truncate();
  }

  @Test
  void insertIfAbsent_createsEveryRun_for1000DistinctIssuesFrom16Threads() throws Exception {
    RunStore store = JooqRunStore.create(processA.dsl());
    AtomicInteger next = new AtomicInteger();
    List<Integer> inserted =
        concurrently(
            16,
            () -> {
              int count = 0;
              while (next.getAndIncrement() < 1000) {
                if (store.insertIfAbsent(Issues.anIssue().build(), T0)
                    instanceof RunStore.Inserted) {
                  count++;
                }
              }
              return count;
            });

    assertThat(inserted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
    assertThat(store.countByStatus().get(RunStatus.QUEUED)).isEqualTo(1000L);
  }

  @Test
  void insertIfAbsent_createsOneRun_whenTwoProcessesInsertTheSameIssue() throws Exception {
    RunStore a = JooqRunStore.create(processA.dsl());
    RunStore b = JooqRunStore.create(processB.dsl());
    var issue = Issues.anIssue().build();
    AtomicInteger turn = new AtomicInteger();

    List<RunStore.InsertResult> results =
        concurrently(32, () -> (turn.getAndIncrement() % 2 == 0 ? a : b).insertIfAbsent(issue, T0));

    assertThat(results).filteredOn(r -> r instanceof RunStore.Inserted).hasSize(1);
    assertThat(results).filteredOn(r -> r instanceof RunStore.AlreadyExists).hasSize(31);
  }

  @Test
  void claimNext_holdsTheGlobalCap_acrossTwoProcesses() throws Exception {
    RunStore a = JooqRunStore.create(processA.dsl());
    RunStore b = JooqRunStore.create(processB.dsl());
    for (int i = 0; i < 20; i++) {
      a.insertIfAbsent(Issues.anIssue().build(), T0.plusMillis(i));
    }
    AtomicInteger turn = new AtomicInteger();

    List<Optional<FixRun>> claims =
        concurrently(
            16,
            () -> {
              int n = turn.getAndIncrement();
              RunStore store = n % 2 == 0 ? a : b;
              return store.claimNext(new RunStore.Claim("w" + n, T0.plusSeconds(1), LEASE, 3));
            });

    assertThat(claims).filteredOn(Optional::isPresent).hasSize(3);
    assertThat(a.countByStatus().get(RunStatus.RUNNING)).isEqualTo(3L);
  }

  @Test
  void claimNext_claimsEachRunOnce_withWorkersInTwoProcesses() throws Exception {
    RunStore a = JooqRunStore.create(processA.dsl());
    RunStore b = JooqRunStore.create(processB.dsl());
    for (int i = 0; i < 200; i++) {
      a.insertIfAbsent(Issues.anIssue().build(), T0.plusMillis(i));
    }
    AtomicInteger turn = new AtomicInteger();

    List<List<Long>> claimed =
        concurrently(
            4,
            () -> {
              int n = turn.getAndIncrement();
              RunStore store = n % 2 == 0 ? a : b;
              List<Long> ids = new ArrayList<>();
              Optional<FixRun> next;
              while ((next =
                      store.claimNext(new RunStore.Claim("w" + n, T0.plusSeconds(1), LEASE, 1000)))
                  .isPresent()) {
                ids.add(next.get().id().value());
              }
              return ids;
            });

    List<Long> all = claimed.stream().flatMap(List::stream).toList();
    assertThat(all).hasSize(200).doesNotHaveDuplicates();
  }

  private static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
    return Concurrently.run(threads, task);
  }
}
