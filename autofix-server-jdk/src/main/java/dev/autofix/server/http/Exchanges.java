package dev.autofix.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

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

  /**
   * An HTML page, with a policy that lets no script run but autofix's own file ({@code
   * /assets/live.js}: no inline script, no handler attribute) and nothing load from elsewhere: the
   * pages hold text written by whoever triggered the error and by the agent, escaped, and this is
   * the second line of defence should an escape ever be missed.
   */
  static void page(HttpExchange exchange, int status, String html) throws IOException {
    exchange
        .getResponseHeaders()
        .set(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline';"
                + " img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    send(exchange, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
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

  /** What reading a request body came to. */
  sealed interface BodyRead {
    /** The whole body. */
    record Body(byte[] bytes) implements BodyRead {}

    /** Longer than the limit (declared so, or found so while reading). */
    record TooLarge() implements BodyRead {}

    /** The body budget had no more room within its wait. */
    record Busy() implements BodyRead {}

    /** The body did not arrive within its time. */
    record TooSlow() implements BodyRead {}
  }

  /** The first buffer of a body, and the room it takes in the budget before a byte arrived. */
  static final int FIRST_BUFFER = 8 * 1024;

  /**
   * Reads the request body as it arrives, holding room in {@code hold} for the buffer as it grows
   * (it starts at {@link #FIRST_BUFFER} bytes and at most doubles, never past the declared length
   * or the limit), and giving up when the body passes {@code limit} bytes, when the budget has no
   * more room, or when {@code timeout} has passed since the call. The time is checked between
   * reads, so a body that trickles in is stopped at it; one that stops arriving altogether is cut
   * off by the JDK server's request limit ({@code sun.net.httpserver.maxReqTime}). The body stream
   * is not closed here: after a refusal, {@link #refuse} closes the connection without reading the
   * rest.
   */
  static BodyRead readBody(
      HttpExchange exchange, long limit, BodyBudget.Hold hold, Duration timeout)
      throws IOException, InterruptedException {
    long declared = declaredLength(exchange);
    if (declared > limit) {
      return new BodyRead.TooLarge();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    // the most bytes held: the declared length, or one past the limit to see that it is passed
    long most = declared >= 0 ? declared : limit + 1;
    InputStream in = exchange.getRequestBody();
    byte[] buffer = new byte[(int) Math.min(most, FIRST_BUFFER)];
    if (!hold.growTo(buffer.length)) {
      return new BodyRead.Busy();
    }
    int size = 0;
    while (true) {
      if (size == buffer.length) {
        if (size == most) {
          // the declared length is in (the JDK's stream ends there), or more than the limit
          return declared >= 0 && in.read() == -1
              ? new BodyRead.Body(buffer)
              : new BodyRead.TooLarge();
        }
        int larger = (int) Math.min(most, Math.max(FIRST_BUFFER, 2L * buffer.length));
        if (!hold.growTo(larger)) {
          return new BodyRead.Busy();
        }
        buffer = Arrays.copyOf(buffer, larger);
      }
      if (System.nanoTime() - deadline >= 0) {
        return new BodyRead.TooSlow();
      }
      int n = in.read(buffer, size, buffer.length - size);
      if (n == -1) {
        return new BodyRead.Body(Arrays.copyOf(buffer, size));
      }
      size += n;
    }
  }

  /**
   * Answers {@code status} with a JSON {@code body} and closes the connection without reading the
   * rest of the request body. The JDK server would otherwise read and discard up to 64 KiB of it
   * after the answer ({@code sun.net.httpserver.drainAmount}), which a client sending a byte a
   * second stretches to the request limit. The answer is flushed first; then the read that would
   * discard the rest runs on an interrupted thread, and a blocking read of an interrupted thread
   * closes the socket at once (NIO's {@code ClosedByInterruptException}).
   */
  static void refuse(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("Connection", "close");
    exchange.sendResponseHeaders(status, bytes.length);
    OutputStream out = exchange.getResponseBody();
    out.write(bytes);
    out.flush();
    Thread.currentThread().interrupt();
    try {
      out.close(); // discards the rest of the body: closes the socket instead
    } finally {
      Thread.interrupted();
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
      try {
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.putIfAbsent(name, value);
      } catch (IllegalArgumentException e) {
        // a bad escape (%zz): that pair says nothing, which is no reason for a 500
      }
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
