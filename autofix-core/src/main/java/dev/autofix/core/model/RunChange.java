package dev.autofix.core.model;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;

/**
 * What a transition records besides the new status.
 *
 * <p>{@code reason} and {@code notBefore} describe the new status and always replace the old values
 * ({@code null} clears them). The other fields are results that accumulate: {@code null} keeps what
 * the run already has.
 *
 * @param reason why the run is in its new status, in plain words, or {@code null}
 * @param notBefore the earliest time a worker may claim the run again, or {@code null}
 * @param agent the agent that ran, or {@code null}
 * @param branch the fix branch, or {@code null}
 * @param pullRequestUrl the pull request, or {@code null}
 * @param summary the agent's summary of its fix, or {@code null}
 * @param costUsd what the agent reported it cost, or {@code null}
 * @param verifiedFix the verified fix still to publish, or {@code null} to keep the run's (a run
 *     that ends, or is retried after it ended, drops it)
 * @param refundAttempt whether to give back the attempt the claim counted (a deferral or a clean
 *     shutdown is not an attempt)
 * @param attemptCost what the agent attempt that this transition ends cost, recorded in the run's
 *     history; {@code null} when no agent ran (a publish retry of a kept fix, say)
 */
public record RunChange(
    String reason,
    Instant notBefore,
    String agent,
    String branch,
    URI pullRequestUrl,
    String summary,
    BigDecimal costUsd,
    VerifiedFix verifiedFix,
    boolean refundAttempt,
    AttemptCost attemptCost) {

  public RunChange {
    reason = Texts.storable(reason);
    agent = Texts.storable(agent);
    branch = Texts.storable(branch);
    summary = Texts.storable(summary);
  }

  /** A change that records only the status. */
  public static RunChange none() {
    return new RunChange(null, null, null, null, null, null, null, null, false, null);
  }

  /** A change that records why. */
  public static RunChange because(String reason) {
    return none().withReason(reason);
  }

  public RunChange withReason(String value) {
    return new RunChange(
        value,
        notBefore,
        agent,
        branch,
        pullRequestUrl,
        summary,
        costUsd,
        verifiedFix,
        refundAttempt,
        attemptCost);
  }

  public RunChange withNotBefore(Instant value) {
    return new RunChange(
        reason,
        value,
        agent,
        branch,
        pullRequestUrl,
        summary,
        costUsd,
        verifiedFix,
        refundAttempt,
        attemptCost);
  }

  public RunChange withAgent(String value) {
    return new RunChange(
        reason,
        notBefore,
        value,
        branch,
        pullRequestUrl,
        summary,
        costUsd,
        verifiedFix,
        refundAttempt,
        attemptCost);
  }

  public RunChange withBranch(String value) {
    return new RunChange(
        reason,
        notBefore,
        agent,
        value,
        pullRequestUrl,
        summary,
        costUsd,
        verifiedFix,
        refundAttempt,
        attemptCost);
  }

  public RunChange withPullRequestUrl(URI value) {
    return new RunChange(
        reason,
        notBefore,
        agent,
        branch,
        value,
        summary,
        costUsd,
        verifiedFix,
        refundAttempt,
        attemptCost);
  }

  public RunChange withSummary(String value) {
    return new RunChange(
        reason,
        notBefore,
        agent,
        branch,
        pullRequestUrl,
        value,
        costUsd,
        verifiedFix,
        refundAttempt,
        attemptCost);
  }

  public RunChange withCostUsd(BigDecimal value) {
    return new RunChange(
        reason,
        notBefore,
        agent,
        branch,
        pullRequestUrl,
        summary,
        value,
        verifiedFix,
        refundAttempt,
        attemptCost);
  }

  public RunChange withVerifiedFix(VerifiedFix value) {
    return new RunChange(
        reason,
        notBefore,
        agent,
        branch,
        pullRequestUrl,
        summary,
        costUsd,
        value,
        refundAttempt,
        attemptCost);
  }

  /** The same change, giving back the attempt the claim counted. */
  public RunChange refundingAttempt() {
    return new RunChange(
        reason,
        notBefore,
        agent,
        branch,
        pullRequestUrl,
        summary,
        costUsd,
        verifiedFix,
        true,
        attemptCost);
  }

  /** This change, recording what the agent attempt it ends cost. */
  public RunChange withAttemptCost(AttemptCost value) {
    return new RunChange(
        reason,
        notBefore,
        agent,
        branch,
        pullRequestUrl,
        summary,
        costUsd,
        verifiedFix,
        refundAttempt,
        value);
  }
}
