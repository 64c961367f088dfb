package dev.autofix.github;

import dev.autofix.core.AutofixException;

/**
 * A defect while publishing: git missing or failing unexpectedly, GitHub unreachable after every
 * retry, an answer that breaks the API's contract. Its message never holds the token.
 */
public final class GitHubException extends AutofixException {
  private static final long serialVersionUID = 1L;

  /** A defect with a cause. */
  public GitHubException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A defect without a cause. */
  public GitHubException(String message) {
    super(message);
  }
}
