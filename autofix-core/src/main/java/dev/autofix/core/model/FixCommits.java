package dev.autofix.core.model;

/**
 * What every fix commit autofix makes says about itself: a git trailer naming the issue. A retry
 * tells its own earlier commit on the fix branch from anyone else's by it (with the commit's author
 * and committer).
 */
public final class FixCommits {
  /** The trailer's key: {@code Autofix-Issue: <source>:<id>}. */
  public static final String ISSUE_TRAILER = "Autofix-Issue";

  private FixCommits() {}

  /** The trailer line for {@code issue}, without its line break. */
  public static String issueTrailer(IssueId issue) {
    return ISSUE_TRAILER + ": " + (issue.source() + ":" + issue.value()).replaceAll("\\s+", " ");
  }
}
