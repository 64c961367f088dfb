package dev.autofix.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixTargets;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.PullRequestPublisher;
import dev.autofix.core.port.Workspaces;
import java.util.Objects;

/**
 * Binds {@link FixTargets}: to a router over several repositories, one per Sentry project, or
 * ({@link #single}) to the one repository whose adapters the other modules bound.
 */
final class ProjectsModule extends AbstractModule {
  private final FixTargets targets;

  private ProjectsModule(FixTargets targets) {
    this.targets = targets;
  }

  /** Several repositories through {@code router}. */
  ProjectsModule(ProjectRouter router) {
    this((FixTargets) Objects.requireNonNull(router, "router == null"));
  }

  /**
   * The one repository. Requires: {@link Workspaces}, {@link AgentRunner}, {@link FixVerifier},
   * {@link PullRequestPublisher}.
   */
  static AbstractModule single() {
    return new AbstractModule() {
      @Provides
      @Singleton
      FixTargets targets(
          Workspaces workspaces,
          AgentRunner agent,
          FixVerifier verifier,
          PullRequestPublisher publisher) {
        return FixTargets.single(new FixTargets.Target(workspaces, agent, verifier, publisher));
      }
    };
  }

  @Override
  protected void configure() {
    bind(FixTargets.class).toInstance(targets);
  }
}
