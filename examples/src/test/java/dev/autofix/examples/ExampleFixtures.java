package dev.autofix.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A recorded Sentry delivery, its signature, and a real git checkout in a temp directory. */
public final class ExampleFixtures {
  /** The issue id in {@link #issueCreated()}. */
  public static final String ISSUE_ID = "1170820242";

  private ExampleFixtures() {}

  /** Sentry's recorded {@code issue.created} body (project {@code front-end}, FRONT-END-9). */
  public static byte[] issueCreated() {
    try (InputStream in =
        ExampleFixtures.class.getResourceAsStream("/dev/autofix/examples/issue-created.json")) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What Sentry puts in {@code Sentry-Hook-Signature}: hex HMAC-SHA256 of the raw body. */
  public static String sign(byte[] body, String clientSecret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A checkout with one commit on {@code main} and no remote. */
  public static Path checkout(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("README.md"), "a service\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    git(dir, "init", "--quiet", "--initial-branch=main");
    git(dir, "add", "-A");
    git(dir, "-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-qm", "init");
    return dir;
  }

  /** Runs git in {@code dir}; returns its output, and fails on a non-zero exit. */
  public static String git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("git " + args[0] + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
