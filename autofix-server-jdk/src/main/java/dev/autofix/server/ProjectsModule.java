package dev.autofix.server;

import com.google.inject.AbstractModule;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.PullRequestPublisher;
import dev.autofix.core.port.Workspaces;
import java.util.Objects;

/**
 * Binds {@link Workspaces}, {@link AgentRunner}, {@link FixVerifier} and {@link
 * PullRequestPublisher} to one router over several repositories, one per Sentry project.
 */
final class ProjectsModule extends AbstractModule {
  private final ProjectRouter router;

  ProjectsModule(ProjectRouter router) {
    this.router = Objects.requireNonNull(router, "router == null");
  }

  @Override
  protected void configure() {
    bind(Workspaces.class).toInstance(router);
    bind(AgentRunner.class).toInstance(router);
    bind(FixVerifier.class).toInstance(router);
    bind(PullRequestPublisher.class).toInstance(router);
  }
}
