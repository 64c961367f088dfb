package dev.autofix.core.model;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * An issue as its source reports it: one bug, however many events it groups.
 *
 * @param id the de-duplication key
 * @param shortId the human id, for example {@code BACKEND-4Z}; the id's value when the source has
 *     none
 * @param project the project slug, or {@code null} when unknown
 * @param title the issue's title
 * @param culprit where the error happened (a function or route), or {@code null}
 * @param level the severity
 * @param permalink the issue's page at the source, or {@code null}
 * @param firstSeen when the source first saw the issue, or {@code null}
 * @param eventCount how many events the issue grouped when it was reported
 * @param textReplaced whether some of its text (short id, project, title, culprit) arrived as no
 *     store can keep it (U+0000, lone surrogates) and was replaced by U+FFFD ({@link Texts}); set
 *     here, whatever the caller passed, so every source is covered. A new run says so in its
 *     history ({@link FixRun#queued}); the run keeps the issue without the mark, as its store reads
 *     it back
 */
public record Issue(
    IssueId id,
    String shortId,
    String project,
    String title,
    String culprit,
    Level level,
    URI permalink,
    Instant firstSeen,
    long eventCount,
    boolean textReplaced) {

  /** An issue as its source reports it; whether its text had to be replaced is worked out. */
  public Issue(
      IssueId id,
      String shortId,
      String project,
      String title,
      String culprit,
      Level level,
      URI permalink,
      Instant firstSeen,
      long eventCount) {
    this(id, shortId, project, title, culprit, level, permalink, firstSeen, eventCount, false);
  }

  public Issue {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(title, "title == null");
    Objects.requireNonNull(level, "level == null");
    if (shortId == null || shortId.isBlank()) {
      shortId = id.value();
    }
    textReplaced =
        textReplaced
            || !Texts.isStorable(shortId)
            || !Texts.isStorable(project)
            || !Texts.isStorable(title)
            || !Texts.isStorable(culprit);
    shortId = Texts.storable(shortId);
    project = Texts.storable(project);
    title = Texts.storable(title);
    culprit = Texts.storable(culprit);
    if (eventCount < 0) {
      throw new IllegalArgumentException("eventCount < 0: " + eventCount);
    }
  }

  /** This issue without the {@link #textReplaced} mark (its text is storable already). */
  public Issue unmarked() {
    return textReplaced
        ? new Issue(id, shortId, project, title, culprit, level, permalink, firstSeen, eventCount)
        : this;
  }
}
