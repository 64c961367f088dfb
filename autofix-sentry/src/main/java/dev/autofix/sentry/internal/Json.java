package dev.autofix.sentry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
    Instant common = commonInstant(text);
    if (common != null) {
      return common;
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

  /**
   * The form Sentry sends, read without a {@code DateTimeFormatter} (which cost a twentieth of a
   * webhook's time): {@code yyyy-MM-ddTHH:mm:ss}, an optional fraction of up to nine digits, then
   * {@code Z}, {@code ±HH:MM} or nothing (UTC). Null for anything else, valid or not, which the
   * general parser then reads or refuses exactly as before.
   */
  static Instant commonInstant(String text) {
    int n = text.length();
    if (n < 19
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int at = 19;
    int nanos = 0;
    if (at < n && text.charAt(at) == '.') {
      int start = ++at;
      while (at < n && at - start < 9 && isDigit(text.charAt(at))) {
        nanos = nanos * 10 + (text.charAt(at) - '0');
        at++;
      }
      int length = at - start;
      if (length == 0 || (at < n && isDigit(text.charAt(at)))) {
        return null;
      }
      for (int i = length; i < 9; i++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (at == n) {
      offsetSeconds = 0; // naive: UTC in Sentry
    } else if (at == n - 1 && text.charAt(at) == 'Z') {
      offsetSeconds = 0;
    } else if (at == n - 6
        && (text.charAt(at) == '+' || text.charAt(at) == '-')
        && text.charAt(at + 3) == ':') {
      int offsetHours = digits(text, at + 1, 2);
      int offsetMinutes = digits(text, at + 4, 2);
      if ((offsetHours | offsetMinutes) < 0 || offsetHours > 18 || offsetMinutes > 59) {
        return null;
      }
      offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (text.charAt(at) == '-' ? -1 : 1);
    } else {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
          .toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
    } catch (DateTimeException outOfRange) {
      return null; // the general parser words the refusal
    }
  }

  /** The decimal number in {@code text} at {@code [from, from + count)}; -1 if not all digits. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
