package dev.autofix.sentry.internal;

import dev.autofix.core.model.Issue;
import dev.autofix.core.model.Level;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The configured filters, applied before a run is created: allowed projects, minimum level,
 * environments.
 */
public final class IssueFilter {
  private final Set<String> projects;
  private final Level minimumLevel;
  private final Set<String> environments;

  public IssueFilter(Set<String> projects, Level minimumLevel, Set<String> environments) {
    this.projects = Set.copyOf(projects);
    this.minimumLevel = Objects.requireNonNull(minimumLevel, "minimumLevel == null");
    this.environments = Set.copyOf(environments);
  }

  /**
   * Why {@code issue} is filtered out, or empty when it passes.
   *
   * <p>An unknown project fails a project allow-list (an allow-list must not let unknowns in). An
   * unknown environment passes: the {@code issue} webhook never carries one.
   */
  public Optional<String> rejection(Issue issue, String environment) {
    if (!projects.isEmpty() && (issue.project() == null || !projects.contains(issue.project()))) {
      return Optional.of(
          "project "
              + (issue.project() == null ? "(unknown)" : issue.project())
              + " is not in the allowed projects "
              + projects);
    }
    if (!issue.level().isAtLeast(minimumLevel)) {
      return Optional.of(
          "level " + issue.level().wireName() + " is below " + minimumLevel.wireName());
    }
    if (!environments.isEmpty() && environment != null && !environments.contains(environment)) {
      return Optional.of(
          "environment " + environment + " is not in the allowed environments " + environments);
    }
    return Optional.empty();
  }
}
