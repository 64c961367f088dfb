package dev.autofix.core.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A working copy prepared for one run: a directory on the fix branch, apart from the user's own
 * checkout.
 *
 * @param runId the run it belongs to
 * @param directory the working directory the agent works in
 * @param branch the fix branch checked out there
 * @param baseRef the ref the branch started from, for example {@code main}
 */
public record Workspace(RunId runId, Path directory, String branch, String baseRef) {
  public Workspace {
    Objects.requireNonNull(runId, "runId == null");
    Objects.requireNonNull(directory, "directory == null");
    Objects.requireNonNull(branch, "branch == null");
    Objects.requireNonNull(baseRef, "baseRef == null");
  }
}
