package dev.autofix.core.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The change autofix committed after the agent finished.
 *
 * @param branch the fix branch it is published as
 * @param commit the commit id: the one verified, and the one pushed
 * @param changedFiles the paths the commit changed, relative to the repository root
 * @param diffStat a short summary of the diff, for example {@code 2 files changed, 9 insertions}
 * @param repository the git directory that holds the commit: autofix's own, which the agent cannot
 *     write; the publisher pushes from it
 */
public record Patch(
    String branch, String commit, List<String> changedFiles, String diffStat, Path repository) {
  public Patch {
    Objects.requireNonNull(branch, "branch == null");
    Objects.requireNonNull(commit, "commit == null");
    Objects.requireNonNull(repository, "repository == null");
    changedFiles = changedFiles == null ? List.of() : List.copyOf(changedFiles);
    diffStat = diffStat == null ? "" : diffStat;
  }
}
