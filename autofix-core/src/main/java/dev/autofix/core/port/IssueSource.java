package dev.autofix.core.port;

import dev.autofix.core.model.Delivery;
import dev.autofix.core.model.ErrorDetails;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.PullRequestRef;
import dev.autofix.core.model.RunStatus;
import java.time.Duration;
import java.util.Objects;

/**
 * Where issues come from (Sentry): verifies and parses deliveries, fetches the error details of an
 * issue, and posts feedback on it.
 *
 * <p>Every expected failure is a result variant. An implementation throws only for a defect.
 */
public interface IssueSource {

  /** The source's name, the {@link dev.autofix.core.model.IssueId#source()} of its issues. */
  String name();

  /** Verifies and parses one delivery. Never throws for bad input: that is a result. */
  ReceiveResult receive(Delivery delivery);

  /**
   * Finds an issue that already exists from what a person would paste: its page URL, its id or its
   * short id. The answer passes the same filters as a delivery ({@link Ignored} when it does not).
   * Never throws for a bad reference or an unreachable source: that is a result.
   */
  LookupResult lookup(String reference);

  /** Fetches the error details a fixer needs for {@code issue}. */
  FetchResult fetch(Issue issue);

  /** Tells the issue how its run ended. Failures are a result, never a reason to fail the run. */
  FeedbackResult postFeedback(Issue issue, Feedback feedback);

  /** What a delivery turned out to be. */
  sealed interface ReceiveResult
      permits Received, Changed, Ignored, BadSignature, Malformed, TooLarge {}

  /** What happened to an issue in its source since it was reported. */
  enum Change {
    /** Resolved: whatever a run would fix is fixed, or will not be. */
    RESOLVED,
    /** Ignored or archived: nobody wants it fixed now. */
    IGNORED,
    /** Unresolved again (reopened, or a regression). */
    UNRESOLVED
  }

  /**
   * A verified delivery saying what happened to an issue (its life in the source, not an event).
   */
  record Changed(dev.autofix.core.model.IssueId issue, Change change) implements ReceiveResult {
    public Changed {
      Objects.requireNonNull(issue, "issue == null");
      Objects.requireNonNull(change, "change == null");
    }
  }

  /** A verified delivery about a new issue (or a new event of one). */
  record Received(Issue issue) implements ReceiveResult {
    public Received {
      Objects.requireNonNull(issue, "issue == null");
    }
  }

  /** A verified delivery that does not ask for a fix (resolved, comment, filtered out, ...). */
  record Ignored(String reason) implements ReceiveResult, LookupResult {
    public Ignored {
      Objects.requireNonNull(reason, "reason == null");
    }
  }

  /** The signature (or shared secret) is missing or wrong: the delivery is not trusted. */
  record BadSignature(String reason) implements ReceiveResult {
    public BadSignature {
      Objects.requireNonNull(reason, "reason == null");
    }
  }

  /** The delivery is authentic but cannot be parsed (or a lookup's reference is no reference). */
  record Malformed(String reason) implements ReceiveResult, LookupResult {
    public Malformed {
      Objects.requireNonNull(reason, "reason == null");
    }
  }

  /** The body is larger than the configured limit; it was not parsed. */
  record TooLarge(long limitBytes) implements ReceiveResult {}

  /**
   * What a {@link #lookup} found: the issue, one the filters leave out, a reference that is none,
   * no such issue (or no access to it), the source unavailable, or no way to look up at all.
   */
  sealed interface LookupResult
      permits Located, Ignored, Malformed, NotFound, Unavailable, LookupUnsupported {}

  /** The issue the reference names, as the source reports it now. */
  record Located(Issue issue) implements LookupResult {
    public Located {
      Objects.requireNonNull(issue, "issue == null");
    }
  }

  /** The source cannot look issues up as configured (no API token, say); the reason says why. */
  record LookupUnsupported(String reason) implements LookupResult {
    public LookupUnsupported {
      Objects.requireNonNull(reason, "reason == null");
    }
  }

  /** The outcome of fetching error details. */
  sealed interface FetchResult permits Found, NotFound, Unavailable {}

  /** The details were found. */
  record Found(ErrorDetails details) implements FetchResult {
    public Found {
      Objects.requireNonNull(details, "details == null");
    }
  }

  /** The source does not know the issue (deleted, or no access: the message says which). */
  record NotFound(String message) implements FetchResult, LookupResult {
    public NotFound {
      Objects.requireNonNull(message, "message == null");
    }
  }

  /** The source is unavailable for now (rate limited, down); try again after {@code retryAfter}. */
  record Unavailable(String message, Duration retryAfter) implements FetchResult, LookupResult {
    public Unavailable {
      Objects.requireNonNull(message, "message == null");
      Objects.requireNonNull(retryAfter, "retryAfter == null");
    }
  }

  /** What to tell the issue. */
  sealed interface Feedback permits PullRequestOpened, BranchPushed, EndedWithoutPullRequest {}

  /** A draft pull request was opened (or found open) for the issue. */
  record PullRequestOpened(PullRequestRef pullRequest, String summary) implements Feedback {
    public PullRequestOpened {
      Objects.requireNonNull(pullRequest, "pullRequest == null");
    }
  }

  /**
   * The verified fix was pushed to {@code branch} and no pull request opened (the branch mode);
   * {@code compareUrl} is null when the host has no compare page.
   */
  record BranchPushed(String branch, java.net.URI compareUrl, String summary) implements Feedback {
    public BranchPushed {
      Objects.requireNonNull(branch, "branch == null");
    }
  }

  /** The run ended without a pull request, and why. */
  record EndedWithoutPullRequest(RunStatus status, String reason) implements Feedback {
    public EndedWithoutPullRequest {
      Objects.requireNonNull(status, "status == null");
      Objects.requireNonNull(reason, "reason == null");
    }
  }

  /** Whether feedback reached the issue. */
  sealed interface FeedbackResult permits Posted, Skipped, NotPosted {}

  /** The feedback was posted. */
  record Posted() implements FeedbackResult {}

  /** Nothing was posted on purpose (for example, no API token configured). */
  record Skipped(String reason) implements FeedbackResult {}

  /** Posting failed; the run is not affected. */
  record NotPosted(String reason) implements FeedbackResult {}
}
