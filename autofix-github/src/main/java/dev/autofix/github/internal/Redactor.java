package dev.autofix.github.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Takes the token (raw, and in the Basic header git sends) and any URL credentials out of text
 * before it is logged, thrown or written into a pull request.
 */
public final class Redactor implements UnaryOperator<String> {
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(?<=://)[^/@\\s]+@");
  private static final Pattern GITHUB_TOKENS =
      Pattern.compile("\\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_.-]+");

  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  /** A redactor for {@code token}, or one that only removes URL credentials for {@code null}. */
  public static Redactor forToken(String token) {
    List<String> secrets = new ArrayList<>();
    if (token != null && !token.isEmpty()) {
      secrets.add(basicCredentials(token));
      secrets.add(token);
    }
    return new Redactor(List.copyOf(secrets));
  }

  /** The base64 of {@code x-access-token:<token>}, as git's Basic header carries it. */
  public static String basicCredentials(String token) {
    return Base64.getEncoder()
        .encodeToString(("x-access-token:" + token).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String apply(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, "****");
    }
    out = URL_CREDENTIALS.matcher(out).replaceAll("****@");
    return GITHUB_TOKENS.matcher(out).replaceAll("****");
  }
}
