package dev.autofix.core.model;

import java.net.URI;
import java.util.Objects;

/**
 * A pull request that autofix opened (or found already open) for a fix branch.
 *
 * @param url the pull request's web page
 * @param number the pull request's number
 * @param branch the head branch
 * @param draft whether it is a draft
 */
public record PullRequestRef(URI url, int number, String branch, boolean draft) {
  public PullRequestRef {
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(branch, "branch == null");
  }
}
