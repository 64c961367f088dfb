package dev.autofix.server;

import dev.autofix.core.AutofixException;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.port.FixTargets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Several Sentry projects, several repositories: each run goes to the checkout, agent, test command
 * and GitHub repository configured for its issue's project (YAML {@code projects:}), or to the
 * default repository when the project has none of its own. The attempt keeps that target from start
 * to end, and records the name of the agent that ran.
 */
final class ProjectRouter implements FixTargets {

  /** A run whose project has no repository and no default is a misconfiguration: a defect. */
  static final class NoRepositoryException extends AutofixException {
    private static final long serialVersionUID = 1L;

    NoRepositoryException(String project) {
      super(
          "no repository is configured for the Sentry project '"
              + project
              + "': add it under projects: in the configuration, or set AUTOFIX_REPO_PATH");
    }
  }

  private final Map<String, Target> byProject;
  private final Optional<Target> fallback;

  ProjectRouter(Map<String, Target> byProject, Optional<Target> fallback) {
    this.byProject = Map.copyOf(byProject);
    this.fallback = Objects.requireNonNull(fallback, "fallback == null");
  }

  @Override
  public Target forRun(FixRun run) {
    String project = run.issue().project();
    Target target = project == null ? null : byProject.get(project);
    if (target != null) {
      return target;
    }
    return fallback.orElseThrow(() -> new NoRepositoryException(String.valueOf(project)));
  }
}
