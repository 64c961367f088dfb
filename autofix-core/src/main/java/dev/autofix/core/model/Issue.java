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
    long eventCount) {
  public Issue {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(title, "title == null");
    Objects.requireNonNull(level, "level == null");
    if (shortId == null || shortId.isBlank()) {
      shortId = id.value();
    }
    shortId = Texts.storable(shortId);
    project = Texts.storable(project);
    title = Texts.storable(title);
    culprit = Texts.storable(culprit);
    if (eventCount < 0) {
      throw new IllegalArgumentException("eventCount < 0: " + eventCount);
    }
  }
}
