package dev.autofix.sentry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written reading of Sentry's timestamps agrees with {@code OffsetDateTime.parse}. */
class JsonInstantTest {
  /** What the general parser alone makes of {@code text}: an instant, or null when it refuses. */
  private static Instant general(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text + "Z").toInstant();
      } catch (DateTimeParseException refused) {
        return null;
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-24T10:00:00Z",
        "2026-11-24T10:00:00.123456Z",
        "2026-11-24T10:00:00.1Z",
        "2026-11-24T10:00:00.123456789Z",
        "2026-11-24T10:00:00.000000+00:00",
        "2026-11-24T23:59:59.999-05:30",
        "2026-11-24T00:00:00+18:00",
        "2026-11-24T00:00:00-18:00",
        "2026-11-24T10:00:00",
        "2026-11-24T10:00:00.654321",
        "2024-02-29T12:00:00Z",
      })
  void commonForms_readTheSameInstantAsTheGeneralParser(String text) {
    assertThat(Json.commonInstant(text)).isNotNull().isEqualTo(general(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-24T10:00Z", // no seconds: valid, left to the general parser
        "2026-11-24T10:00:00.1234567891Z", // ten fraction digits
        "2026-11-24T10:00:00.Z",
        "2026-11-24T10:00:00+01:00:30",
        "2026-11-24T10:00:00+18:30",
        "2026-11-24T10:00:00+19:00",
        "2026-11-24T10:00:00+0100",
        "2026-11-24T24:00:00Z",
        "2026-11-24T23:59:60Z",
        "2026-13-01T10:00:00Z",
        "2023-02-29T10:00:00Z",
        "2026-11-24 10:00:00Z",
        "+2026-11-24T10:00:00Z",
        "2026-11-24T10:00:00z",
        "2026-11-24T1a:00:00Z",
        "2026-11-24T10:00:00ZZ",
        "yesterday",
        "",
      })
  void anythingElse_isLeftToTheGeneralParser(String text) {
    assertThat(Json.commonInstant(text)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-24T10:00Z",
        "2026-11-24T10:00:00+01:00:30",
        "2026-11-24T24:00:00Z",
        "2026-13-01T10:00:00Z",
        "yesterday",
        "2026-11-24T10:00:00.123456Z",
      })
  void instant_answersAsTheGeneralParserDoes(String text) {
    ObjectNode node = JsonNodeFactory.instance.objectNode().put("at", text);
    Instant expected = general(text);
    if (expected == null) {
      assertThatThrownBy(() -> Json.instant(node, "at"))
          .isInstanceOf(InvalidPayloadException.class)
          .hasMessageContaining("at is not a timestamp");
    } else {
      assertThat(Json.instant(node, "at")).isEqualTo(expected);
    }
  }
}
