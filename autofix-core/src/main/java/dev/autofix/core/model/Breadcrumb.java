package dev.autofix.core.model;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Something that happened before the error: a log line, a query, a navigation, an HTTP call.
 *
 * @param timestamp when it happened, or {@code null}
 * @param type the breadcrumb type, for example {@code http}, or {@code null}
 * @param category the category, for example {@code query}, or {@code null}
 * @param level the level as the source spells it, or {@code null}
 * @param message the message, or {@code null}
 * @param data further key/value data (may be empty)
 */
public record Breadcrumb(
    Instant timestamp,
    String type,
    String category,
    String level,
    String message,
    Map<String, String> data) {
  public Breadcrumb {
    data = data == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(data));
  }
}
