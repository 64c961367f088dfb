package dev.autofix.agents;

import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.Workspaces;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The factories of this module, for wiring by hand; {@link AgentsModule} does the same for Guice.
 *
 * <p>{@code environment} is the user's environment ({@code System.getenv()} in production): agents
 * inherit their CLIs, logins and toolchain from it, minus autofix's own secrets.
 */
public final class Agents {
  private Agents() {}

  /**
   * Git worktrees from {@code config.repoPath()}; removes what a crash left in the data directory.
   */
  public static Workspaces workspaces(AgentsConfig config, Map<String, String> environment) {
    return GitWorkspaces.create(config, environment);
  }

  /** The agent {@code config.agent()} names. */
  public static AgentRunner runner(AgentsConfig config, Map<String, String> environment) {
    return switch (config.agent()) {
      case CLAUDE -> ClaudeCodeAgentRunner.create(config, environment);
      case CODEX -> CodexAgentRunner.create(config, environment);
      case COMMAND -> CommandAgentRunner.create(config, environment);
    };
  }

  /**
   * Why agents of {@code config} cannot run on this machine, naming the fix, or empty when they
   * can: the sandbox (install bubblewrap, or choose {@code AUTOFIX_AGENT_ACCESS=trusted}) and then
   * the agent's own login ({@link AgentRunner#unavailable()}). Sandboxed, this starts one {@code
   * true} in the sandbox (a few milliseconds).
   */
  public static Optional<String> unavailable(AgentsConfig config, Map<String, String> environment) {
    return new UntrustedProcesses(config, environment)
        .unavailable()
        .or(() -> runner(config, environment).unavailable());
  }

  /**
   * Why the sandbox of {@code config} cannot start on this machine, naming the fix, or empty when
   * it can (or when the access is trusted): a problem for every repository alike.
   */
  public static Optional<String> sandboxUnavailable(
      AgentsConfig config, Map<String, String> environment) {
    return new UntrustedProcesses(config, environment).unavailable();
  }

  /**
   * {@code autofix doctor}'s checks of {@code config}: the checkout's base branch and remote, the
   * agent CLI's version and login (never a paid model call), the sandbox, and the test command on
   * the base branch in a worktree made as a run's is (under a temporary data dir, so a running
   * server's worktrees are left alone). Takes as long as the tests.
   */
  public static List<dev.autofix.support.check.Check> check(
      AgentsConfig config, Map<String, String> environment) {
    return new AgentChecks(config, environment).run();
  }

  /** The verifier running {@code config.testCommand()}; {@code NotConfigured} without one. */
  public static FixVerifier verifier(AgentsConfig config, Map<String, String> environment) {
    return ShellFixVerifier.create(config, environment);
  }
}
