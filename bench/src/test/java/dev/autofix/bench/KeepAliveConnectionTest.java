package dev.autofix.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeepAliveConnectionTest {
  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> signatures = new CopyOnWriteArrayList<>();
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/fixed",
        exchange -> {
          try (exchange) {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            bodies.add(
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            signatures.add(exchange.getRequestHeaders().getFirst("Sentry-Hook-Signature"));
            byte[] answer = "{\"outcome\":\"duplicate\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(bodies.size() % 2 == 0 ? 200 : 202, answer.length);
            exchange.getResponseBody().write(answer);
          }
        });
    server.createContext(
        "/chunked",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(401, 0); // 0: chunked
            try (OutputStream out = exchange.getResponseBody()) {
              out.write("x".repeat(10_000).getBytes(StandardCharsets.UTF_8));
              out.flush();
              out.write("tail".getBytes(StandardCharsets.UTF_8));
            }
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void post_sendsBodyAndHeaders_andReadsEachStatus_onOneConnection() throws IOException {
    try (KeepAliveConnection connection =
        new KeepAliveConnection(uri("/fixed"), Duration.ofSeconds(5))) {
      int first =
          connection.post(
              "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "Sentry-Hook-Signature", "abc");
      int second =
          connection.post(
              "{\"b\":2}".getBytes(StandardCharsets.UTF_8), "Sentry-Hook-Signature", "def");

      assertThat(first).isEqualTo(202);
      assertThat(second).isEqualTo(200);
    }
    assertThat(bodies).containsExactly("{\"a\":1}", "{\"b\":2}");
    assertThat(signatures).containsExactly("abc", "def");
    assertThat(clientPorts).hasSize(1);
  }

  @Test
  void post_readsChunkedAnswersWhole_soTheNextRequestStillWorks() throws IOException {
    try (KeepAliveConnection chunked =
        new KeepAliveConnection(uri("/chunked"), Duration.ofSeconds(5))) {
      assertThat(chunked.post(new byte[] {'{', '}'})).isEqualTo(401);
      assertThat(chunked.post(new byte[] {'{', '}'})).isEqualTo(401);
    }
  }

  @Test
  void post_failsAndReconnects_whenTheServerClosesMidAnswer() throws IOException {
    try (ServerSocket rude = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                for (int i = 0; i < 2; i++) {
                  try (Socket s = rude.accept()) {
                    s.getInputStream().read(new byte[1024]);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Le".getBytes());
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      try (KeepAliveConnection connection =
          new KeepAliveConnection(
              URI.create("http://127.0.0.1:" + rude.getLocalPort() + "/"), Duration.ofSeconds(5))) {
        assertThatThrownBy(() -> connection.post(new byte[] {'x'})).isInstanceOf(IOException.class);
        // a new connection for the next request
        assertThatThrownBy(() -> connection.post(new byte[] {'x'})).isInstanceOf(IOException.class);
      }
    }
  }
}
