package dev.autofix.testkit;

import dev.autofix.core.model.AgentReport;
import dev.autofix.core.port.AgentRunner;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An {@link AgentRunner} that plays scripted steps, one per run, in order. With no step left it
 * completes without changing anything.
 */
public final class ScriptedAgentRunner implements AgentRunner {
  private final String name;
  private final Deque<Function<AgentTask, AgentResult>> steps = new ArrayDeque<>();
  private final List<AgentTask> tasks = new ArrayList<>();
  private volatile String unavailable;
  private volatile BigDecimal budget;

  public ScriptedAgentRunner() {
    this("scripted");
  }

  public ScriptedAgentRunner(String name) {
    this.name = Objects.requireNonNull(name, "name == null");
  }

  /** Adds a step that does whatever {@code step} does. */
  public synchronized ScriptedAgentRunner then(Function<AgentTask, AgentResult> step) {
    steps.add(step);
    return this;
  }

  /** Adds a step that edits {@code path} in the workspace and completes with {@code summary}. */
  public ScriptedAgentRunner thenEdits(InMemoryWorkspaces workspaces, String path, String summary) {
    return then(
        task -> {
          workspaces.change(task.workspace(), path);
          task.log().append("edited " + path);
          return new Completed(
              new AgentReport(summary, new BigDecimal("0.42"), 7, "session-" + task.run().id()));
        });
  }

  /** Adds a step that completes without changing anything. */
  public ScriptedAgentRunner thenChangesNothing(String summary) {
    return then(task -> new Completed(new AgentReport(summary, BigDecimal.ZERO, 3, null)));
  }

  /** Adds a step that times out after {@code after}. */
  public ScriptedAgentRunner thenTimesOut(Duration after) {
    return then(task -> new TimedOut(after, "still thinking..."));
  }

  /** Adds a step that fails with {@code exitCode}. */
  public ScriptedAgentRunner thenFails(int exitCode, String message) {
    return then(task -> new Failed(exitCode, message));
  }

  /** Adds a step that throws {@code defect}. */
  public ScriptedAgentRunner thenThrows(RuntimeException defect) {
    return then(
        task -> {
          throw defect;
        });
  }

  /** From now on the agent cannot start, for {@code why} ({@code null}: it can again). */
  public ScriptedAgentRunner unavailableBecause(String why) {
    unavailable = why;
    return this;
  }

  /** The most one run may cost, as Claude Code's {@code --max-budget-usd} says. */
  public ScriptedAgentRunner withBudgetPerRun(String usd) {
    budget = usd == null ? null : new BigDecimal(usd);
    return this;
  }

  @Override
  public java.util.Optional<String> unavailable() {
    return java.util.Optional.ofNullable(unavailable);
  }

  @Override
  public java.util.Optional<BigDecimal> budgetPerRunUsd() {
    return java.util.Optional.ofNullable(budget);
  }

  /** The tasks this runner got, in order. */
  public synchronized List<AgentTask> tasks() {
    return List.copyOf(tasks);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public AgentResult run(AgentTask task) {
    Function<AgentTask, AgentResult> step;
    synchronized (this) {
      tasks.add(task);
      step = steps.poll();
    }
    return step == null
        ? new Completed(new AgentReport("nothing to do", null, null, null))
        : step.apply(task);
  }
}
