package dev.autofix.core.port;

import dev.autofix.core.model.AgentReport;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.PullRequestRef;
import dev.autofix.core.model.Workspace;
import java.time.Duration;
import java.util.Objects;

/**
 * Pushes a fix branch and opens a <em>draft</em> pull request for it. Idempotent per branch: a
 * second call for the same run finds the same pull request instead of opening another.
 */
public interface PullRequestPublisher {

  /**
   * Pushes and opens (or finds) the draft pull request. A host that is down, rate-limited or out of
   * reach is {@link Unavailable}, after the adapter's own short retries; a refusal is {@link
   * Rejected}. Throws only for a defect.
   */
  PublishResult publish(PublishRequest request);

  /**
   * Everything the pull request says.
   *
   * @param run the run
   * @param issue the issue it fixes
   * @param workspace the workspace holding the committed branch
   * @param patch the committed change
   * @param report the agent's own account
   * @param verification what the harness verified
   * @param agent the agent's name
   * @param duration how long the run took so far
   */
  record PublishRequest(
      FixRun run,
      Issue issue,
      Workspace workspace,
      Patch patch,
      AgentReport report,
      FixVerifier.Verification verification,
      String agent,
      Duration duration) {
    public PublishRequest {
      Objects.requireNonNull(run, "run == null");
      Objects.requireNonNull(issue, "issue == null");
      Objects.requireNonNull(workspace, "workspace == null");
      Objects.requireNonNull(patch, "patch == null");
      Objects.requireNonNull(report, "report == null");
      Objects.requireNonNull(verification, "verification == null");
      Objects.requireNonNull(agent, "agent == null");
      Objects.requireNonNull(duration, "duration == null");
    }
  }

  /** The outcome of {@link #publish}. */
  sealed interface PublishResult
      permits Opened, AlreadyOpen, BranchPushed, NothingToPropose, Rejected, Unavailable {}

  /**
   * A draft pull request was opened.
   *
   * @param pullRequest the pull request
   * @param body its body as it was sent (for the run's page), or empty when not told
   */
  record Opened(PullRequestRef pullRequest, String body) implements PublishResult {
    public Opened {
      Objects.requireNonNull(pullRequest, "pullRequest == null");
      body = body == null ? "" : body;
    }

    /** Opened, its body not told. */
    public Opened(PullRequestRef pullRequest) {
      this(pullRequest, "");
    }
  }

  /** The branch already had a pull request; it is returned, not duplicated. */
  record AlreadyOpen(PullRequestRef pullRequest) implements PublishResult {
    public AlreadyOpen {
      Objects.requireNonNull(pullRequest, "pullRequest == null");
    }
  }

  /**
   * The branch publishing mode: the verified commit was pushed to {@code branch} and no pull
   * request was opened.
   *
   * @param destination where it was pushed, without credentials (a URL or a path)
   * @param compareUrl the page that compares the branch with its base and offers to open a pull
   *     request, or null when the host has none (a local bare repository, say)
   */
  record BranchPushed(String branch, String destination, java.net.URI compareUrl)
      implements PublishResult {
    public BranchPushed {
      Objects.requireNonNull(branch, "branch == null");
      Objects.requireNonNull(destination, "destination == null");
    }
  }

  /** The branch has no commits over its base: nothing to propose. */
  record NothingToPropose(String reason) implements PublishResult {
    public NothingToPropose {
      Objects.requireNonNull(reason, "reason == null");
    }
  }

  /**
   * The host refused (no access, drafts unsupported, ...): its status and message. Final: trying
   * again would not change it.
   */
  record Rejected(int status, String message) implements PublishResult {
    public Rejected {
      Objects.requireNonNull(message, "message == null");
    }
  }

  /**
   * The host is unavailable for now (5xx, a rate limit, a timeout, out of reach), after the
   * adapter's own short retries: the caller tries again later, publishing the same commit.
   *
   * @param reason what went wrong, in plain words, without secrets
   * @param retryAfter the shortest wait the host asked for ({@link Duration#ZERO} when it named
   *     none)
   * @param pushed whether the branch is already on the remote
   */
  record Unavailable(String reason, Duration retryAfter, boolean pushed) implements PublishResult {
    public Unavailable {
      Objects.requireNonNull(reason, "reason == null");
      Objects.requireNonNull(retryAfter, "retryAfter == null");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter is negative: " + retryAfter);
      }
    }
  }
}
