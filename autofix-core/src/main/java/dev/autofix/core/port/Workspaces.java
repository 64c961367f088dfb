package dev.autofix.core.port;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.Workspace;
import java.util.Objects;

/**
 * Prepares a working copy for a run (a git worktree on the fix branch), commits what the agent
 * changed, and removes the working copy afterwards. The user's own checkout is never touched.
 */
public interface Workspaces {

  /** Prepares the run's workspace; throws a defect when it cannot (a bad repository, say). */
  Workspace prepare(FixRun run, RunLogs.RunLog log);

  /** Commits whatever changed in the workspace, with {@code message}. */
  CommitResult commit(Workspace workspace, String message);

  /** Removes the working copy; the branch stays for the publisher. */
  void release(Workspace workspace);

  /** What {@link #commit} found. */
  sealed interface CommitResult permits Committed, Unchanged {}

  /** A commit was made. */
  record Committed(Patch patch) implements CommitResult {
    public Committed {
      Objects.requireNonNull(patch, "patch == null");
    }
  }

  /** Nothing changed; no commit was made. */
  record Unchanged() implements CommitResult {}
}
