package dev.autofix.core.port;

import dev.autofix.core.model.FixRun;
import java.util.Objects;

/**
 * Where a run is fixed: its repository's workspaces, agent, verifier and publisher, chosen once per
 * attempt from the run's project. One repository is {@link #single}; several (one per Sentry
 * project) are a map the composition root builds.
 */
public interface FixTargets {

  /** The target for {@code run}; throws a defect when its project has none (a misconfiguration). */
  Target forRun(FixRun run);

  /** Every run goes to {@code target}. */
  static FixTargets single(Target target) {
    Objects.requireNonNull(target, "target == null");
    return run -> target;
  }

  /**
   * One repository's adapters, which an attempt uses from start to end.
   *
   * @param workspaces its checkout's workspaces
   * @param agent the agent configured for it, whose name the run records
   * @param verifier its test command
   * @param publisher its GitHub repository
   */
  record Target(
      Workspaces workspaces,
      AgentRunner agent,
      FixVerifier verifier,
      PullRequestPublisher publisher) {
    public Target {
      Objects.requireNonNull(workspaces, "workspaces == null");
      Objects.requireNonNull(agent, "agent == null");
      Objects.requireNonNull(verifier, "verifier == null");
      Objects.requireNonNull(publisher, "publisher == null");
    }
  }
}
