package dev.autofix.sentry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** The reading before the tree was built by hand: a filtering delegate into readTree. */
  private JsonNode throughAFilter(byte[] body) throws IOException {
    TokenFilter skipUnused =
        new TokenFilter() {
          @Override
          public TokenFilter includeProperty(String name) {
            return WebhookJson.UNUSED.contains(name) ? null : this;
          }

          @Override
          public boolean includeEmptyObject(boolean contentsFiltered) {
            return true;
          }

          @Override
          public boolean includeEmptyArray(boolean contentsFiltered) {
            return true;
          }
        };
    try (JsonParser filtering =
        new FilteringParserDelegate(
            reader.createParser(body),
            skipUnused,
            TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH,
            true)) {
      return reader.readTree(filtering);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "issue-created.json",
        "issue-created.body.json",
        "event-alert-triggered.json",
        "event-alert-triggered.body.json",
        "error-created.json",
        "comment-created.json",
        "legacy-webhook-plugin.json",
      })
  void read_buildsTheTreeAFilteringReadTreeBuilds_onEveryFixture(String fixture)
      throws IOException {
    assertReadsAsThroughAFilter(fixture(fixture));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":1,\"b\":-2147483649,\"c\":123456789012345678901234567890,\"d\":1.5e3,"
            + "\"e\":-0.0,\"f\":true,\"g\":false,\"h\":null,\"i\":\"t\\u00e9xt\\n\"}",
        "{\"dup\":1,\"dup\":{\"x\":[1,[2,[3,{}]],[]]}}",
        "[1,\"two\",{\"exception\":[1,2],\"kept\":{\"user\":\"gone\"}}]",
        "\"just a string\"",
        "42",
        "{\"user\":null,\"sdk\":7,\"request\":\"x\",\"keep\":{}}",
      })
  void read_buildsTheSameNodesAsReadTree_forEveryKindOfValue(String json) throws IOException {
    assertReadsAsThroughAFilter(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The same nodes, and the same text (node types and field order included). */
  private void assertReadsAsThroughAFilter(byte[] body) throws IOException {
    JsonNode tree = WebhookJson.read(reader, body);
    JsonNode expected = throughAFilter(body);

    assertThat(tree).isEqualTo(expected);
    assertThat(tree.toString()).isEqualTo(expected.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":1} {\"b\":2}",
        "{\"a\":1} x",
        "{\"a\":1]",
        "[1,2",
        "{\"a\":}",
        "{\"exception\":[1,2}",
        "{\"user\":\"unterminated}",
      })
  void read_refusesWhatIsNotOneWellFormedDocument(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> WebhookJson.read(reader, body)).isInstanceOf(JacksonException.class);
  }

  @Test
  void read_givesNullForAnEmptyDocument() throws IOException {
    assertThat(WebhookJson.read(reader, "  ".getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @Test
  void read_takesDeepNesting_upToTheParsersLimit_andRefusesDeeper() throws IOException {
    byte[] deep = ("[".repeat(900) + "]".repeat(900)).getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookJson.read(reader, deep)).isEqualTo(reader.readTree(deep));

    byte[] tooDeep = ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> WebhookJson.read(reader, tooDeep))
        .isInstanceOf(JacksonException.class);
  }

  @Test
  void read_needsNoStackFramePerNestingLevel() throws Exception {
    byte[] deep =
        ("{\"a\":".repeat(1000) + "1" + "}".repeat(1000)).getBytes(StandardCharsets.UTF_8);
    AtomicReference<Object> outcome = new AtomicReference<>();
    // a small stack: building the tree by recursion overflowed it at this depth
    Thread small =
        new Thread(
            null,
            () -> {
              try {
                outcome.set(WebhookJson.read(reader, deep));
              } catch (Throwable t) {
                outcome.set(t);
              }
            },
            "small-stack",
            128 * 1024);
    small.start();
    small.join(30_000);

    assertThat(outcome.get()).isInstanceOf(JsonNode.class).isEqualTo(reader.readTree(deep));
  }

  @Test
  void read_withAMapperThatBuildsOtherNodes_buildsWhatThatMapperBuilds() throws IOException {
    ObjectReader bigDecimals =
        new ObjectMapper()
            .enable(
                com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .reader();
    byte[] body = "{\"x\":1e400,\"user\":{}}".getBytes(StandardCharsets.UTF_8);

    assertThat(WebhookJson.read(bigDecimals, body)).isEqualTo(bigDecimals.readTree(body));
    assertThat(WebhookJson.read(bigDecimals, body).get("x").isBigDecimal()).isTrue();
    assertThat(WebhookJson.read(bigDecimals, "  ".getBytes(StandardCharsets.UTF_8))).isNull();
  }
}
