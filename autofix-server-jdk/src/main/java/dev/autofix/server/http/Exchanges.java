package dev.autofix.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Small helpers shared by the handlers. */
final class Exchanges {
  static final ObjectMapper JSON = new ObjectMapper();

  private Exchanges() {}

  /** Sends {@code body} as JSON with {@code status}. */
  static void json(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  /** Sends {@code body} as plain UTF-8 text with {@code status}. */
  static void text(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if ("HEAD".equals(exchange.getRequestMethod())) {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** A JSON error body: {@code {"error": message}}. */
  static void error(HttpExchange exchange, int status, String message) throws IOException {
    json(exchange, status, Map.of("error", message));
  }

  /** The request's declared Content-Length; -1 when it declares none (or a bogus one). */
  static long declaredLength(HttpExchange exchange) {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared == null) {
      return -1;
    }
    try {
      return Math.max(-1, Long.parseLong(declared.trim()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Reads the request body, refusing it once it passes {@code limit} bytes without reading the
   * rest; empty when it is too large.
   */
  static Optional<byte[]> readBody(HttpExchange exchange, long limit) throws IOException {
    long declared = declaredLength(exchange);
    if (declared > limit) {
      return Optional.empty();
    }
    try (InputStream in = exchange.getRequestBody()) {
      ByteArrayOutputStream buffer;
      if (declared >= 0 && declared <= Integer.MAX_VALUE - 8) {
        // the usual case: read exactly the declared bytes, without a growing buffer
        byte[] body = in.readNBytes((int) declared);
        int next = in.read();
        if (next == -1) {
          return Optional.of(body);
        }
        // more than declared: the JDK ends a fixed-length body at its length, so only a defence
        buffer = new ByteArrayOutputStream();
        buffer.write(body);
        buffer.write(next);
      } else {
        buffer = new ByteArrayOutputStream();
      }
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) != -1) {
        if (buffer.size() + n > limit) {
          return Optional.empty();
        }
        buffer.write(chunk, 0, n);
      }
      return buffer.size() > limit ? Optional.empty() : Optional.of(buffer.toByteArray());
    }
  }

  /** The decoded query parameters (first value of each). */
  static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(name, value);
    }
    return params;
  }

  /** Whether the request method is one of {@code allowed}; answers 405 when it is not. */
  static boolean method(HttpExchange exchange, String... allowed) throws IOException {
    String method = exchange.getRequestMethod();
    for (String candidate : allowed) {
      if (candidate.equals(method)) {
        return true;
      }
    }
    exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
    error(exchange, 405, "method " + method + " not allowed");
    return false;
  }
}
