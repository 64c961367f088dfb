package dev.autofix.bench;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs bodies as Sentry does: lowercase hex HMAC-SHA256 of the raw body under the secret. */
final class Signatures {
  private static final String HMAC_SHA256 = "HmacSHA256";
  private final SecretKeySpec key;

  Signatures(String secret) {
    this.key =
        new SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), HMAC_SHA256);
  }

  /** The {@code Sentry-Hook-Signature} of {@code body}. */
  String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
