package dev.autofix.testkit;

import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.RunLogs;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * A {@link FixVerifier} that answers scripted verdicts; {@code NotConfigured} when none is left.
 */
public final class FakeFixVerifier implements FixVerifier {
  private final Deque<Verification> verdicts = new ArrayDeque<>();
  private Consumer<Workspace> hook = workspace -> {};

  /** Runs {@code hook} inside every {@link #verify}, to act out what a test command does. */
  public synchronized FakeFixVerifier onVerify(Consumer<Workspace> hook) {
    this.hook = hook;
    return this;
  }

  /** Queues the next verdict. */
  public synchronized FakeFixVerifier then(Verification verdict) {
    verdicts.add(verdict);
    return this;
  }

  @Override
  public synchronized Verification verify(Workspace workspace, RunLogs.RunLog log) {
    hook.accept(workspace);
    Verification verdict = verdicts.poll();
    return verdict == null ? new NotConfigured() : verdict;
  }
}
