package dev.autofix.agents;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.Workspaces;
import java.util.Map;
import java.util.Objects;

/**
 * Binds {@link Workspaces} (git worktrees), {@link AgentRunner} (the configured agent) and {@link
 * FixVerifier} (the test command). Requires nothing else.
 *
 * <p>The user's environment comes in through the constructor, so the module reads nothing itself.
 */
public final class AgentsModule extends AbstractModule {
  private final AgentsConfig config;
  private final Map<String, String> environment;

  /**
   * @param config the agents' configuration
   * @param environment the user's environment, {@code System.getenv()} in production
   */
  public AgentsModule(AgentsConfig config, Map<String, String> environment) {
    this.config = Objects.requireNonNull(config, "config == null");
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment == null"));
  }

  @Provides
  @Singleton
  Workspaces workspaces() {
    return Agents.workspaces(config, environment);
  }

  @Provides
  @Singleton
  AgentRunner agentRunner() {
    return Agents.runner(config, environment);
  }

  @Provides
  @Singleton
  FixVerifier fixVerifier() {
    return Agents.verifier(config, environment);
  }
}
