package dev.autofix.testkit;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.RunEvent;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link RunStore} in memory: the same rules as the PostgreSQL store (it passes the same contract
 * kit), one lock for everything. Can be switched {@link #setAvailable unavailable} to act out a
 * database that is down.
 */
public final class InMemoryRunStore implements RunStore {
  private final TreeMap<Long, FixRun> runs = new TreeMap<>();
  private final Map<IssueId, Long> byIssue = new HashMap<>();
  private final Map<Long, List<RunEvent>> history = new HashMap<>();
  private final AtomicBoolean available = new AtomicBoolean(true);
  private long nextId = 1;

  /** Whether inserts succeed; when false, {@link #insertIfAbsent} answers {@code Unavailable}. */
  public void setAvailable(boolean value) {
    available.set(value);
  }

  @Override
  public synchronized InsertResult insertIfAbsent(Issue issue, Instant now) {
    if (!available.get()) {
      return new Unavailable("the in-memory store is switched off");
    }
    Long existing = byIssue.get(issue.id());
    if (existing != null) {
      FixRun run = runs.get(existing);
      return new AlreadyExists(run.id(), run.status());
    }
    FixRun run = FixRun.queued(new RunId(nextId++), issue, now);
    runs.put(run.id().value(), run);
    byIssue.put(issue.id(), run.id().value());
    append(
        new RunEvent(
            run.id(),
            null,
            RunStatus.QUEUED,
            now,
            run.reason() == null ? "new issue" : run.reason()));
    return new Inserted(run);
  }

  @Override
  public synchronized Optional<FixRun> claimNext(Claim claim) {
    long running = runs.values().stream().filter(r -> r.status() == RunStatus.RUNNING).count();
    if (running >= claim.maxRunning()) {
      return Optional.empty();
    }
    Optional<FixRun> next =
        runs.values().stream()
            .filter(r -> r.isClaimableAt(claim.now()))
            .min(Comparator.comparing(FixRun::createdAt).thenComparing(r -> r.id().value()));
    return next.map(
        run -> {
          FixRun claimed = run.claimed(claim.owner(), claim.now(), claim.lease());
          runs.put(run.id().value(), claimed);
          append(
              new RunEvent(
                  run.id(),
                  run.status(),
                  RunStatus.RUNNING,
                  claim.now(),
                  "claimed by " + claim.owner()));
          return claimed;
        });
  }

  @Override
  public synchronized TransitionResult transition(Transition t) {
    FixRun run = runs.get(t.id().value());
    if (run == null) {
      return new NotFound(t.id());
    }
    if (run.status() != t.from()
        || (t.leaseOwner() != null && !t.leaseOwner().equals(run.leaseOwner()))) {
      return new Conflict(run);
    }
    FixRun moved = run.transitioned(t.to(), t.change(), t.at());
    runs.put(run.id().value(), moved);
    append(
        new RunEvent(
            run.id(), run.status(), t.to(), t.at(), t.change().reason(), t.change().attemptCost()));
    return new Applied(moved);
  }

  @Override
  public synchronized boolean renewLease(RunId id, String owner, Instant until, Instant now) {
    FixRun run = runs.get(id.value());
    if (run == null || run.status() != RunStatus.RUNNING || !owner.equals(run.leaseOwner())) {
      return false;
    }
    runs.put(id.value(), run.leaseRenewed(until, now));
    return true;
  }

  @Override
  public synchronized List<FixRun> recoverExpired(Instant now, int maxAttempts) {
    List<FixRun> recovered = new ArrayList<>();
    for (FixRun run : List.copyOf(runs.values())) {
      if (!run.leaseExpiredAt(now)) {
        continue;
      }
      boolean exhausted = run.attempts() >= maxAttempts;
      RunStatus target = exhausted ? RunStatus.FAILED : RunStatus.QUEUED;
      String reason =
          exhausted
              ? "abandoned by worker " + run.leaseOwner() + " after " + run.attempts() + " attempts"
              : "abandoned by worker " + run.leaseOwner() + "; queued again";
      FixRun moved =
          run.transitioned(target, dev.autofix.core.model.RunChange.because(reason), now);
      runs.put(run.id().value(), moved);
      append(new RunEvent(run.id(), RunStatus.RUNNING, target, now, reason));
      recovered.add(moved);
    }
    return recovered;
  }

  @Override
  public synchronized Optional<FixRun> find(RunId id) {
    return Optional.ofNullable(runs.get(id.value()));
  }

  @Override
  public synchronized Optional<FixRun> findByIssue(IssueId issueId) {
    return Optional.ofNullable(byIssue.get(issueId)).map(runs::get);
  }

  @Override
  public synchronized List<FixRun> list(RunQuery query) {
    return runs.descendingMap().values().stream()
        .filter(r -> query.status() == null || r.status() == query.status())
        .filter(r -> query.before() == null || r.id().value() < query.before().value())
        .filter(r -> query.project() == null || query.project().equals(r.issue().project()))
        .filter(
            r ->
                query.shortId() == null
                    || r.issue()
                        .shortId()
                        .toLowerCase(java.util.Locale.ROOT)
                        .contains(query.shortId().toLowerCase(java.util.Locale.ROOT)))
        .limit(query.limit())
        .toList();
  }

  @Override
  public synchronized List<RunEvent> history(RunId id) {
    return List.copyOf(history.getOrDefault(id.value(), List.of()));
  }

  @Override
  public synchronized Map<RunStatus, Long> countByStatus() {
    Map<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
    for (RunStatus status : RunStatus.values()) {
      counts.put(status, 0L);
    }
    runs.values().forEach(r -> counts.merge(r.status(), 1L, Long::sum));
    return counts;
  }

  @Override
  public synchronized BigDecimal attemptCostSince(Instant from) {
    return history.values().stream()
        .flatMap(List::stream)
        .filter(e -> e.cost() != null && e.cost().costUsd() != null && !e.at().isBefore(from))
        .map(e -> e.cost().costUsd())
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Override
  public synchronized Map<RunId, BigDecimal> attemptCosts(List<RunId> runs) {
    Map<RunId, BigDecimal> costs = new java.util.LinkedHashMap<>();
    for (RunId id : runs) {
      history.getOrDefault(id.value(), List.of()).stream()
          .filter(e -> e.cost() != null && e.cost().costUsd() != null)
          .map(e -> e.cost().costUsd())
          .reduce(BigDecimal::add)
          .ifPresent(sum -> costs.put(id, sum));
    }
    return costs;
  }

  private void append(RunEvent event) {
    history.computeIfAbsent(event.runId().value(), k -> new ArrayList<>()).add(event);
  }
}
