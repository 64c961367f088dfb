package dev.autofix.examples.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.agents.Agents;
import dev.autofix.agents.AgentsConfig;
import dev.autofix.core.port.AgentRunner;
import java.util.Map;
import java.util.Objects;

/**
 * Binds {@link AgentRunner} to the generic command runner, pointed at the team's own script: it
 * gets the prompt on stdin, works in the run's git worktree and leaves its edits there. Requires
 * nothing. Install it over {@code AgentsModule} with {@code Modules.override}; the workspaces and
 * the verifier stay {@code AgentsModule}'s.
 */
public final class TeamScriptAgentModule extends AbstractModule {
  private final AgentsConfig config;
  private final Map<String, String> environment;

  /**
   * @param config a configuration whose agent is {@code command}
   * @param environment the environment the script inherits, minus autofix's secrets
   */
  public TeamScriptAgentModule(AgentsConfig config, Map<String, String> environment) {
    this.config = Objects.requireNonNull(config, "config == null");
    if (config.agent() != AgentsConfig.Agent.COMMAND) {
      throw new IllegalArgumentException("the team's script runs as the command agent");
    }
    this.environment = Map.copyOf(environment);
  }

  @Provides
  @Singleton
  AgentRunner agentRunner() {
    return Agents.runner(config, environment);
  }
}
