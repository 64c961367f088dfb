package dev.autofix.store.jooq;

import static dev.autofix.store.jooq.schema.Tables.RUNS;
import static dev.autofix.store.jooq.schema.Tables.RUN_EVENTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.Issue;
import dev.autofix.store.jooq.internal.BatchedInserts;
import dev.autofix.testkit.fixtures.Issues;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Concurrent new runs combined into multi-row inserts: made deterministic by holding a lock on
 * {@code runs} so that the first writer blocks while the others queue behind it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BatchedInsertsIT {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  /**
   * A recheck period no test outlives: a row not handed on between writers hangs (and times out).
   */
  private static final Duration NO_SAFETY_NET = Duration.ofHours(1);

  private static TestDatabase.Schema schema;

  @BeforeAll
  static void openSchema() {
    schema = TestDatabase.freshSchema(8);
  }

  @AfterAll
  static void dropSchema() {
    schema.close();
  }

  @BeforeEach
  void truncate() {
    schema.truncate();
  }

  /** Another transaction holding a lock that blocks every insert into runs, until released. */
  private static final class RunsLock implements AutoCloseable {
    private final CountDownLatch locked = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread holder;

    RunsLock() throws InterruptedException {
      holder =
          Thread.ofPlatform()
              .start(
                  () ->
                      schema
                          .dsl()
                          .transaction(
                              cfg -> {
                                cfg.dsl().execute("lock table runs in exclusive mode");
                                locked.countDown();
                                release.await();
                              }));
      assertThat(locked.await(10, TimeUnit.SECONDS)).as("the lock was taken").isTrue();
    }

    void release() throws InterruptedException {
      release.countDown();
      holder.join(10_000);
      assertThat(holder.isAlive()).as("the lock holder ended").isFalse();
    }

    @Override
    public void close() throws InterruptedException {
      release.countDown();
      holder.join(10_000);
    }
  }

  /** Runs {@code inserts} while another transaction blocks every insert into runs. */
  private List<Future<OptionalLong>> behindALock(BatchedInserts batched, List<Issue> issues)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(issues.size());
    try (RunsLock lock = new RunsLock()) {
      List<Future<OptionalLong>> results = new ArrayList<>();
      // the first becomes the writer and blocks on the lock; the rest queue behind it
      results.add(pool.submit(() -> batched.insert(issues.getFirst(), T0)));
      waitUntil(() -> batched.queued() == 0);
      Thread.sleep(100); // the first insert is now waiting for the lock
      for (Issue issue : issues.subList(1, issues.size())) {
        results.add(pool.submit(() -> batched.insert(issue, T0)));
      }
      waitUntil(() -> batched.queued() == issues.size() - 1);
      lock.release();
      for (Future<OptionalLong> result : results) {
        try {
          result.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException expectedForSome) {
          // inspected by the caller
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void queuedInserts_goInOneStatement_andEachCallerGetsItsOwnRun() throws Exception {
    BatchedInserts batched = new BatchedInserts(schema.dsl(), 1);
    List<Issue> issues = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      issues.add(Issues.anIssue().withId("batched-" + i).build());
    }
    // the same issue twice in one batch: one run
    issues.add(Issues.anIssue().withId("batched-3").build());

    List<Future<OptionalLong>> results = behindALock(batched, issues);

    List<Long> created = new ArrayList<>();
    for (Future<OptionalLong> result : results) {
      result.get().ifPresent(created::add);
    }
    assertThat(created).hasSize(10).doesNotHaveDuplicates();
    // the two deliveries of batched-3 queue in whichever order their threads ran: one created it
    assertThat(results.get(3).get().isPresent())
        .as("exactly one of the two deliveries of batched-3 created its run")
        .isNotEqualTo(results.get(10).get().isPresent());
    assertThat(schema.dsl().fetchCount(RUNS)).isEqualTo(10);
    assertThat(schema.dsl().fetchCount(RUN_EVENTS)).isEqualTo(10);
    for (int i = 0; i < 10; i++) {
      Long id =
          schema
              .dsl()
              .select(RUNS.ID)
              .from(RUNS)
              .where(RUNS.ISSUE_ID.eq("batched-" + i))
              .fetchOne(RUNS.ID);
      OptionalLong handed =
          i == 3 && results.get(3).get().isEmpty() ? results.get(10).get() : results.get(i).get();
      assertThat(handed).as("the id handed to the caller of issue " + i).hasValue(id);
    }
  }

  @Test
  void aRowRefusedForItself_failsOnlyItsCaller() throws Exception {
    BatchedInserts batched = new BatchedInserts(schema.dsl(), 1);
    List<Issue> issues = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      issues.add(Issues.anIssue().withId("fine-" + i).build());
    }
    // issue_id is varchar(200): this row alone is refused
    issues.add(3, Issues.anIssue().withId("x".repeat(300)).build());

    List<Future<OptionalLong>> results = behindALock(batched, issues);

    for (int i = 0; i < results.size(); i++) {
      if (i == 3) {
        assertThat(results.get(i))
            .failsWithin(java.time.Duration.ofSeconds(1))
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .withCauseInstanceOf(DataAccessException.class);
      } else {
        assertThat(results.get(i).get()).as("issue " + i).isPresent();
      }
    }
    assertThat(schema.dsl().fetchCount(RUNS)).isEqualTo(6);
  }

  @Test
  void theWriterThreadEndsWhenIdle_andANewOneTakesTheNextRow() throws Exception {
    BatchedInserts batched =
        new BatchedInserts(schema.dsl(), 1, Duration.ofMillis(200), NO_SAFETY_NET);
    assertThat(batched.writers()).as("no thread before the first row").isZero();

    assertThat(batched.insert(Issues.anIssue().withId("idle-1").build(), T0)).isPresent();
    waitUntil(() -> batched.writers() == 0);

    assertThat(batched.insert(Issues.anIssue().withId("idle-2").build(), T0)).isPresent();
    assertThat(batched.insert(Issues.anIssue().withId("idle-1").build(), T0))
        .as("the unique key still decides")
        .isEmpty();
    assertThat(schema.dsl().fetchCount(RUNS)).isEqualTo(2);
  }

  @Test
  void manyVirtualThreadCallers_eachGetAnAnswer_andEachIssueOneRun() throws Exception {
    // a short idle time, so that writers also end and restart while callers keep coming
    BatchedInserts batched =
        new BatchedInserts(schema.dsl(), 1, Duration.ofMillis(1), NO_SAFETY_NET);
    int callers = 400;
    int issues = 150;
    List<Future<OptionalLong>> results = new ArrayList<>();
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (int i = 0; i < callers; i++) {
        Issue issue = Issues.anIssue().withId("many-" + (i % issues)).build();
        results.add(pool.submit(() -> batched.insert(issue, T0)));
        if (i % 50 == 0) {
          Thread.sleep(5);
        }
      }
      long created = 0;
      for (Future<OptionalLong> result : results) {
        if (result.get(30, TimeUnit.SECONDS).isPresent()) {
          created++;
        }
      }
      assertThat(created).as("callers told they created a run").isEqualTo(issues);
    } finally {
      pool.shutdownNow(); // not close(): a caller that never got its answer must not hang the test
    }
    assertThat(schema.dsl().fetchCount(RUNS)).isEqualTo(issues);
    assertThat(schema.dsl().fetchCount(RUN_EVENTS)).isEqualTo(issues);
  }

  @Test
  void anInterruptedCaller_waitsWithoutSpinning_forItsAnswer_andKeepsTheInterrupt()
      throws Exception {
    BatchedInserts batched =
        new BatchedInserts(schema.dsl(), 1, BatchedInserts.IDLE, NO_SAFETY_NET);
    try (RunsLock lock = new RunsLock()) {
      AtomicReference<OptionalLong> answer = new AtomicReference<>();
      AtomicBoolean stillInterrupted = new AtomicBoolean();
      Thread caller =
          Thread.ofPlatform()
              .start(
                  () -> {
                    answer.set(batched.insert(Issues.anIssue().withId("interrupted").build(), T0));
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                  });
      waitUntil(() -> batched.queued() == 0); // the writer has the row, and waits for the lock
      caller.interrupt();
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      long before = cpu.getThreadCpuTime(caller.threadId());
      Thread.sleep(500);
      long spent = cpu.getThreadCpuTime(caller.threadId()) - before;
      assertThat(spent)
          .as("CPU nanoseconds the waiting caller used in 500 ms")
          .isLessThan(100_000_000L);

      lock.release();
      caller.join(10_000);
      assertThat(answer.get()).isPresent();
      assertThat(stillInterrupted.get()).as("the interrupt is kept for the caller").isTrue();
    }
  }
}
