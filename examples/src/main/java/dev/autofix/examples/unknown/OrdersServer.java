package dev.autofix.examples.unknown;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.autofix.core.usecase.Defects;
import io.sentry.Sentry;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP boundary of {@link Orders}: every expected failure is mapped by an exhaustive {@code
 * switch} to a 4xx with a warning and is never reported; whatever is left is a defect, answered 500
 * and captured in Sentry with a fingerprint that is the same for every occurrence of the same bug,
 * so one bug is one Sentry issue, and so one autofix run.
 */
public final class OrdersServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(OrdersServer.class);

  private final HttpServer http;
  private final Orders orders;

  /** Listens on 127.0.0.1:{@code port} (0 for any free port). */
  public OrdersServer(Orders orders, int port) throws IOException {
    this.orders = orders;
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    http.createContext("/orders/", this::handle);
  }

  public OrdersServer start() {
    http.start();
    return this;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String id = exchange.getRequestURI().getPath().substring("/orders/".length());
      String items = query(exchange).getOrDefault("items", "1");
      try {
        switch (orders.averageItemPrice(id, items)) {
          case Orders.Found found ->
              send(exchange, 200, "{\"averageCents\":" + found.averageCents() + "}");
          case Orders.NotFound notFound -> {
            LOG.warn("order {} not found", notFound.orderId());
            send(exchange, 404, "{\"error\":\"not found\"}");
          }
          case Orders.RateLimited limited -> {
            LOG.warn("rate limited for {}", limited.retryAfter());
            exchange.getResponseHeaders().set("Retry-After", "" + limited.retryAfter().toSeconds());
            send(exchange, 429, "{\"error\":\"rate limited\"}");
          }
          case Orders.Invalid invalid -> {
            LOG.warn("invalid request: {}", invalid.message());
            send(exchange, 400, "{\"error\":\"" + invalid.message() + "\"}");
          }
        }
      } catch (RuntimeException defect) {
        // Only the unknown gets here, and only it reaches Sentry.
        String fingerprint = Defects.fingerprint(defect);
        LOG.error("defect {}", fingerprint, defect);
        Sentry.captureException(defect, scope -> scope.setFingerprint(List.of(fingerprint)));
        send(
            exchange,
            500,
            "{\"error\":\"internal error\",\"fingerprint\":\"" + fingerprint + "\"}");
      }
    }
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> params = new HashMap<>();
    String raw = exchange.getRequestURI().getQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        params.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return params;
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }

  /** Runs the example: {@code SENTRY_DSN=... java ... OrdersServer}, then GET /orders/8?items=0. */
  public static void main(String[] args) throws IOException {
    Sentry.init(options -> options.setDsn(System.getenv().getOrDefault("SENTRY_DSN", "")));
    OrdersServer server = new OrdersServer(new Orders(1000), 8081).start();
    System.out.println("orders on http://127.0.0.1:" + server.port() + "/orders/7?items=2");
  }
}
