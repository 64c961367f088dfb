package dev.autofix.sentry.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Set;

/**
 * Reads a webhook body into a tree without the parts no webhook parser reads: an event's exception
 * and stack traces, breadcrumbs, request, contexts and the like, which are most of an {@code
 * event_alert.triggered} body. They are still read through, so a body that is not well-formed JSON
 * anywhere is refused as before; only their nodes are not built. (The fix itself reads the full
 * event from the REST API, not from the webhook.)
 */
public final class WebhookJson {
  /** Field names whose values {@link WebhookParser} never looks at, at any depth. */
  static final Set<String> UNUSED =
      Set.of(
          "exception",
          "stacktrace",
          "breadcrumbs",
          "entries",
          "contexts",
          "sdk",
          "request",
          "modules",
          "extra",
          "threads",
          "debug_meta",
          "user",
          "hashes",
          "grouping_config",
          "_meta",
          "errors",
          "spans",
          "measurements",
          "fingerprint",
          "installation",
          "actor");

  private static final TokenFilter SKIP_UNUSED =
      new TokenFilter() {
        @Override
        public TokenFilter includeProperty(String name) {
          return UNUSED.contains(name) ? null : this;
        }

        // keep empty containers (and ones whose every field was skipped): the tree keeps its shape
        @Override
        public boolean includeEmptyObject(boolean contentsFiltered) {
          return true;
        }

        @Override
        public boolean includeEmptyArray(boolean contentsFiltered) {
          return true;
        }
      };

  private WebhookJson() {}

  /**
   * The body's tree without the unused fields; {@code null} for an empty document.
   *
   * @throws IOException when the body is not one well-formed JSON document
   */
  public static JsonNode read(ObjectReader reader, byte[] body) throws IOException {
    try (JsonParser parser =
        new FilteringParserDelegate(
            reader.createParser(body),
            SKIP_UNUSED,
            TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH,
            true)) {
      return reader.readTree(parser);
    }
  }
}
