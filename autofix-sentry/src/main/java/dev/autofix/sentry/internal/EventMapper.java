package dev.autofix.sentry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autofix.core.model.Breadcrumb;
import dev.autofix.core.model.ContextLine;
import dev.autofix.core.model.ErrorDetails;
import dev.autofix.core.model.ExceptionInfo;
import dev.autofix.core.model.StackFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a REST API event ({@code GET .../issues/{id}/events/{recommended|latest}/}, camelCase) to
 * the core's {@link ErrorDetails}. Lenient: a part it cannot read is left out, never thrown.
 */
public final class EventMapper {
  private EventMapper() {}

  /** The details of {@code event}. */
  public static ErrorDetails map(JsonNode event) {
    List<ExceptionInfo> exceptions = new ArrayList<>();
    List<Breadcrumb> breadcrumbs = new ArrayList<>();
    String requestUrl = null;
    JsonNode entries = Json.array(event, "entries");
    if (entries != null) {
      for (JsonNode entry : entries) {
        JsonNode data = Json.object(entry, "data");
        switch (String.valueOf(Json.text(entry, "type"))) {
          case "exception" -> exceptions.addAll(exceptions(data));
          case "breadcrumbs" -> breadcrumbs.addAll(breadcrumbs(data));
          case "request" -> requestUrl = Json.text(data, "url");
          default -> {
            // message, threads, spans, ...: not needed by a fixer
          }
        }
      }
    }
    Map<String, String> tags = tags(event);
    String eventId = Json.text(event, "eventID");
    if (eventId == null) {
      eventId = Json.text(event, "id");
    }
    String environment = Json.text(event, "environment");
    if (environment == null) {
      environment = tags.get("environment");
    }
    return new ErrorDetails(
        eventId, exceptions, breadcrumbs, tags, release(event), environment, requestUrl);
  }

  /** Sentry lists a chain innermost cause first; the core wants the outermost first. */
  private static List<ExceptionInfo> exceptions(JsonNode data) {
    JsonNode values = Json.array(data, "values");
    if (values == null) {
      return List.of();
    }
    List<ExceptionInfo> chain = new ArrayList<>();
    for (JsonNode value : values) {
      String type = Json.text(value, "type");
      if (type == null) {
        type = "Error"; // a message-only chain entry has no type
      }
      chain.add(
          new ExceptionInfo(
              type,
              Json.text(value, "value"),
              Json.text(value, "module"),
              frames(Json.object(value, "stacktrace"))));
    }
    Collections.reverse(chain);
    return chain;
  }

  private static List<StackFrame> frames(JsonNode stacktrace) {
    JsonNode frames = Json.array(stacktrace, "frames");
    if (frames == null) {
      return List.of();
    }
    List<StackFrame> result = new ArrayList<>();
    for (JsonNode frame : frames) {
      String file = Json.text(frame, "filename");
      if (file == null) {
        file = Json.text(frame, "absPath");
      }
      result.add(
          new StackFrame(
              file,
              Math.max(0, Json.intValue(frame, "lineNo", 0)),
              Json.text(frame, "function"),
              Json.text(frame, "module"),
              frame.path("inApp").asBoolean(false),
              context(Json.array(frame, "context"))));
    }
    return result;
  }

  /** {@code [[lineNo, "code"], ...]}. */
  private static List<ContextLine> context(JsonNode context) {
    if (context == null) {
      return List.of();
    }
    List<ContextLine> lines = new ArrayList<>();
    for (JsonNode pair : context) {
      if (pair.isArray() && pair.size() == 2 && pair.get(0).canConvertToInt()) {
        JsonNode code = pair.get(1);
        lines.add(new ContextLine(pair.get(0).asInt(), code.isNull() ? "" : code.asText()));
      }
    }
    return lines;
  }

  private static List<Breadcrumb> breadcrumbs(JsonNode data) {
    JsonNode values = Json.array(data, "values");
    if (values == null) {
      return List.of();
    }
    List<Breadcrumb> result = new ArrayList<>();
    for (JsonNode crumb : values) {
      Instant timestamp;
      try {
        timestamp = Json.instant(crumb, "timestamp");
      } catch (InvalidPayloadException e) {
        timestamp = null;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      JsonNode crumbData = Json.object(crumb, "data");
      if (crumbData != null) {
        crumbData
            .properties()
            .forEach(
                e -> {
                  if (!e.getValue().isNull()) {
                    fields.put(
                        e.getKey(),
                        e.getValue().isValueNode()
                            ? e.getValue().asText()
                            : e.getValue().toString());
                  }
                });
      }
      result.add(
          new Breadcrumb(
              timestamp,
              Json.text(crumb, "type"),
              Json.text(crumb, "category"),
              Json.text(crumb, "level"),
              Json.text(crumb, "message"),
              fields));
    }
    return result;
  }

  /** {@code [{"key": k, "value": v}, ...]} (API) or {@code [[k, v], ...]} (webhooks). */
  private static Map<String, String> tags(JsonNode event) {
    Map<String, String> tags = new LinkedHashMap<>();
    JsonNode array = Json.array(event, "tags");
    if (array != null) {
      for (JsonNode tag : array) {
        if (tag.isObject()) {
          String key = Json.text(tag, "key");
          String value = Json.text(tag, "value");
          if (key != null && value != null) {
            tags.put(key, value);
          }
        } else if (tag.isArray() && tag.size() == 2 && !tag.get(1).isNull()) {
          tags.put(tag.get(0).asText(), tag.get(1).asText());
        }
      }
    }
    return tags;
  }

  /** {@code release} is an object with a {@code version} in the API, a string elsewhere. */
  private static String release(JsonNode event) {
    JsonNode release = event.get("release");
    if (release == null || release.isNull()) {
      return null;
    }
    if (release.isObject()) {
      return Json.text(release, "version");
    }
    return release.asText();
  }
}
