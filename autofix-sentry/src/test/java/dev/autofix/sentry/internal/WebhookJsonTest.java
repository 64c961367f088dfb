package dev.autofix.sentry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookJsonTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final ObjectReader reader = mapper.reader();
  private final WebhookParser parser = new WebhookParser("sentry");

  private static byte[] fixture(String name) {
    try (InputStream in =
        WebhookJsonTest.class.getResourceAsStream("/dev/autofix/sentry/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "issue, issue-created.json",
    "issue, issue-created.body.json",
    "event_alert, event-alert-triggered.json",
    "event_alert, event-alert-triggered.body.json",
    "error, error-created.json",
    "comment, comment-created.json",
  })
  void read_givesTheParserWhatTheFullTreeGives(String resource, String fixture) throws IOException {
    byte[] body = fixture(fixture);

    WebhookParser.Outcome filtered =
        parser.parseIntegration(resource, WebhookJson.read(reader, body));
    WebhookParser.Outcome full = parser.parseIntegration(resource, reader.readTree(body));

    assertThat(filtered).isEqualTo(full);
  }

  @Test
  void read_givesTheLegacyParserWhatTheFullTreeGives() throws IOException {
    byte[] body = fixture("legacy-webhook-plugin.json");

    assertThat(parser.parseLegacy(WebhookJson.read(reader, body)))
        .isEqualTo(parser.parseLegacy(reader.readTree(body)));
  }

  @Test
  void read_leavesOutTheEventsBulk_andKeepsWhatIsRead() throws IOException {
    JsonNode root = WebhookJson.read(reader, fixture("event-alert-triggered.body.json"));

    JsonNode event = root.get("data").get("event");
    assertThat(event.has("exception")).isFalse();
    assertThat(event.has("request")).isFalse();
    assertThat(event.get("issue_id").asText()).isNotBlank();
    assertThat(event.has("tags")).isTrue();
    assertThat(event.has("title")).isTrue();
  }

  @Test
  void read_keepsEmptyObjectsAndArrays_andObjectsWhoseFieldsWereAllLeftOut() throws IOException {
    assertThat(WebhookJson.read(reader, "{}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(mapper.readTree("{}"));
    assertThat(
            WebhookJson.read(
                reader,
                "{\"data\":{},\"list\":[],\"event\":{\"exception\":{\"values\":[]}}}"
                    .getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(mapper.readTree("{\"data\":{},\"list\":[],\"event\":{}}"));
  }

  @Test
  void read_stillRefusesBrokenJson_insideALeftOutPart() {
    byte[] body =
        "{\"action\":\"triggered\",\"data\":{\"event\":{\"exception\":{\"values\":[1,}}}}"
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> WebhookJson.read(reader, body)).isInstanceOf(IOException.class);
  }
}
