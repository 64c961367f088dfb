package dev.autofix.core.usecase;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Fingerprints defects so that every occurrence of one bug groups together (one report, one issue,
 * one fix run) while different bugs stay apart.
 */
public final class Defects {
  private static final int FRAMES = 5;

  private Defects() {}

  /**
   * A short hex digest of the exception types along the cause chain and the top frames of the
   * innermost cause. Messages are left out on purpose: they carry ids and timestamps that differ
   * between occurrences of one bug.
   */
  public static String fingerprint(Throwable error) {
    StringBuilder key = new StringBuilder();
    Throwable innermost = error;
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      key.append(t.getClass().getName()).append('\n');
      innermost = t;
    }
    StackTraceElement[] frames = innermost.getStackTrace();
    for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
      StackTraceElement frame = frames[i];
      key.append(frame.getClassName())
          .append('#')
          .append(frame.getMethodName())
          .append(':')
          .append(frame.getLineNumber())
          .append('\n');
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(key.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A one-line description for a run's reason: the type, the message and the fingerprint. */
  public static String describe(Throwable error, String fingerprint) {
    String message = error.getMessage();
    return "defect "
        + fingerprint
        + ": "
        + error.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : ": " + message);
  }
}
