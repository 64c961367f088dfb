package dev.autofix.core.model;

import java.util.List;
import java.util.Objects;

/**
 * The change autofix committed on the fix branch after the agent finished.
 *
 * @param branch the fix branch
 * @param commit the commit id
 * @param changedFiles the paths the commit changed, relative to the repository root
 * @param diffStat a short summary of the diff, for example {@code 2 files changed, 9 insertions}
 */
public record Patch(String branch, String commit, List<String> changedFiles, String diffStat) {
  public Patch {
    Objects.requireNonNull(branch, "branch == null");
    Objects.requireNonNull(commit, "commit == null");
    changedFiles = changedFiles == null ? List.of() : List.copyOf(changedFiles);
    diffStat = diffStat == null ? "" : diffStat;
  }
}
