package dev.autofix.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.Delivery;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.IssueSource.BadSignature;
import dev.autofix.sentry.internal.WebhookSignatures;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The vectors of signature-vectors.json: valid ones pass, must-reject ones are rejected. */
class WebhookSignatureVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OkHttpClient HTTP = new OkHttpClient();

  static Stream<JsonNode> vectors() throws IOException {
    JsonNode root = JSON.readTree(Fixtures.bytes("signature-vectors.json"));
    return Stream.of(root.get("vectors"))
        .flatMap(v -> java.util.stream.StreamSupport.stream(v.spliterator(), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void receive_verifiesVector(JsonNode vector) throws NoSuchAlgorithmException {
    byte[] body = Fixtures.bytes(vector.get("body_file").asText());
    assertThat(body).hasSize(vector.get("body_length_bytes").asInt());
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)))
        .isEqualTo(vector.get("body_sha256_hex").asText());
    String secret = vector.get("secret").asText();
    String header = vector.get("header_value").asText();
    Map<String, String> headers = new LinkedHashMap<>();
    vector.get("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
    IssueSource source =
        SentryIssueSource.create(SentryConfig.withClientSecret(secret), HTTP, JSON);

    boolean valid = vector.get("expected_valid").asBoolean();

    assertThat(WebhookSignatures.verify(secret, body, header)).isEqualTo(valid);
    IssueSource.ReceiveResult result = source.receive(new Delivery(headers, body));
    if (valid) {
      assertThat(result).isNotInstanceOf(BadSignature.class);
    } else {
      assertThat(result).isInstanceOf(BadSignature.class);
    }
  }
}
