package dev.autofix.store.jooq;

import static dev.autofix.store.jooq.schema.Tables.CLAIM_LOCK;
import static dev.autofix.store.jooq.schema.Tables.RUNS;
import static dev.autofix.store.jooq.schema.Tables.RUN_EVENTS;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunEvent;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.model.VerifiedFix;
import dev.autofix.core.port.RunStore;
import dev.autofix.store.jooq.internal.BatchedInserts;
import dev.autofix.store.jooq.internal.DatabaseFailures;
import dev.autofix.store.jooq.internal.KnownIssues;
import dev.autofix.store.jooq.schema.tables.records.RunEventsRecord;
import dev.autofix.store.jooq.schema.tables.records.RunsRecord;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The {@link RunStore} on PostgreSQL: the unique key on (source, issue id) de-duplicates, {@code
 * for update skip locked} hands each run to one worker, and one locked row serialises claims so the
 * cap on running runs holds across processes.
 */
final class JooqRunStore implements RunStore {
  private static final List<String> RUNNABLE =
      List.of(RunStatus.QUEUED.wireName(), RunStatus.DEFERRED.wireName());
  private static final String RUNNING = RunStatus.RUNNING.wireName();
  // a few MiB at most; far more issues than one alert storm repeats
  private static final int KNOWN_ISSUES = 10_000;

  /**
   * How long a repeat of a known issue is answered from memory, without reading its run: a storm of
   * one issue then costs one primary-key read per second, and the status a duplicate reports may
   * lag a change made by another process by this much (changes made through this store are seen at
   * once).
   */
  static final Duration TRUST_KNOWN_FOR = Duration.ofSeconds(1);

  /**
   * How many insert statements of new runs run at once; concurrent new issues are combined into its
   * multi-row statements (see {@link BatchedInserts}). One writer makes the largest batches, and
   * measured more new issues per second than two, four or eight on two cores.
   */
  private static final int INSERT_WRITERS = 1;

  private final DSLContext dsl;
  private final String location;
  private final KnownIssues known;
  private final BatchedInserts inserts;

  private JooqRunStore(DSLContext dsl, String location, KnownIssues known) {
    this.dsl = Objects.requireNonNull(dsl, "dsl == null");
    this.location = Objects.requireNonNull(location, "location == null");
    this.known = Objects.requireNonNull(known, "known == null");
    this.inserts = new BatchedInserts(dsl, INSERT_WRITERS);
  }

  /** A store on {@code dsl}'s database. */
  public static RunStore create(DSLContext dsl) {
    return create(dsl, "the PostgreSQL database");
  }

  /**
   * A store on {@code dsl}'s database; {@code location} names it in error messages (a JDBC URL
   * without its password).
   */
  public static RunStore create(DSLContext dsl, String location) {
    return create(dsl, location, TRUST_KNOWN_FOR, System::nanoTime);
  }

  /**
   * A store that answers a repeat of a known issue from memory for {@code trustKnownFor} after it
   * last saw the issue's run, on the {@code nanoTime} clock (zero: read the run on every repeat).
   */
  static RunStore create(
      DSLContext dsl, String location, Duration trustKnownFor, LongSupplier nanoTime) {
    return new JooqRunStore(
        dsl,
        DatabaseFailures.redact(location),
        new KnownIssues(KNOWN_ISSUES, trustKnownFor, nanoTime));
  }

  @Override
  public InsertResult insertIfAbsent(Issue issue, Instant now) {
    Objects.requireNonNull(issue, "issue == null");
    Objects.requireNonNull(now, "now == null");
    Optional<KnownIssues.Known> recent = known.recent(issue.id());
    if (recent.isPresent()) {
      // a storm's repeat within a second of the last look: nothing to send at all
      return new AlreadyExists(new RunId(recent.get().runId()), recent.get().status());
    }
    try {
      Optional<AlreadyExists> repeated = knownRun(issue.id());
      if (repeated.isPresent()) {
        return repeated.get(); // a storm's repeat: no insert to build, render or send
      }
    } catch (DataAccessException e) {
      return unavailableOrDefect(issue, e);
    }
    // stored to the microsecond: the run handed back must equal the row read later
    Instant created = now.truncatedTo(ChronoUnit.MICROS);
    Issue stored = toMicros(issue);
    try {
      OptionalLong inserted = inserts.insert(stored, created);
      if (inserted.isPresent()) {
        known.remember(issue.id(), inserted.getAsLong(), RunStatus.QUEUED);
        return new Inserted(FixRun.queued(new RunId(inserted.getAsLong()), stored, created));
      }
      // ON CONFLICT waited for the conflicting insert to commit, so a new statement sees its row.
      RunsRecord existing = dsl.selectFrom(RUNS).where(issueKey(issue.id())).fetchSingle();
      RunStatus status = RunStatus.fromWire(existing.getStatus());
      known.remember(issue.id(), existing.getId(), status);
      return new AlreadyExists(new RunId(existing.getId()), status);
    } catch (DataAccessException e) {
      return unavailableOrDefect(issue, e);
    }
  }

  /**
   * A database that cannot be reached, or is out of disk space, memory or connections, is an
   * expected outcome (the sender retries); anything else is a defect.
   */
  private InsertResult unavailableOrDefect(Issue issue, DataAccessException e) {
    if (DatabaseFailures.isUnreachable(e)) {
      return new Unavailable(
          "PostgreSQL at " + location + " is unreachable: " + DatabaseFailures.rootMessage(e));
    }
    if (DatabaseFailures.isOutOfResources(e)) {
      return new Unavailable(
          "PostgreSQL at "
              + location
              + " cannot take the write now (out of disk space, memory or connections): "
              + DatabaseFailures.rootMessage(e));
    }
    throw failure("recording a run for issue " + issue.id(), e);
  }

  /**
   * A repeated delivery of an issue whose run this store has seen: one read of the run's status by
   * primary key instead of an insert attempt and a lookup by issue key (the storm case). Empty when
   * the issue is not known, or its run is gone; the insert then decides, as always.
   */
  private Optional<AlreadyExists> knownRun(IssueId issue) {
    Optional<KnownIssues.Known> remembered = known.runOf(issue);
    if (remembered.isEmpty()) {
      return Optional.empty();
    }
    long run = remembered.get().runId();
    long readStarted = known.now();
    // the issue key too: ids restart when a table is truncated, and the row must still be ours
    String status =
        dsl.select(RUNS.STATUS)
            .from(RUNS)
            .where(RUNS.ID.eq(run).and(issueKey(issue)))
            .fetchOne(RUNS.STATUS);
    if (status == null) {
      known.forget(issue);
      return Optional.empty();
    }
    RunStatus current = RunStatus.fromWire(status);
    known.read(issue, run, current, readStarted);
    return Optional.of(new AlreadyExists(new RunId(run), current));
  }

  @Override
  public Optional<FixRun> claimNext(Claim claim) {
    Objects.requireNonNull(claim, "claim == null");
    Optional<FixRun> claimed = claimNextRun(claim);
    claimed.ifPresent(this::moved);
    return claimed;
  }

  private Optional<FixRun> claimNextRun(Claim claim) {
    return guarded(
        "claiming a run for " + claim.owner(),
        () ->
            dsl.<Optional<FixRun>>transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  // Every claimer in every process waits here, so the count below cannot be
                  // overtaken by another claim before this one commits.
                  tx.selectFrom(CLAIM_LOCK).where(CLAIM_LOCK.ID.eq(1)).forUpdate().fetch();
                  int running = tx.fetchCount(RUNS, RUNS.STATUS.eq(RUNNING));
                  if (running >= claim.maxRunning()) {
                    return Optional.empty();
                  }
                  Optional<RunsRecord> next =
                      tx.selectFrom(RUNS)
                          .where(RUNS.STATUS.in(RUNNABLE))
                          .and(RUNS.NOT_BEFORE.isNull().or(RUNS.NOT_BEFORE.le(claim.now())))
                          .orderBy(RUNS.CREATED_AT, RUNS.ID)
                          .limit(1)
                          .forUpdate()
                          .skipLocked()
                          .fetchOptional();
                  if (next.isEmpty()) {
                    return Optional.empty();
                  }
                  FixRun before = toRun(next.get());
                  FixRun claimed = before.claimed(claim.owner(), claim.now(), claim.lease());
                  FixRun stored = update(tx, claimed, before.status(), null);
                  appendEvent(
                      tx,
                      stored.id(),
                      before.status(),
                      RunStatus.RUNNING,
                      claim.now(),
                      "claimed by " + claim.owner());
                  return Optional.of(stored);
                }));
  }

  @Override
  public TransitionResult transition(Transition t) {
    Objects.requireNonNull(t, "transition == null");
    TransitionResult result = transitionRun(t);
    if (result instanceof Applied applied) {
      moved(applied.run());
    }
    return result;
  }

  /** Keeps what a repeat of the run's issue answers current with a change this store made. */
  private void moved(FixRun run) {
    known.moved(run.issue().id(), run.id().value(), run.status());
  }

  private TransitionResult transitionRun(Transition t) {
    return guarded(
        "moving run " + t.id() + " from " + t.from().wireName() + " to " + t.to().wireName(),
        () ->
            dsl.<TransitionResult>transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  Optional<RunsRecord> row =
                      tx.selectFrom(RUNS)
                          .where(RUNS.ID.eq(t.id().value()))
                          .forUpdate()
                          .fetchOptional();
                  if (row.isEmpty()) {
                    return new NotFound(t.id());
                  }
                  FixRun current = toRun(row.get());
                  if (current.status() != t.from()
                      || (t.leaseOwner() != null && !t.leaseOwner().equals(current.leaseOwner()))) {
                    return new Conflict(current);
                  }
                  FixRun moved = current.transitioned(t.to(), t.change(), t.at());
                  FixRun stored = update(tx, moved, t.from(), t.leaseOwner());
                  appendEvent(
                      tx,
                      stored.id(),
                      t.from(),
                      t.to(),
                      t.at(),
                      t.change().reason(),
                      t.change().attemptCost());
                  return new Applied(stored);
                }));
  }

  @Override
  public boolean renewLease(RunId id, String owner, Instant until, Instant now) {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(owner, "owner == null");
    Objects.requireNonNull(until, "until == null");
    Objects.requireNonNull(now, "now == null");
    return guarded(
        "renewing the lease of run " + id,
        () ->
            dsl.update(RUNS)
                    .set(RUNS.LEASE_UNTIL, until)
                    .set(RUNS.UPDATED_AT, now)
                    .where(RUNS.ID.eq(id.value()))
                    .and(RUNS.STATUS.eq(RUNNING))
                    .and(RUNS.LEASE_OWNER.eq(owner))
                    .execute()
                == 1);
  }

  @Override
  public List<FixRun> recoverExpired(Instant now, int maxAttempts) {
    Objects.requireNonNull(now, "now == null");
    List<FixRun> recovered = recoverExpiredRuns(now, maxAttempts);
    recovered.forEach(this::moved);
    return recovered;
  }

  private List<FixRun> recoverExpiredRuns(Instant now, int maxAttempts) {
    return guarded(
        "recovering runs with an expired lease",
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  // skip locked: a run another recoverer (or a renewing worker) holds is theirs.
                  List<FixRun> expired =
                      tx
                          .selectFrom(RUNS)
                          .where(RUNS.STATUS.eq(RUNNING))
                          .and(RUNS.LEASE_UNTIL.lt(now))
                          .orderBy(RUNS.ID)
                          .forUpdate()
                          .skipLocked()
                          .fetch()
                          .stream()
                          .map(JooqRunStore::toRun)
                          .toList();
                  List<FixRun> recovered = new ArrayList<>();
                  for (FixRun run : expired) {
                    boolean exhausted = run.attempts() >= maxAttempts;
                    RunStatus target = exhausted ? RunStatus.FAILED : RunStatus.QUEUED;
                    String reason =
                        exhausted
                            ? "abandoned by worker "
                                + run.leaseOwner()
                                + " after "
                                + run.attempts()
                                + " attempts"
                            : "abandoned by worker " + run.leaseOwner() + "; queued again";
                    FixRun moved = run.transitioned(target, RunChange.because(reason), now);
                    FixRun stored = update(tx, moved, RunStatus.RUNNING, run.leaseOwner());
                    appendEvent(tx, stored.id(), RunStatus.RUNNING, target, now, reason);
                    recovered.add(stored);
                  }
                  return List.copyOf(recovered);
                }));
  }

  @Override
  public Optional<FixRun> find(RunId id) {
    Objects.requireNonNull(id, "id == null");
    return guarded(
        "reading run " + id,
        () ->
            dsl.selectFrom(RUNS)
                .where(RUNS.ID.eq(id.value()))
                .fetchOptional()
                .map(JooqRunStore::toRun));
  }

  @Override
  public Optional<FixRun> findByIssue(IssueId issueId) {
    Objects.requireNonNull(issueId, "issueId == null");
    return guarded(
        "reading the run of issue " + issueId,
        () ->
            dsl.selectFrom(RUNS).where(issueKey(issueId)).fetchOptional().map(JooqRunStore::toRun));
  }

  @Override
  public List<FixRun> list(RunQuery query) {
    Objects.requireNonNull(query, "query == null");
    Condition where = DSL.noCondition();
    if (query.status() != null) {
      where = where.and(RUNS.STATUS.eq(query.status().wireName()));
    }
    if (query.before() != null) {
      where = where.and(RUNS.ID.lt(query.before().value()));
    }
    if (query.project() != null) {
      where = where.and(RUNS.PROJECT.eq(query.project()));
    }
    if (query.shortId() != null) {
      // jOOQ escapes % and _ in the text: a search, never a pattern
      where = where.and(RUNS.SHORT_ID.containsIgnoreCase(query.shortId()));
    }
    Condition filter = where;
    return guarded(
        "listing runs",
        () ->
            dsl
                .selectFrom(RUNS)
                .where(filter)
                .orderBy(RUNS.ID.desc())
                .limit(query.limit())
                .fetch()
                .stream()
                .map(JooqRunStore::toRun)
                .toList());
  }

  @Override
  public List<RunEvent> history(RunId id) {
    Objects.requireNonNull(id, "id == null");
    return guarded(
        "reading the history of run " + id,
        () ->
            dsl
                .selectFrom(RUN_EVENTS)
                .where(RUN_EVENTS.RUN_ID.eq(id.value()))
                .orderBy(RUN_EVENTS.ID)
                .fetch()
                .stream()
                .map(JooqRunStore::toEvent)
                .toList());
  }

  @Override
  public Map<RunStatus, Long> countByStatus() {
    return guarded(
        "counting runs",
        () -> {
          Map<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
          for (RunStatus status : RunStatus.values()) {
            counts.put(status, 0L);
          }
          dsl.select(RUNS.STATUS, DSL.count())
              .from(RUNS)
              .groupBy(RUNS.STATUS)
              .fetch()
              .forEach(r -> counts.put(RunStatus.fromWire(r.value1()), r.value2().longValue()));
          return counts;
        });
  }

  @Override
  public Map<RunId, BigDecimal> attemptCosts(List<RunId> runs) {
    Objects.requireNonNull(runs, "runs == null");
    if (runs.isEmpty()) {
      return Map.of();
    }
    List<Long> ids = runs.stream().map(RunId::value).toList();
    return guarded(
        "summing the runs' cost",
        () -> {
          Map<RunId, BigDecimal> costs = new java.util.LinkedHashMap<>();
          dsl.select(RUN_EVENTS.RUN_ID, DSL.sum(RUN_EVENTS.ATTEMPT_COST_USD))
              .from(RUN_EVENTS)
              .where(RUN_EVENTS.RUN_ID.in(ids).and(RUN_EVENTS.ATTEMPT_COST_USD.isNotNull()))
              .groupBy(RUN_EVENTS.RUN_ID)
              .fetch()
              .forEach(r -> costs.put(new RunId(r.value1()), r.value2()));
          return costs;
        });
  }

  @Override
  public BigDecimal attemptCostSince(Instant from) {
    Objects.requireNonNull(from, "from == null");
    return guarded(
        "summing the agents' cost",
        () -> {
          BigDecimal sum =
              dsl.select(DSL.sum(RUN_EVENTS.ATTEMPT_COST_USD))
                  .from(RUN_EVENTS)
                  .where(RUN_EVENTS.ATTEMPT_AGENT.isNotNull().and(RUN_EVENTS.AT.ge(from)))
                  .fetchOne(0, BigDecimal.class);
          return sum == null ? BigDecimal.ZERO : sum;
        });
  }

  // writes

  /** Stores {@code run}'s mutable fields, guarded by the status (and owner) the caller saw. */
  private static FixRun update(DSLContext tx, FixRun run, RunStatus expected, String owner) {
    Condition guard = RUNS.ID.eq(run.id().value()).and(RUNS.STATUS.eq(expected.wireName()));
    if (owner != null) {
      guard = guard.and(RUNS.LEASE_OWNER.eq(owner));
    }
    VerifiedFix fix = run.verifiedFix();
    RunsRecord stored =
        tx.update(RUNS)
            .set(RUNS.STATUS, run.status().wireName())
            .set(RUNS.ATTEMPTS, run.attempts())
            .set(RUNS.UPDATED_AT, run.updatedAt())
            .set(RUNS.STARTED_AT, run.startedAt())
            .set(RUNS.FINISHED_AT, run.finishedAt())
            .set(RUNS.NOT_BEFORE, run.notBefore())
            .set(RUNS.LEASE_OWNER, run.leaseOwner())
            .set(RUNS.LEASE_UNTIL, run.leaseUntil())
            .set(RUNS.AGENT, run.agent())
            .set(RUNS.BRANCH, run.branch())
            .set(
                RUNS.PULL_REQUEST_URL,
                run.pullRequestUrl() == null ? null : run.pullRequestUrl().toString())
            .set(RUNS.SUMMARY, run.summary())
            .set(RUNS.COST_USD, run.costUsd())
            .set(RUNS.REASON, run.reason())
            .set(RUNS.FIX_COMMIT, fix == null ? null : fix.patch().commit())
            .set(
                RUNS.FIX_FILES,
                fix == null ? null : fix.patch().changedFiles().toArray(String[]::new))
            .set(RUNS.FIX_DIFF_STAT, fix == null ? null : fix.patch().diffStat())
            .set(RUNS.FIX_REPOSITORY, fix == null ? null : fix.patch().repository().toString())
            .set(RUNS.FIX_BASE_REF, fix == null ? null : fix.baseRef())
            .set(RUNS.FIX_TURNS, fix == null ? null : fix.turns())
            .set(RUNS.FIX_TOOK_MS, fix == null ? null : fix.took().toMillis())
            .set(RUNS.FIX_CHECK, fix == null ? null : fix.check().outcome().wireName())
            .set(RUNS.FIX_CHECK_COMMAND, fix == null ? null : fix.check().command())
            .set(RUNS.FIX_CHECK_EXIT, fix == null ? null : fix.check().exitCode())
            .set(RUNS.FIX_CHECK_TOOK_MS, fix == null ? null : fix.check().took().toMillis())
            .set(RUNS.FIX_CHECK_OUTPUT, fix == null ? null : fix.check().outputTail())
            .set(RUNS.PUBLISH_SINCE, fix == null ? null : fix.publishSince())
            .set(RUNS.PUBLISH_TRIES, fix == null ? null : fix.publishTries())
            .set(RUNS.PUBLISH_FAILURE, fix == null ? null : fix.lastFailure())
            .where(guard)
            .returning()
            .fetchOptional()
            .orElseThrow(
                () ->
                    new RunStoreException(
                        "run " + run.id() + " changed under a row lock; this is a bug"));
    return toRun(stored);
  }

  private static void appendEvent(
      DSLContext tx, RunId id, RunStatus from, RunStatus to, Instant at, String reason) {
    appendEvent(tx, id, from, to, at, reason, null);
  }

  private static void appendEvent(
      DSLContext tx,
      RunId id,
      RunStatus from,
      RunStatus to,
      Instant at,
      String reason,
      dev.autofix.core.model.AttemptCost cost) {
    tx.insertInto(RUN_EVENTS)
        .set(RUN_EVENTS.RUN_ID, id.value())
        .set(RUN_EVENTS.FROM_STATUS, from == null ? null : from.wireName())
        .set(RUN_EVENTS.TO_STATUS, to.wireName())
        .set(RUN_EVENTS.AT, at)
        .set(RUN_EVENTS.REASON, reason)
        .set(RUN_EVENTS.ATTEMPT_AGENT, cost == null ? null : cost.agent())
        .set(RUN_EVENTS.ATTEMPT_COST_USD, cost == null ? null : cost.costUsd())
        .set(RUN_EVENTS.ATTEMPT_INPUT_TOKENS, cost == null ? null : cost.inputTokens())
        .set(RUN_EVENTS.ATTEMPT_OUTPUT_TOKENS, cost == null ? null : cost.outputTokens())
        .execute();
  }

  private static Condition issueKey(IssueId id) {
    return RUNS.SOURCE.eq(id.source()).and(RUNS.ISSUE_ID.eq(id.value()));
  }

  private static void writeIssue(RunsRecord row, Issue issue) {
    row.setSource(issue.id().source());
    row.setIssueId(issue.id().value());
    row.setShortId(issue.shortId());
    row.setProject(issue.project());
    row.setTitle(issue.title());
    row.setCulprit(issue.culprit());
    row.setLevel(issue.level().wireName());
    row.setPermalink(issue.permalink() == null ? null : issue.permalink().toString());
    row.setFirstSeen(issue.firstSeen());
    row.setEventCount(issue.eventCount());
  }

  // mapping to the core model

  /** {@code issue} as PostgreSQL stores it: its first-seen time to the microsecond. */
  private static Issue toMicros(Issue issue) {
    Instant firstSeen = issue.firstSeen();
    if (firstSeen == null || firstSeen.getNano() % 1_000 == 0) {
      return issue;
    }
    return new Issue(
        issue.id(),
        issue.shortId(),
        issue.project(),
        issue.title(),
        issue.culprit(),
        issue.level(),
        issue.permalink(),
        firstSeen.truncatedTo(ChronoUnit.MICROS),
        issue.eventCount(),
        issue.textReplaced());
  }

  private static FixRun toRun(RunsRecord r) {
    Issue issue =
        new Issue(
            new IssueId(r.getSource(), r.getIssueId()),
            r.getShortId(),
            r.getProject(),
            r.getTitle(),
            r.getCulprit(),
            Level.fromWire(r.getLevel()),
            r.getPermalink() == null ? null : URI.create(r.getPermalink()),
            r.getFirstSeen(),
            r.getEventCount());
    return new FixRun(
        new RunId(r.getId()),
        issue,
        RunStatus.fromWire(r.getStatus()),
        r.getAttempts(),
        r.getCreatedAt(),
        r.getUpdatedAt(),
        r.getStartedAt(),
        r.getFinishedAt(),
        r.getNotBefore(),
        r.getLeaseOwner(),
        r.getLeaseUntil(),
        r.getAgent(),
        r.getBranch(),
        r.getPullRequestUrl() == null ? null : URI.create(r.getPullRequestUrl()),
        r.getSummary(),
        r.getCostUsd(),
        r.getReason(),
        toVerifiedFix(r));
  }

  private static VerifiedFix toVerifiedFix(RunsRecord r) {
    if (r.getFixCommit() == null) {
      return null;
    }
    String[] files = r.getFixFiles();
    return new VerifiedFix(
        new Patch(
            r.getBranch(),
            r.getFixCommit(),
            files == null ? List.of() : List.of(files),
            r.getFixDiffStat(),
            Path.of(r.getFixRepository())),
        r.getFixBaseRef(),
        r.getFixTurns(),
        new VerifiedFix.Check(
            VerifiedFix.Outcome.fromWire(r.getFixCheck()),
            r.getFixCheckCommand(),
            r.getFixCheckExit(),
            Duration.ofMillis(r.getFixCheckTookMs()),
            r.getFixCheckOutput()),
        Duration.ofMillis(r.getFixTookMs()),
        r.getPublishSince(),
        r.getPublishTries(),
        r.getPublishFailure());
  }

  private static RunEvent toEvent(RunEventsRecord r) {
    return new RunEvent(
        new RunId(r.getRunId()),
        r.getFromStatus() == null ? null : RunStatus.fromWire(r.getFromStatus()),
        RunStatus.fromWire(r.getToStatus()),
        r.getAt(),
        r.getReason(),
        r.getAttemptAgent() == null
            ? null
            : new dev.autofix.core.model.AttemptCost(
                r.getAttemptAgent(),
                r.getAttemptCostUsd(),
                r.getAttemptInputTokens(),
                r.getAttemptOutputTokens()));
  }

  // failures

  private <T> T guarded(String action, Supplier<T> work) {
    try {
      return work.get();
    } catch (DataAccessException e) {
      throw failure(action, e);
    }
  }

  private dev.autofix.core.AutofixException failure(String action, DataAccessException e) {
    if (DatabaseFailures.isUnreachable(e)) {
      return new StoreUnavailableException(
          action
              + " failed: PostgreSQL at "
              + location
              + " is unreachable: "
              + DatabaseFailures.rootMessage(e),
          e);
    }
    if (DatabaseFailures.isOutOfResources(e)) {
      return new StoreUnavailableException(
          action
              + " failed: PostgreSQL at "
              + location
              + " is out of disk space, memory or connections: "
              + DatabaseFailures.rootMessage(e),
          e);
    }
    return new RunStoreException(
        action + " failed on PostgreSQL at " + location + ": " + DatabaseFailures.rootMessage(e),
        e);
  }
}
