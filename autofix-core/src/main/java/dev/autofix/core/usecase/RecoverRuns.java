package dev.autofix.core.usecase;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.port.WorkSignal;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Takes back the runs whose worker died: a lease that expired puts the run back in the queue, or
 * fails it once it has used up its attempts. Run at start-up and periodically.
 */
public final class RecoverRuns {
  private final RunStore store;
  private final WorkSignal signal;
  private final AutofixPolicy policy;
  private final Clock clock;

  public RecoverRuns(RunStore store, WorkSignal signal, AutofixPolicy policy, Clock clock) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.signal = Objects.requireNonNull(signal, "signal == null");
    this.policy = Objects.requireNonNull(policy, "policy == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** Recovers every abandoned run. */
  public Result execute() {
    List<FixRun> recovered = store.recoverExpired(clock.instant(), policy.maxAttempts());
    List<FixRun> requeued =
        recovered.stream().filter(run -> run.status() == RunStatus.QUEUED).toList();
    List<FixRun> failed =
        recovered.stream().filter(run -> run.status() == RunStatus.FAILED).toList();
    if (!requeued.isEmpty()) {
      signal.wake();
    }
    return new Result(requeued, failed);
  }

  /** The runs put back in the queue, and those failed for having used up their attempts. */
  public record Result(List<FixRun> requeued, List<FixRun> failed) {
    public Result {
      requeued = List.copyOf(requeued);
      failed = List.copyOf(failed);
    }
  }
}
