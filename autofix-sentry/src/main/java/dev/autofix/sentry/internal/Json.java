package dev.autofix.sentry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Lenient readers over Jackson trees: Sentry sends ids as strings or numbers, and many nulls. */
final class Json {
  private Json() {}

  /** The field as text (numbers and booleans too), or {@code null} when missing, null or blank. */
  static String text(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || value.isContainerNode()) {
      return null;
    }
    String text = value.asText();
    return text.isBlank() ? null : text;
  }

  /** The field as an object node, or {@code null}. */
  static JsonNode object(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(field);
    return value != null && value.isObject() ? value : null;
  }

  /** The field as an array node, or {@code null}. */
  static JsonNode array(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(field);
    return value != null && value.isArray() ? value : null;
  }

  /** The field as an int, or {@code fallback}. */
  static int intValue(JsonNode node, String field, int fallback) {
    if (node == null) {
      return fallback;
    }
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isNumber()) {
      return value.asInt();
    }
    try {
      return Integer.parseInt(value.asText().trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /**
   * A timestamp in either ISO-8601 form Sentry uses ({@code Z} or {@code +00:00}, with or without
   * fractions), or epoch seconds as a number; {@code null} when missing.
   *
   * @throws InvalidPayloadException when present but unreadable
   */
  static Instant instant(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isNumber()) {
      return Instant.ofEpochMilli(Math.round(value.asDouble() * 1000));
    }
    String text = value.asText().trim();
    if (text.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        // a naive timestamp (no offset) is UTC in Sentry
        return OffsetDateTime.parse(text + "Z").toInstant();
      } catch (DateTimeParseException ignored) {
        throw new InvalidPayloadException(field + " is not a timestamp: " + abbreviate(text));
      }
    }
  }

  /** The field as an absolute http(s) URI, or {@code null} when missing or not a URI. */
  static URI uri(JsonNode node, String field) {
    String text = text(node, field);
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text.trim());
      return uri.isAbsolute() ? uri : null;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  /** At most 200 characters of {@code text}, for messages. */
  static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }
}
