package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may read the pages, {@code /api/*} and {@code /metrics}: everyone when no read token is set
 * (the server then listens on loopback only: the settings refuse anything else), else whoever
 * presents the read token or the admin token, as {@code Authorization: Bearer ...} or as the cookie
 * that {@code POST /login} sets. Tokens are compared in constant time, as SHA-256 digests (so their
 * lengths do not show either). The cookie holds a digest of the token, never the token itself: an
 * admin who logs in with the admin token does not leave it in the browser, and the cookie grants
 * reading only (the admin actions want the bearer header).
 */
final class ReadAccess {
  static final String COOKIE = "autofix_read";
  private static final int LOGIN_BODY_LIMIT = 4096;

  private final List<byte[]> tokenDigests = new ArrayList<>();
  private final List<byte[]> cookieDigests = new ArrayList<>();
  private final boolean required;

  /**
   * @param readToken the read token; without one reading is open
   * @param adminToken the admin token, accepted for reading too when a read token is set
   */
  ReadAccess(Optional<String> readToken, Optional<String> adminToken) {
    Objects.requireNonNull(readToken, "readToken == null");
    Objects.requireNonNull(adminToken, "adminToken == null");
    this.required = readToken.isPresent();
    for (Optional<String> token : List.of(readToken, adminToken)) {
      token.ifPresent(
          t -> {
            tokenDigests.add(sha256(t));
            cookieDigests.add(sha256(cookieValue(t)));
          });
    }
  }

  /** Whether reading needs a token at all. */
  boolean required() {
    return required;
  }

  /** Whether {@code exchange} may read: no token is required, or it presents a valid one. */
  boolean allows(HttpExchange exchange) {
    if (!required) {
      return true;
    }
    for (String header : exchange.getRequestHeaders().getOrDefault("Authorization", List.of())) {
      if (header.regionMatches(true, 0, "Bearer ", 0, 7)
          && matches(tokenDigests, header.substring(7).trim())) {
        return true;
      }
    }
    for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0
            && pair.substring(0, eq).trim().equals(COOKIE)
            && matches(cookieDigests, pair.substring(eq + 1).trim())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code inner} behind the token: a request without a valid one is answered {@code 401}, as JSON
   * under {@code /api/} and {@code /metrics}, else as the login page.
   */
  HttpHandler guard(HttpHandler inner) {
    Objects.requireNonNull(inner, "inner == null");
    return exchange -> {
      if (allows(exchange)) {
        inner.handle(exchange);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/api/") || path.equals("/api") || path.startsWith("/metrics")) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"autofix\"");
        Exchanges.error(
            exchange, 401, "a read token is required: Authorization: Bearer <token>, or log in");
      } else {
        loginPage(exchange, 401, "");
      }
    };
  }

  /**
   * {@code /login}: {@code GET} shows the form (no token needed), {@code POST} takes {@code
   * token=...} and, when it is the read or the admin token, sets the cookie and goes to {@code /};
   * a wrong token is the form again with {@code 401}.
   */
  HttpHandler login() {
    return exchange -> {
      if (!exchange.getRequestURI().getPath().equals("/login")) {
        Exchanges.error(exchange, 404, "no such resource");
        return;
      }
      if (!Exchanges.method(exchange, "GET", "HEAD", "POST")) {
        return;
      }
      if (!required) {
        redirectHome(exchange);
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        loginPage(exchange, 200, "");
        return;
      }
      // a small form: read at most one byte past its limit (the request limit bounds the time)
      byte[] read = exchange.getRequestBody().readNBytes(LOGIN_BODY_LIMIT + 1);
      Optional<byte[]> body = read.length > LOGIN_BODY_LIMIT ? Optional.empty() : Optional.of(read);
      String token =
          body.map(b -> formField(new String(b, StandardCharsets.UTF_8), "token")).orElse("");
      if (token.isEmpty() || !matches(tokenDigests, token)) {
        loginPage(exchange, 401, "That token is not valid.");
        return;
      }
      StringBuilder cookie =
          new StringBuilder(COOKIE)
              .append('=')
              .append(cookieValue(token))
              .append("; Path=/; HttpOnly; SameSite=Strict");
      if (secure(exchange)) {
        cookie.append("; Secure");
      }
      exchange.getResponseHeaders().add("Set-Cookie", cookie.toString());
      redirectHome(exchange);
    };
  }

  /**
   * Behind a TLS-terminating proxy (it says so in {@code X-Forwarded-Proto}) the cookie is Secure.
   */
  private static boolean secure(HttpExchange exchange) {
    String proto = exchange.getRequestHeaders().getFirst("X-Forwarded-Proto");
    return proto != null && proto.trim().equalsIgnoreCase("https");
  }

  private static void redirectHome(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Location", "/");
    Exchanges.send(exchange, 303, "text/plain; charset=utf-8", new byte[0]);
  }

  private static void loginPage(HttpExchange exchange, int status, String message)
      throws IOException {
    String html =
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>autofix: log in</title>
        <style>body{font:14px/1.45 system-ui,sans-serif;margin:4rem auto;max-width:28rem;padding:0 1rem;color:#1f2328}
        input{font:inherit;padding:.3rem;width:100%%;box-sizing:border-box;margin:.5rem 0}
        .error{color:#cf222e}</style></head><body>
        <h1>autofix</h1>
        <p>The status page needs the read token (<code>AUTOFIX_READ_TOKEN</code>) or the admin token.</p>
        <p class="error">%s</p>
        <form method="post" action="/login">
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
        <button type="submit">Log in</button>
        </form></body></html>
        """
            .formatted(StatusPageHandler.esc(message));
    if (status == 401) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"autofix\"");
    }
    Exchanges.send(
        exchange, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  /** The first value of {@code name} in a form-encoded body; empty when absent. */
  static String formField(String body, String name) {
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException malformed) {
        return "";
      }
    }
    return "";
  }

  /** The cookie's value for {@code token}: a digest, so the cookie never holds the token. */
  private static String cookieValue(String token) {
    return HexFormat.of().formatHex(sha256("autofix read cookie\n" + token));
  }

  private static boolean matches(List<byte[]> digests, String presented) {
    byte[] digest = sha256(presented);
    boolean match = false;
    for (byte[] candidate : digests) {
      match |= MessageDigest.isEqual(candidate, digest);
    }
    return match;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
