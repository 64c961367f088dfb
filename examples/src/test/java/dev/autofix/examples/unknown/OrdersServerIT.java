package dev.autofix.examples.unknown;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sentry.Sentry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Sentry Java SDK, its DSN pointed at a capture endpoint on 127.0.0.1: expected failures
 * send nothing, and two occurrences of one defect send two events with one fingerprint.
 */
class OrdersServerIT {
  private static final Pattern FINGERPRINT =
      Pattern.compile("\"fingerprint\":\\[\"([0-9a-f]+)\"\\]");

  private final List<String> envelopes = new CopyOnWriteArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer capture;
  private OrdersServer orders;

  @BeforeEach
  void start() throws IOException {
    capture = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    capture.createContext(
        "/",
        exchange -> {
          try (exchange) {
            InputStream in = exchange.getRequestBody();
            if ("gzip"
                .equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
              in = new GZIPInputStream(in);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            in.transferTo(body);
            envelopes.add(body.toString(StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
          }
        });
    capture.start();
    String dsn = "http://publickey@127.0.0.1:" + capture.getAddress().getPort() + "/1";
    Sentry.init(
        options -> {
          options.setDsn(dsn);
          options.setEnableUncaughtExceptionHandler(false);
          options.setSendClientReports(false);
        });
    orders = new OrdersServer(new Orders(5), 0).start();
  }

  @AfterEach
  void stop() {
    orders.close();
    Sentry.close();
    capture.stop(0);
  }

  @Test
  void expectedFailures_sendNothing_andDefects_groupByFingerprint() throws Exception {
    assertThat(get("/orders/7?items=2")).isEqualTo(200);
    assertThat(get("/orders/404")).isEqualTo(404);
    assertThat(get("/orders/abc")).isEqualTo(400);
    Sentry.flush(5_000);
    assertThat(events()).as("expected failures never reach Sentry").isEmpty();

    assertThat(get("/orders/8?items=0")).isEqualTo(500);
    assertThat(get("/orders/8?items=0")).isEqualTo(500);
    assertThat(get("/orders/7?items=1")).as("over the window").isEqualTo(429);
    Sentry.flush(5_000);

    List<String> events = events();
    assertThat(events).hasSize(2);
    String first = fingerprint(events.get(0));
    assertThat(fingerprint(events.get(1))).isEqualTo(first);
    assertThat(events.get(0)).contains("ArithmeticException");
  }

  private List<String> events() {
    return envelopes.stream().filter(e -> e.contains("\"type\":\"event\"")).toList();
  }

  private static String fingerprint(String envelope) {
    Matcher matcher = FINGERPRINT.matcher(envelope);
    assertThat(matcher.find()).as("a fingerprint in %s", envelope).isTrue();
    return matcher.group(1);
  }

  private int get(String path) throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orders.port() + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
