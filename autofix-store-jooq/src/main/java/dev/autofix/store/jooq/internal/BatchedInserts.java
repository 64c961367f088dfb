package dev.autofix.store.jooq.internal;

import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jooq.DSLContext;

/**
 * Inserts of new runs from concurrent callers, combined into multi-row statements: group commit
 * done by the application. Each caller queues its row and waits; a writer thread takes everything
 * queued (up to {@link #MAX_ROWS} rows), inserts it as one statement in one transaction, and
 * answers every caller whose row went into that statement. An uncontended caller's row goes out at
 * once, so nothing waits for a batch to fill.
 *
 * <p>Each statement is still {@code insert ... on conflict do nothing}: the unique key decides
 * which call created a run, exactly as with one row. A batch in which one row is refused for itself
 * (say, a value too long for its column) is retried row by row, so only that row's caller sees the
 * failure. The answer is given only after the transaction committed.
 *
 * <p>Why: PostgreSQL spends most of a one-row insert on the statement and the commit around it;
 * four rows per statement measured 2.5 times the rows per second of one row per statement on two
 * cores, for the same statement shape.
 *
 * <p>The writers are platform threads of their own, started when rows arrive and ended after {@link
 * #IDLE} without any, so an idle store holds no thread. Why not the callers' threads: the callers
 * are usually virtual threads of a busy HTTP server, and a virtual thread whose database answer
 * arrived waits for a carrier behind every request in the scheduler's queue, with the whole batch
 * waiting on it; an operating-system thread is woken by the kernel as soon as its answer arrives.
 * New issues at 8 connections measured 13 to 25 % more per second this way (BENCHMARKS.md). If a
 * writer thread cannot be started, the caller writes the batch itself.
 */
public final class BatchedInserts {
  /** The most rows in one statement. */
  public static final int MAX_ROWS = 32;

  /** How long a writer thread waits for rows before it ends, by default. */
  public static final Duration IDLE = Duration.ofSeconds(5);

  /** How often a waiting caller makes sure a writer is on its row, by default (a safety net). */
  public static final Duration RECHECK = Duration.ofMillis(100);

  private static final Comparator<IssueId> KEY_ORDER =
      Comparator.comparing(IssueId::source).thenComparing(IssueId::value);

  private final DSLContext dsl;
  private final int maxWriters;
  private final long idleNanos;
  private final long recheckNanos;
  private final AtomicReferenceArray<NewRunInsert> statements =
      new AtomicReferenceArray<>(MAX_ROWS);
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition rowsQueued = lock.newCondition();
  private int writers; // guarded by lock: writer threads alive
  private int idleWriters; // guarded by lock: writer threads waiting for rows

  /**
   * @param dsl the database
   * @param maxWriters how many writer threads at most (each holds one pooled connection while it
   *     writes); one measured best on two cores, as it makes the largest batches
   */
  public BatchedInserts(DSLContext dsl, int maxWriters) {
    this(dsl, maxWriters, IDLE, RECHECK);
  }

  /**
   * @param dsl the database
   * @param maxWriters how many writer threads at most
   * @param idle how long a writer thread waits for rows before it ends
   * @param recheck how often a waiting caller makes sure a writer is on its row (a safety net:
   *     writers hand rows on without it)
   */
  public BatchedInserts(DSLContext dsl, int maxWriters, Duration idle, Duration recheck) {
    this.dsl = Objects.requireNonNull(dsl, "dsl == null");
    if (maxWriters < 1) {
      throw new IllegalArgumentException("maxWriters must be at least 1: " + maxWriters);
    }
    if (idle.isNegative() || idle.isZero()) {
      throw new IllegalArgumentException("idle must be positive: " + idle);
    }
    this.maxWriters = maxWriters;
    this.idleNanos = idle.toNanos();
    if (recheck.isNegative() || recheck.isZero()) {
      throw new IllegalArgumentException("recheck must be positive: " + recheck);
    }
    this.recheckNanos = recheck.toNanos();
    statements.set(0, NewRunInsert.render(dsl, 1));
  }

  /** One caller's row and, once its statement ran, its answer. */
  private static final class Pending {
    final NewRunInsert.Row row;
    final Thread caller = Thread.currentThread();
    // written before done, read after it: done's volatile write and read order them
    OptionalLong created = OptionalLong.empty();
    RuntimeException failure;
    volatile boolean done;

    Pending(NewRunInsert.Row row) {
      this.row = row;
    }
  }

  /**
   * Inserts a queued run for {@code issue} created at {@code now} (to the microsecond, as stored),
   * unless the issue has one already; returns when the insert has committed.
   *
   * @return the new run's id; empty when a run for the issue existed (the unique key decided)
   * @throws org.jooq.exception.DataAccessException when the database failed this insert
   */
  public OptionalLong insert(Issue issue, Instant now) {
    Pending mine = new Pending(new NewRunInsert.Row(issue, now));
    queue.add(mine);
    boolean interrupted = false;
    while (!mine.done) {
      if (!wakeWriter()) {
        writeAnsweringAll(drain()); // no writer thread to be had: this caller writes
        continue;
      }
      // a writer unparks this caller when its row is done; waking now and then, and making sure a
      // writer is on it, is only a safety net (a writer whose successor could not be started)
      LockSupport.parkNanos(this, recheckNanos);
      // an interrupt would make every later park return at once: keep it for the caller instead
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (mine.failure != null) {
      throw mine.failure;
    }
    return mine.created;
  }

  /** Makes sure a writer will take the queued rows; false when none could be started. */
  private boolean wakeWriter() {
    lock.lock();
    try {
      if (queue.isEmpty()) {
        return true; // a writer has taken them
      }
      if (idleWriters > 0) {
        rowsQueued.signal();
      } else if (writers < maxWriters) {
        Thread.ofPlatform()
            .daemon()
            .name("autofix-insert-writer")
            .inheritInheritableThreadLocals(false)
            .start(this::writeLoop);
        writers++;
      }
      // else: every writer is busy, and each looks at the queue again before it waits
      return true;
    } catch (OutOfMemoryError | RuntimeException cannotStart) {
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void writeLoop() {
    try {
      while (awaitRows()) {
        writeAnsweringAll(drain());
      }
    } finally {
      lock.lock();
      try {
        writers--;
      } finally {
        lock.unlock();
      }
      // rows queued as this writer left (after it last looked): a successor takes them
      wakeWriter();
    }
  }

  /** Waits for queued rows; false when none came for the idle time. */
  private boolean awaitRows() {
    lock.lock();
    try {
      long idle = idleNanos;
      while (queue.isEmpty()) {
        if (idle <= 0) {
          return false;
        }
        idleWriters++;
        try {
          idle = rowsQueued.awaitNanos(idle);
        } catch (InterruptedException e) {
          return !queue.isEmpty();
        } finally {
          idleWriters--;
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** How many writer threads are alive (for tests). */
  public int writers() {
    lock.lock();
    try {
      return writers;
    } finally {
      lock.unlock();
    }
  }

  /** How many rows wait for a writer (for tests). */
  public int queued() {
    return queue.size();
  }

  private List<Pending> drain() {
    List<Pending> batch = new ArrayList<>();
    Pending next;
    while (batch.size() < MAX_ROWS && (next = queue.poll()) != null) {
      batch.add(next);
    }
    return batch;
  }

  /** {@link #write}, and on an Error still answers every caller of the batch. */
  private void writeAnsweringAll(List<Pending> batch) {
    try {
      write(batch);
    } catch (Throwable unexpected) {
      // an Error: every caller of the batch still needs an answer, or it waits for ever
      complete(
          byIssue(batch), Map.of(), new IllegalStateException("inserting runs failed", unexpected));
    }
  }

  /** Inserts the batch and answers every caller in it; throws only an Error. */
  private void write(List<Pending> batch) {
    if (batch.isEmpty()) {
      return;
    }
    // one row per issue: a second delivery of the same issue in the batch shares the first's fate.
    // Rows in key order: two batches in flight (here or in another process) then take their
    // unique-index locks in the same order, so they can wait on each other but never deadlock.
    Map<IssueId, List<Pending>> byIssue = byIssue(batch);
    List<NewRunInsert.Row> rows = new ArrayList<>(byIssue.size());
    byIssue.values().forEach(same -> rows.add(same.getFirst().row));
    try {
      Map<IssueId, Long> created = execute(rows);
      complete(byIssue, created, null);
    } catch (RuntimeException e) {
      if (rows.size() == 1 || !DatabaseFailures.isAboutOneRow(e)) {
        complete(byIssue, Map.of(), e);
        return;
      }
      // a row refused for itself must not fail the others: each alone
      for (Map.Entry<IssueId, List<Pending>> issue : byIssue.entrySet()) {
        Map<IssueId, List<Pending>> one = Map.of(issue.getKey(), issue.getValue());
        try {
          complete(one, execute(List.of(issue.getValue().getFirst().row)), null);
        } catch (RuntimeException alone) {
          complete(one, Map.of(), alone);
        }
      }
    }
  }

  /** The batch's callers by issue, in key order. */
  private static Map<IssueId, List<Pending>> byIssue(List<Pending> batch) {
    Map<IssueId, List<Pending>> byIssue = new TreeMap<>(KEY_ORDER);
    for (Pending p : batch) {
      byIssue.computeIfAbsent(p.row.issue().id(), id -> new ArrayList<>()).add(p);
    }
    return byIssue;
  }

  private Map<IssueId, Long> execute(List<NewRunInsert.Row> rows) {
    NewRunInsert statement = statement(rows.size());
    return dsl.connectionResult(connection -> statement.execute(connection, rows));
  }

  private NewRunInsert statement(int rows) {
    NewRunInsert statement = statements.get(rows - 1);
    if (statement == null) {
      statement = NewRunInsert.render(dsl, rows);
      statements.compareAndSet(rows - 1, null, statement);
    }
    return statement;
  }

  private static void complete(
      Map<IssueId, List<Pending>> byIssue, Map<IssueId, Long> created, RuntimeException failure) {
    for (Map.Entry<IssueId, List<Pending>> issue : byIssue.entrySet()) {
      Long id = created.get(issue.getKey());
      List<Pending> same = issue.getValue();
      for (int i = 0; i < same.size(); i++) {
        Pending p = same.get(i);
        if (p.done) {
          continue;
        }
        p.failure = failure;
        // only the first delivery of an issue can have created its run
        p.created = id != null && i == 0 ? OptionalLong.of(id) : OptionalLong.empty();
        p.done = true;
        LockSupport.unpark(p.caller);
      }
    }
  }
}
