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
    return new Signer(secret).sign(body);
  }

  /** Whether {@code header} is the signature of {@code body}, compared in constant time. */
  public static boolean verify(String secret, byte[] body, String header) {
    return new Signer(secret).verify(body, header);
  }

  /**
   * Signs and verifies under one secret. The key is set up once: each use clones a keyed {@link
   * Mac} (its padded keys already derived), which spares looking the algorithm up and setting the
   * key again on every delivery. Safe for concurrent use: the keyed Mac is only ever cloned.
   */
  public static final class Signer {
    private final Mac keyed; // never used itself: cloned per use
    private final boolean cloneable;
    private final SecretKeySpec key;

    /**
     * @param secret the shared secret, as UTF-8
     */
    public Signer(String secret) {
      this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC_SHA256);
      this.keyed = newMac(key);
      boolean canClone;
      try {
        keyed.clone();
        canClone = true;
      } catch (CloneNotSupportedException e) {
        canClone = false; // a provider whose Mac cannot be cloned: key a new one each time
      }
      this.cloneable = canClone;
    }

    /** The lowercase hex HMAC-SHA256 of {@code body}. */
    public String sign(byte[] body) {
      return HexFormat.of().formatHex(mac().doFinal(body));
    }

    /** Whether {@code header} is the signature of {@code body}, compared in constant time. */
    public boolean verify(byte[] body, String header) {
      if (header == null) {
        return false;
      }
      byte[] expected = sign(body).getBytes(StandardCharsets.US_ASCII);
      byte[] actual = header.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
      return MessageDigest.isEqual(expected, actual);
    }

    private Mac mac() {
      if (cloneable) {
        try {
          return (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
          throw new IllegalStateException("a Mac that cloned once refused to clone", e);
        }
      }
      return newMac(key);
    }

    private static Mac newMac(SecretKeySpec key) {
      try {
        Mac mac = Mac.getInstance(HMAC_SHA256);
        mac.init(key);
        return mac;
      } catch (NoSuchAlgorithmException | InvalidKeyException e) {
        // every JDK ships HmacSHA256, and any non-empty key is valid
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    }
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
