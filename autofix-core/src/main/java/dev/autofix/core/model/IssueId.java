package dev.autofix.core.model;

import java.util.Objects;

/**
 * The de-duplication key of an issue: the source that reported it and the source's own id.
 *
 * <p>One run exists per {@code IssueId}, ever. The id is the issue's (Sentry groups events into
 * issues), never an event's or a delivery's.
 *
 * @param source the issue source, for example {@code sentry}
 * @param value the source's id of the issue, for example {@code 1170820242}
 */
public record IssueId(String source, String value) {
  public IssueId {
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(value, "value == null");
    if (source.isBlank()) {
      throw new IllegalArgumentException("source is blank");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException("issue id is blank");
    }
    source = Texts.storable(source);
    value = Texts.storable(value);
  }

  @Override
  public String toString() {
    return source + ":" + value;
  }
}
