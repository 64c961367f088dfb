package dev.autofix.testkit;

import dev.autofix.core.model.BranchNames;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.Workspaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link Workspaces} without a disk: a workspace is a name, and an agent "changes" it through
 * {@link #change} (after the commit, that is a change the verification left: {@link #confirm} says
 * it diverged) and "tampers" with the user's repository through {@link #tamper}. Commits, releases
 * and kept commits are recorded for assertions.
 */
public final class InMemoryWorkspaces implements Workspaces {
  private final Map<Workspace, Set<String>> changes = new HashMap<>();
  private final Map<Workspace, String> tampering = new HashMap<>();
  private final List<Workspace> prepared = new ArrayList<>();
  private final List<Workspace> released = new ArrayList<>();
  private final List<String> commitMessages = new ArrayList<>();
  private final Map<RunId, Patch> kept = new HashMap<>();
  private RuntimeException prepareFailure;
  private String commitRefusal;
  private Consumer<FixRun> prepareHook = run -> {};
  private int commits;
  private String outage;

  /** Makes the next {@link #prepare} throw {@code defect}. */
  public synchronized InMemoryWorkspaces failNextPrepare(RuntimeException defect) {
    prepareFailure = defect;
    return this;
  }

  /**
   * Makes {@link #unavailable} say {@code reason} (a full disk, say) until it is given {@code
   * null}.
   */
  public synchronized InMemoryWorkspaces unavailable(String reason) {
    outage = reason;
    return this;
  }

  @Override
  public synchronized java.util.Optional<String> unavailable() {
    return java.util.Optional.ofNullable(outage);
  }

  /** Makes the next {@link #commit} refuse the change with {@code reason}. */
  public synchronized InMemoryWorkspaces refuseNextCommit(String reason) {
    commitRefusal = reason;
    return this;
  }

  /** Runs {@code hook} inside every {@link #prepare}, to act out what happens meanwhile. */
  public synchronized InMemoryWorkspaces onPrepare(Consumer<FixRun> hook) {
    prepareHook = hook;
    return this;
  }

  /** Marks {@code path} as changed in {@code workspace}, as an agent's edit would. */
  public synchronized void change(Workspace workspace, String path) {
    changes.computeIfAbsent(workspace, k -> new LinkedHashSet<>()).add(path);
  }

  /** Makes {@link #checkRepository} report {@code what} as changed in the user's repository. */
  public synchronized void tamper(Workspace workspace, String what) {
    tampering.put(workspace, what);
  }

  public synchronized List<Workspace> prepared() {
    return List.copyOf(prepared);
  }

  public synchronized List<Workspace> released() {
    return List.copyOf(released);
  }

  public synchronized List<String> commitMessages() {
    return List.copyOf(commitMessages);
  }

  @Override
  public synchronized Workspace prepare(FixRun run, RunLogs.RunLog log) {
    prepareHook.accept(run);
    if (prepareFailure != null) {
      RuntimeException failure = prepareFailure;
      prepareFailure = null;
      throw failure;
    }
    Workspace workspace =
        new Workspace(
            run.id(),
            Path.of("in-memory", "run-" + run.id()),
            BranchNames.forIssue(run.issue()),
            "main");
    prepared.add(workspace);
    log.append("prepared in-memory workspace " + workspace.directory());
    return workspace;
  }

  @Override
  public synchronized RepositoryCheck checkRepository(Workspace workspace, RunLogs.RunLog log) {
    String what = tampering.get(workspace);
    return what == null ? new Untouched() : new Tampered(what);
  }

  @Override
  public synchronized CommitResult commit(Workspace workspace, String message) {
    Set<String> changed = changes.remove(workspace);
    if (commitRefusal != null) {
      String reason = commitRefusal;
      commitRefusal = null;
      return new Refused(reason);
    }
    if (changed == null || changed.isEmpty()) {
      return new Unchanged();
    }
    commitMessages.add(message);
    commits++;
    String sha = String.format("%040x", commits);
    return new Committed(
        new Patch(
            workspace.branch(),
            sha,
            List.copyOf(changed),
            changed.size() + " file" + (changed.size() == 1 ? "" : "s") + " changed",
            Path.of("in-memory", "git")));
  }

  @Override
  public synchronized ConfirmResult confirm(Workspace workspace, Patch patch) {
    Set<String> after = changes.get(workspace);
    return after == null || after.isEmpty()
        ? new Confirmed()
        : new Diverged("the test command changed " + String.join(", ", after));
  }

  @Override
  public synchronized void release(Workspace workspace) {
    changes.remove(workspace);
    tampering.remove(workspace);
    released.add(workspace);
  }

  @Override
  public synchronized Patch keep(Workspace workspace, Patch patch) {
    Patch moved =
        new Patch(
            patch.branch(),
            patch.commit(),
            patch.changedFiles(),
            patch.diffStat(),
            Path.of("in-memory", "kept", "run-" + workspace.runId()));
    kept.put(workspace.runId(), moved);
    return moved;
  }

  @Override
  public synchronized void discard(RunId run) {
    kept.remove(run);
  }

  /** The commits kept for a later publish, by run. */
  public synchronized Map<RunId, Patch> kept() {
    return Map.copyOf(kept);
  }
}
