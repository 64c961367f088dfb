package dev.autofix.server;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether agents can start on this machine: the first problem of the repositories' checks (the
 * sandbox cannot be set up, say), or empty. A pass holds for {@code okFor}, a problem is checked
 * again after {@code retryAfter}; the log says so once when it starts and once when it clears.
 */
final class AgentGate implements Supplier<Optional<String>> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentGate.class);

  private final List<Supplier<Optional<String>>> checks;
  private final Duration okFor;
  private final Duration retryAfter;
  private Optional<String> last;
  private long checkedAt;

  AgentGate(List<Supplier<Optional<String>>> checks, Duration okFor, Duration retryAfter) {
    this.checks = List.copyOf(checks);
    this.okFor = Objects.requireNonNull(okFor, "okFor == null");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter == null");
  }

  /** A gate that is always open. */
  static AgentGate open() {
    return new AgentGate(List.of(), Duration.ofDays(1), Duration.ofDays(1));
  }

  @Override
  public synchronized Optional<String> get() {
    long now = System.nanoTime();
    if (last != null) {
      Duration valid = last.isEmpty() ? okFor : retryAfter;
      if (now - checkedAt < valid.toNanos()) {
        return last;
      }
    }
    Optional<String> problem = Optional.empty();
    for (Supplier<Optional<String>> check : checks) {
      problem = check.get();
      if (problem.isPresent()) {
        break;
      }
    }
    if (problem.isPresent() && (last == null || !problem.equals(last))) {
      LOG.error(
          "no agent can start, so the worker claims no run (they wait queued): {}", problem.get());
    } else if (problem.isEmpty() && last != null && last.isPresent()) {
      LOG.info("agents can start again; the worker takes runs");
    }
    last = problem;
    checkedAt = now;
    return problem;
  }
}
