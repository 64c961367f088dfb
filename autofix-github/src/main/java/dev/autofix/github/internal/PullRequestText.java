package dev.autofix.github.internal;

import dev.autofix.core.model.Issue;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.PullRequestPublisher.PublishRequest;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pull request's title and body, written from the run. */
public final class PullRequestText {
  /** Titles longer than this are cut (the issue's part, never the short id). */
  static final int MAX_TITLE = 100;

  /** GitHub refuses bodies over 65,536 characters; stay well under. */
  static final int MAX_BODY = 60_000;

  static final int MAX_SUMMARY = 20_000;
  static final int MAX_OUTPUT = 4_000;
  private static final Pattern BACKTICKS = Pattern.compile("`{3,}");

  private PullRequestText() {}

  /**
   * {@code fix: <title> (<SHORT-ID>)}, on one line and at most {@value #MAX_TITLE} characters;
   * prefixed {@code [verification failed]} when the change was published although the test command
   * failed.
   */
  public static String title(Issue issue, FixVerifier.Verification verification) {
    String title = title(issue);
    return verification instanceof FixVerifier.Failed
        ? cutTitle(VERIFICATION_FAILED + title)
        : title;
  }

  private static final String VERIFICATION_FAILED = "[verification failed] ";

  private static String cutTitle(String title) {
    return title.length() <= MAX_TITLE ? title : title.substring(0, MAX_TITLE - 1) + "…";
  }

  /** {@code fix: <title> (<SHORT-ID>)}, on one line and at most {@value #MAX_TITLE} characters. */
  public static String title(Issue issue) {
    String suffix = " (" + oneLine(issue.shortId()) + ")";
    String title = oneLine(issue.title());
    if (title.isEmpty()) {
      title = "error in " + (issue.culprit() == null ? "unknown code" : oneLine(issue.culprit()));
    }
    int room = MAX_TITLE - "fix: ".length() - suffix.length();
    if (title.length() > room) {
      title = title.substring(0, Math.max(0, room - 1)).stripTrailing() + "…";
    }
    return "fix: " + title + suffix;
  }

  /**
   * The body: the agent's summary, what autofix verified, the issue, {@code Fixes <SHORT-ID>} (so
   * Sentry resolves the issue when the fix is released), agent, duration and cost, and a line that
   * a machine wrote it.
   *
   * @param redact applied to text that came from elsewhere, to keep secrets out
   */
  public static String body(PublishRequest request, UnaryOperator<String> redact) {
    Issue issue = request.issue();
    StringBuilder b = new StringBuilder();
    b.append("> [!NOTE]\n")
        .append("> Written by a machine (autofix, agent `")
        .append(oneLine(request.agent()))
        .append("`). It needs human review before it is merged.\n\n");

    b.append("## Summary\n\n");
    String summary = request.report().summary();
    if (summary == null || summary.isBlank()) {
      b.append("_The agent gave no summary._\n\n");
    } else {
      b.append(cut(redact.apply(summary.strip()), MAX_SUMMARY)).append("\n\n");
    }

    b.append("## Verification\n\n");
    appendVerification(b, request.verification(), redact);

    b.append("## Issue\n\n");
    String shortId = oneLine(issue.shortId());
    if (issue.permalink() != null) {
      b.append("- Sentry: [").append(shortId).append("](").append(issue.permalink()).append(")\n");
    } else {
      b.append("- Issue: ").append(shortId).append(" (no link)\n");
    }
    b.append("- Title: ").append(redact.apply(oneLine(issue.title()))).append('\n');
    if (issue.culprit() != null && !issue.culprit().isBlank()) {
      b.append("- Culprit: `").append(redact.apply(oneLine(issue.culprit()))).append("`\n");
    }
    b.append("- Level: ")
        .append(issue.level().toString().toLowerCase(java.util.Locale.ROOT))
        .append(", events: ")
        .append(issue.eventCount())
        .append("\n\n");

    b.append("Fixes ").append(shortId).append("\n\n");

    b.append("---\n\n");
    b.append("| agent | duration | cost | turns | commit |\n");
    b.append("|---|---|---|---|---|\n");
    b.append("| `")
        .append(oneLine(request.agent()))
        .append("` | ")
        .append(duration(request.duration()))
        .append(" | ")
        .append(cost(request.report().costUsd()))
        .append(" | ")
        .append(request.report().turns() == null ? "n/a" : request.report().turns())
        .append(" | `")
        .append(shortSha(request.patch().commit()))
        .append("` |\n\n");
    if (!request.patch().diffStat().isBlank()) {
      b.append("Diff: ").append(oneLine(request.patch().diffStat())).append("\n\n");
    }
    b.append("_This pull request was opened automatically by autofix for run ")
        .append(request.run().id())
        .append(". Review it like any other change; nothing merges on its own._\n")
        .append("<!-- autofix-run: ")
        .append(request.run().id())
        .append(" commit: ")
        .append(request.patch().commit().replace("--", ""))
        .append(" -->\n");
    return cut(b.toString(), MAX_BODY);
  }

  private static void appendVerification(
      StringBuilder b, FixVerifier.Verification verification, UnaryOperator<String> redact) {
    switch (verification) {
      case FixVerifier.Passed passed -> {
        b.append("Passed: `")
            .append(redact.apply(oneLine(passed.command())))
            .append("` succeeded in ")
            .append(duration(passed.took()))
            .append(".\n\n");
        appendOutput(b, passed.outputTail(), redact);
      }
      case FixVerifier.Failed failed -> {
        b.append("**Failed**: `")
            .append(redact.apply(oneLine(failed.command())))
            .append(failed.exitCode() == -1 ? "` timed out" : "` exited with " + failed.exitCode())
            .append(". The fix was published anyway, as configured.\n\n");
        appendOutput(b, failed.outputTail(), redact);
      }
      case FixVerifier.NotConfigured notConfigured ->
          b.append("Not verified: no test command is configured for this repository.\n\n");
    }
  }

  private static void appendOutput(StringBuilder b, String output, UnaryOperator<String> redact) {
    if (output.isBlank()) {
      return;
    }
    String tail = redact.apply(output.strip());
    if (tail.length() > MAX_OUTPUT) {
      tail = "…" + tail.substring(tail.length() - MAX_OUTPUT);
    }
    String fence = fenceFor(tail);
    b.append("<details><summary>Output (end)</summary>\n\n")
        .append(fence)
        .append('\n')
        .append(tail)
        .append('\n')
        .append(fence)
        .append("\n\n</details>\n\n");
  }

  /** A code fence longer than any run of backticks in the text, so the text cannot close it. */
  static String fenceFor(String text) {
    int longest = 2;
    Matcher m = BACKTICKS.matcher(text);
    while (m.find()) {
      longest = Math.max(longest, m.end() - m.start());
    }
    return "`".repeat(longest + 1);
  }

  static String duration(Duration d) {
    long seconds = Math.max(0, d.toSeconds());
    if (seconds < 60) {
      return d.toMillis() < 10_000
          ? String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0)
          : seconds + " s";
    }
    long minutes = seconds / 60;
    if (minutes < 60) {
      return minutes + " min " + (seconds % 60) + " s";
    }
    return (minutes / 60) + " h " + (minutes % 60) + " min";
  }

  static String cost(BigDecimal usd) {
    return usd == null
        ? "not reported"
        : "$" + usd.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  private static String shortSha(String commit) {
    return oneLine(commit.length() > 12 ? commit.substring(0, 12) : commit);
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").strip();
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
