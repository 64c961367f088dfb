package dev.autofix.sentry.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sentry's webhook signature: lowercase hex HMAC-SHA256 of the exact raw body bytes, keyed with the
 * client secret as UTF-8. Never computed over re-serialized JSON.
 */
public final class WebhookSignatures {
  private static final String HMAC_SHA256 = "HmacSHA256";

  private WebhookSignatures() {}

  /** The lowercase hex HMAC-SHA256 of {@code body} under {@code secret}. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC_SHA256));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // every JDK ships HmacSHA256, and any non-empty key is valid
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Whether {@code header} is the signature of {@code body}, compared in constant time. */
  public static boolean verify(String secret, byte[] body, String header) {
    if (header == null) {
      return false;
    }
    byte[] expected = sign(secret, body).getBytes(StandardCharsets.US_ASCII);
    byte[] actual = header.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, actual);
  }

  /**
   * Whether two shared secrets are equal, in time independent of where they differ and of their
   * lengths (both are hashed first).
   */
  public static boolean sameSecret(String expected, String actual) {
    if (actual == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(expected), sha256(actual));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
