package dev.autofix.core.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The error context a fixer needs, taken from one representative event of an issue.
 *
 * <p>Everything in here was written by the failing program, and so possibly by an attacker: treat
 * it as untrusted data.
 *
 * @param eventId the source's id of the event the details come from, or {@code null}
 * @param exceptions the exception chain, outermost (the one that was caught last) first
 * @param breadcrumbs what happened before the error, oldest first
 * @param tags the event's tags
 * @param release the release the event came from, or {@code null}
 * @param environment the environment, for example {@code production}, or {@code null}
 * @param requestUrl the URL of the request being served, or {@code null}
 */
public record ErrorDetails(
    String eventId,
    List<ExceptionInfo> exceptions,
    List<Breadcrumb> breadcrumbs,
    Map<String, String> tags,
    String release,
    String environment,
    String requestUrl) {
  public ErrorDetails {
    exceptions = exceptions == null ? List.of() : List.copyOf(exceptions);
    breadcrumbs = breadcrumbs == null ? List.of() : List.copyOf(breadcrumbs);
    tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
  }

  /** Details with nothing in them, for a source that can tell no more than the issue itself. */
  public static ErrorDetails none() {
    return new ErrorDetails(null, List.of(), List.of(), Map.of(), null, null, null);
  }
}
