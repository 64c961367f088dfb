package dev.autofix.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A fix that was committed and verified but not yet published, because the host was unavailable:
 * what a later attempt needs to publish it without running the agent again (the run's agent,
 * summary and cost are kept on the run itself).
 *
 * @param patch the verified commit, in the repository autofix keeps it in
 * @param baseRef the ref the fix started from, for example {@code main}
 * @param turns how many turns the agent took, or {@code null}
 * @param check what the harness verified
 * @param took how long the run took up to the first try to publish
 * @param publishSince when the first try to publish failed
 * @param publishTries how many tries to publish have failed so far
 * @param lastFailure why the last try failed, in plain words
 */
public record VerifiedFix(
    Patch patch,
    String baseRef,
    Integer turns,
    Check check,
    Duration took,
    Instant publishSince,
    int publishTries,
    String lastFailure) {
  public VerifiedFix {
    Objects.requireNonNull(patch, "patch == null");
    Objects.requireNonNull(baseRef, "baseRef == null");
    Objects.requireNonNull(check, "check == null");
    Objects.requireNonNull(took, "took == null");
    Objects.requireNonNull(publishSince, "publishSince == null");
    if (publishTries < 1) {
      throw new IllegalArgumentException("publishTries < 1: " + publishTries);
    }
    lastFailure = Texts.storable(lastFailure == null ? "" : lastFailure);
  }

  /** This fix after one more failed try to publish. */
  public VerifiedFix failedAgain(String failure) {
    return new VerifiedFix(
        patch, baseRef, turns, check, took, publishSince, publishTries + 1, failure);
  }

  /** This fix kept in {@code kept} (the repository that outlives the attempt's workspace). */
  public VerifiedFix keptAs(Patch kept) {
    return new VerifiedFix(
        kept, baseRef, turns, check, took, publishSince, publishTries, lastFailure);
  }

  /** How the verification ended. */
  public enum Outcome {
    /** No test command is configured. */
    NOT_CONFIGURED,
    /** The test command passed. */
    PASSED,
    /** The test command failed (published anyway, as configured). */
    FAILED;

    /** The name the database stores, for example {@code not_configured}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses a wire name.
     *
     * @throws IllegalArgumentException for an unknown one
     */
    public static Outcome fromWire(String value) {
      for (Outcome outcome : values()) {
        if (outcome.wireName().equals(value)) {
          return outcome;
        }
      }
      throw new IllegalArgumentException("unknown verification outcome: " + value);
    }
  }

  /**
   * The verification, as the pull request reports it.
   *
   * @param outcome how it ended
   * @param command the test command, or {@code ""} when none is configured
   * @param exitCode its exit code ({@code -1}: timed out; {@code 0} when it passed)
   * @param took how long it ran ({@link Duration#ZERO} when unknown)
   * @param outputTail the end of its output
   */
  public record Check(
      Outcome outcome, String command, int exitCode, Duration took, String outputTail) {
    public Check {
      Objects.requireNonNull(outcome, "outcome == null");
      command = Texts.storable(command == null ? "" : command);
      took = took == null ? Duration.ZERO : took;
      outputTail = Texts.storable(outputTail == null ? "" : outputTail);
    }
  }
}
