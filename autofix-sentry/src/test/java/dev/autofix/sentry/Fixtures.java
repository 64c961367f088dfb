package dev.autofix.sentry;

import dev.autofix.core.model.Delivery;
import dev.autofix.sentry.internal.WebhookSignatures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The recorded Sentry payloads in src/test/resources/dev/autofix/sentry, and signed deliveries. */
final class Fixtures {
  static final String SECRET = "4f0a1c3e5b7d9f2a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a";

  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  /** A delivery of {@code body} for {@code resource}, signed with {@link #SECRET}. */
  static Delivery signed(String resource, byte[] body) {
    return signed(resource, body, SECRET);
  }

  static Delivery signed(String resource, byte[] body, String secret) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Request-ID", "5b1f8a3c2d7e4f6a9b0c1d2e3f4a5b6c");
    headers.put("Sentry-Hook-Resource", resource);
    headers.put("Sentry-Hook-Timestamp", "1566247117");
    headers.put("Sentry-Hook-Signature", WebhookSignatures.sign(secret, body));
    return new Delivery(headers, body);
  }

  static Delivery signed(String resource, String body) {
    return signed(resource, body.getBytes(StandardCharsets.UTF_8));
  }
}
