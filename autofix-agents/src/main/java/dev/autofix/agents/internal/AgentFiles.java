package dev.autofix.agents.internal;

/** The files autofix and its agents share inside a worktree; none of them is ever committed. */
public final class AgentFiles {
  /** The directory, relative to the worktree, excluded from autofix's commit. */
  public static final String DIRECTORY = ".autofix";

  /** Where the agent leaves its summary (root cause, fix, verification) for the pull request. */
  public static final String SUMMARY = DIRECTORY + "/summary.md";

  /** A repository's own prompt template. */
  public static final String PROMPT_TEMPLATE = DIRECTORY + "/prompt.md";

  private AgentFiles() {}
}
