package dev.autofix.core.port;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import java.util.Objects;
import java.util.Optional;

/**
 * Prepares a working copy for a run (a git worktree of the user's checkout), commits what the agent
 * changed, and removes the working copy afterwards.
 *
 * <p>The agent is untrusted, so an implementation takes its change as content only: the commit is
 * built in git state the agent cannot write, from the files it left, and never from the worktree's
 * own git config, hooks or refs. It also watches the user's repository, which the agent must not
 * change: {@link #checkRepository} says when it did.
 */
public interface Workspaces {

  /**
   * Why no workspace can be prepared now though nothing is wrong with any run (the disk that holds
   * the worktrees is full or read-only, say), or empty. A run meets it postponed, not failed: it is
   * asked before a run takes its permit, and again when a step fails.
   */
  default Optional<String> unavailable() {
    return Optional.empty();
  }

  /** Prepares the run's workspace; throws a defect when it cannot (a bad repository, say). */
  Workspace prepare(FixRun run, RunLogs.RunLog log);

  /**
   * Whether the user's repository is as {@link #prepare} found it, where the agent could have made
   * it run something or publish somewhere (HEAD, config, hooks, {@code info/}). Other changes (refs
   * the user moved meanwhile) are only written to {@code log}.
   */
  RepositoryCheck checkRepository(Workspace workspace, RunLogs.RunLog log);

  /** Commits whatever changed in the workspace, with {@code message}. */
  CommitResult commit(Workspace workspace, String message);

  /**
   * Whether the workspace still holds exactly what {@link #commit} committed, after the
   * verification ran in it: what is published must be what was verified.
   */
  ConfirmResult confirm(Workspace workspace, Patch patch);

  /**
   * Removes the working copy and autofix's git state for it (except a commit {@link #keep} kept);
   * the remote keeps what was pushed.
   */
  void release(Workspace workspace);

  /**
   * Keeps the commit of {@code patch} beyond {@link #release} and a restart, for a later attempt
   * that publishes it while the host was unavailable: returns the patch as kept (its {@link
   * Patch#repository()} may change).
   */
  Patch keep(Workspace workspace, Patch patch);

  /** Removes what {@link #keep} kept for {@code run}; nothing when nothing was kept. */
  void discard(RunId run);

  /** What {@link #checkRepository} found. */
  sealed interface RepositoryCheck permits Untouched, Tampered {}

  /** Nothing that matters changed. */
  record Untouched() implements RepositoryCheck {}

  /**
   * The user's repository changed where only the agent should have been able to change it.
   *
   * @param what what changed, for example {@code hooks/pre-push (added), config}
   */
  record Tampered(String what) implements RepositoryCheck {
    public Tampered {
      Objects.requireNonNull(what, "what == null");
    }
  }

  /** What {@link #commit} found. */
  sealed interface CommitResult permits Committed, Unchanged, Refused {}

  /**
   * A commit was made.
   *
   * @param patch the commit
   * @param diff the change as a unified diff for people to read, possibly cut short; empty when the
   *     implementation has none
   */
  record Committed(Patch patch, String diff) implements CommitResult {
    public Committed {
      Objects.requireNonNull(patch, "patch == null");
      diff = diff == null ? "" : diff;
    }

    public Committed(Patch patch) {
      this(patch, "");
    }
  }

  /** Nothing changed; no commit was made. */
  record Unchanged() implements CommitResult {}

  /**
   * The change cannot be committed as it is (a file over the size cap, say); no commit was made.
   *
   * @param reason why, naming the file and the limit
   */
  record Refused(String reason) implements CommitResult {
    public Refused {
      Objects.requireNonNull(reason, "reason == null");
    }
  }

  /** What {@link #confirm} found. */
  sealed interface ConfirmResult permits Confirmed, Diverged {}

  /** The workspace holds the committed tree. */
  record Confirmed() implements ConfirmResult {}

  /**
   * The workspace no longer holds the committed tree (the test command changed files).
   *
   * @param reason which files differ
   */
  record Diverged(String reason) implements ConfirmResult {
    public Diverged {
      Objects.requireNonNull(reason, "reason == null");
    }
  }
}
