package dev.autofix.server;

import dev.autofix.core.AutofixException;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.PullRequestPublisher;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.Workspaces;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Several Sentry projects, several repositories: routes each run to the checkout, agent, test
 * command and GitHub repository configured for its issue's project (YAML {@code projects:}), or to
 * the default repository when the project has none of its own.
 */
final class ProjectRouter implements Workspaces, AgentRunner, FixVerifier, PullRequestPublisher {

  /** One repository's adapters. */
  record Repository(
      Workspaces workspaces,
      AgentRunner agent,
      FixVerifier verifier,
      PullRequestPublisher publisher) {
    Repository {
      Objects.requireNonNull(workspaces, "workspaces == null");
      Objects.requireNonNull(agent, "agent == null");
      Objects.requireNonNull(verifier, "verifier == null");
      Objects.requireNonNull(publisher, "publisher == null");
    }
  }

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

  private final Map<String, Repository> byProject;
  private final Optional<Repository> fallback;
  private final Map<RunId, Repository> byRun = new ConcurrentHashMap<>();
  private final String name;

  ProjectRouter(Map<String, Repository> byProject, Optional<Repository> fallback) {
    this.byProject = Map.copyOf(byProject);
    this.fallback = Objects.requireNonNull(fallback, "fallback == null");
    TreeSet<String> names = new TreeSet<>();
    byProject.values().forEach(r -> names.add(r.agent().name()));
    fallback.ifPresent(r -> names.add(r.agent().name()));
    this.name = String.join("/", names);
  }

  private Repository forIssue(Issue issue) {
    Repository repository = issue.project() == null ? null : byProject.get(issue.project());
    if (repository != null) {
      return repository;
    }
    return fallback.orElseThrow(() -> new NoRepositoryException(String.valueOf(issue.project())));
  }

  private Repository forRun(RunId id, Issue issue) {
    Repository repository = byRun.get(id);
    return repository != null ? repository : forIssue(issue);
  }

  private Repository forWorkspace(Workspace workspace) {
    Repository repository = byRun.get(workspace.runId());
    if (repository == null) {
      throw new IllegalStateException("workspace of run " + workspace.runId() + " is unknown");
    }
    return repository;
  }

  @Override
  public Workspace prepare(FixRun run, RunLogs.RunLog log) {
    Repository repository = forIssue(run.issue());
    byRun.put(run.id(), repository);
    return repository.workspaces().prepare(run, log);
  }

  @Override
  public CommitResult commit(Workspace workspace, String message) {
    return forWorkspace(workspace).workspaces().commit(workspace, message);
  }

  @Override
  public RepositoryCheck checkRepository(Workspace workspace, RunLogs.RunLog log) {
    return forWorkspace(workspace).workspaces().checkRepository(workspace, log);
  }

  @Override
  public ConfirmResult confirm(Workspace workspace, Patch patch) {
    return forWorkspace(workspace).workspaces().confirm(workspace, patch);
  }

  @Override
  public void release(Workspace workspace) {
    try {
      forWorkspace(workspace).workspaces().release(workspace);
    } finally {
      byRun.remove(workspace.runId());
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public AgentResult run(AgentTask task) {
    return forRun(task.run().id(), task.issue()).agent().run(task);
  }

  @Override
  public Verification verify(Workspace workspace, RunLogs.RunLog log) {
    return forWorkspace(workspace).verifier().verify(workspace, log);
  }

  @Override
  public PublishResult publish(PublishRequest request) {
    return forRun(request.run().id(), request.issue()).publisher().publish(request);
  }
}
