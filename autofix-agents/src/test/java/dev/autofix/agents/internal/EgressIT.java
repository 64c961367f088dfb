package dev.autofix.agents.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's way out, on real sockets: forwards and the proxy, what they let through. */
class EgressIT {
  @TempDir Path tmp;
  private ServerSocket echo;
  private final List<String> connects = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try (s) {
                              s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException e) {
                              // closed
                            }
                          });
                } catch (IOException e) {
                  return;
                }
              }
            });
  }

  @AfterEach
  void stopEcho() throws IOException {
    echo.close();
  }

  /** Every proxied connection goes to the echo server, and is recorded by the name asked for. */
  private Egress.Connector recording() {
    return (host, port) -> {
      connects.add(host + ":" + port);
      return SocketChannel.open(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
    };
  }

  private static SocketChannel connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    return channel;
  }

  private static String exchange(SocketChannel channel, String send, int expect)
      throws IOException {
    OutputStream out = Channels.newOutputStream(channel);
    out.write(send.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    InputStream in = Channels.newInputStream(channel);
    byte[] got = in.readNBytes(expect);
    return new String(got, StandardCharsets.ISO_8859_1);
  }

  @Test
  void loopbackDestination_isForwardedThroughItsOwnSocket_toThatPortOnly() throws IOException {
    int port = echo.getLocalPort();
    try (Egress egress =
        Egress.open(
            tmp, List.of(new Egress.Destination("127.0.0.1", port)), Egress.Connector.DIRECT)) {
      assertThat(egress.forwardedPorts()).containsExactly(port);
      assertThat(egress.hasProxy()).isFalse();
      try (SocketChannel channel = connect(egress.directory().resolve("port-" + port + ".sock"))) {
        assertThat(exchange(channel, "ping", 4)).isEqualTo("ping");
      }
      try (var files = Files.list(egress.directory())) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .containsExactly("port-" + port + ".sock");
      }
    }
  }

  @Test
  void proxy_opensAnAllowedHost_andRefusesEveryOther() throws IOException {
    try (Egress egress =
        Egress.open(
            tmp,
            List.of(
                Egress.Destination.parse("api.anthropic.com:443"),
                Egress.Destination.parse("*.npmjs.org")),
            recording())) {
      Path proxy = egress.directory().resolve(Egress.PROXY_SOCKET);
      try (SocketChannel channel = connect(proxy)) {
        String established = "HTTP/1.1 200 Connection Established\r\n\r\n";
        String answer =
            exchange(
                channel,
                "CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost: api.anthropic.com:443\r\n\r\nhello",
                established.length() + 5);
        assertThat(answer).isEqualTo(established + "hello");
      }
      try (SocketChannel channel = connect(proxy)) {
        String answer = exchange(channel, "CONNECT registry.npmjs.org:443 HTTP/1.1\r\n\r\n", 12);
        assertThat(answer).isEqualTo("HTTP/1.1 200");
      }
      for (String refused :
          List.of(
              "CONNECT 127.0.0.1:5432 HTTP/1.1\r\n\r\n",
              "CONNECT api.anthropic.com:80 HTTP/1.1\r\n\r\n",
              "CONNECT evil.example:443 HTTP/1.1\r\n\r\n",
              "CONNECT npmjs.org.evil.example:443 HTTP/1.1\r\n\r\n",
              "GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\n\r\n")) {
        try (SocketChannel channel = connect(proxy)) {
          String answer = new String(readAll(channel, refused), StandardCharsets.UTF_8);
          assertThat(answer).as(refused).startsWith("HTTP/1.1 403").contains("not an allowed");
        }
      }
      try (SocketChannel channel = connect(proxy)) {
        String answer = new String(readAll(channel, "nonsense\r\n\r\n"), StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 400");
      }
    }
    assertThat(connects).containsExactly("api.anthropic.com:443", "registry.npmjs.org:443");
  }

  @Test
  void proxy_passesAPlainHttpRequestToAnAllowedHost_headAndAll() throws IOException {
    try (Egress egress =
        Egress.open(tmp, List.of(Egress.Destination.parse("mirror.internal:80")), recording())) {
      String request = "GET http://mirror.internal/pkg HTTP/1.1\r\nHost: mirror.internal\r\n\r\n";
      try (SocketChannel channel = connect(egress.directory().resolve(Egress.PROXY_SOCKET))) {
        // The echo server answers with the request itself: it went upstream unchanged.
        assertThat(exchange(channel, request, request.length())).isEqualTo(request);
      }
    }
    assertThat(connects).containsExactly("mirror.internal:80");
  }

  @Test
  void proxy_refusesAnEndlessHead_withoutReadingItAll() throws IOException {
    try (Egress egress =
        Egress.open(tmp, List.of(Egress.Destination.parse("a.example")), recording())) {
      try (SocketChannel channel = connect(egress.directory().resolve(Egress.PROXY_SOCKET))) {
        String head = "CONNECT a.example:443 HTTP/1.1\r\nX: " + "y".repeat(20_000);
        String answer = new String(readAll(channel, head), StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 400");
      }
    }
    assertThat(connects).isEmpty();
  }

  @Test
  void close_removesTheSockets_andCutsOpenConnections() throws IOException {
    int port = echo.getLocalPort();
    Egress egress =
        Egress.open(
            tmp, List.of(new Egress.Destination("localhost", port)), Egress.Connector.DIRECT);
    SocketChannel channel = connect(egress.directory().resolve("port-" + port + ".sock"));
    assertThat(exchange(channel, "x", 1)).isEqualTo("x");

    egress.close();

    assertThat(egress.directory()).doesNotExist();
    assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    channel.close();
  }

  @Test
  void proxy_refusesConnectionsPastItsCap_soTheSandboxCannotExhaustTheServersDescriptors()
      throws IOException {
    List<SocketChannel> held = new java.util.ArrayList<>();
    try (Egress egress =
        Egress.open(tmp, List.of(Egress.Destination.parse("a.example")), recording())) {
      Path proxy = egress.directory().resolve(Egress.PROXY_SOCKET);
      for (int i = 0; i < Egress.MAX_CONNECTIONS; i++) {
        held.add(connect(proxy)); // each holds a slot: it never sends its head
      }
      try (SocketChannel extra = connect(proxy)) {
        assertThat(extra.read(ByteBuffer.allocate(1))).as("closed at once").isEqualTo(-1);
      }
      held.removeFirst().close();
      await()
          .atMost(java.time.Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                try (SocketChannel again = connect(proxy)) {
                  String answer = exchange(again, "CONNECT a.example:443 HTTP/1.1\r\n\r\n", 12);
                  assertThat(answer).isEqualTo("HTTP/1.1 200");
                }
              });
    } finally {
      for (SocketChannel channel : held) {
        channel.close();
      }
    }
  }

  @Test
  void directConnector_refusesNamesThatResolveToTheHostItself() {
    for (String host : List.of("localhost", "127.0.0.1", "0.0.0.0", "169.254.169.254")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> Egress.Connector.DIRECT.connect(host, echo.getLocalPort()))
          .as(host)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("resolves to");
    }
  }

  @Test
  void destination_parsesHostsPortsAndWildcards() {
    assertThat(Egress.Destination.parse("Registry.NPMjs.org"))
        .isEqualTo(new Egress.Destination("registry.npmjs.org", -1));
    assertThat(Egress.Destination.parse("127.0.0.1:8080").loopback()).isTrue();
    assertThat(Egress.Destination.parse("localhost:9").loopback()).isTrue();
    assertThat(Egress.Destination.parse("[::1]:9")).isEqualTo(new Egress.Destination("::1", 9));
    assertThat(Egress.Destination.parse("api.openai.com:443").loopback()).isFalse();
  }

  private static byte[] readAll(SocketChannel channel, String send) throws IOException {
    OutputStream out = Channels.newOutputStream(channel);
    try {
      out.write(send.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      // the proxy may close before it read everything: its answer is what counts
    }
    return Channels.newInputStream(channel).readAllBytes();
  }
}
