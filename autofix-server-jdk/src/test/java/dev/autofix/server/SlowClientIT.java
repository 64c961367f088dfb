package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.testkit.FakeFixVerifier;
import dev.autofix.testkit.FakeIssueSource;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunLogs;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.InMemoryWorkspaces;
import dev.autofix.testkit.RecordingPullRequestPublisher;
import dev.autofix.testkit.ScriptedAgentRunner;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slow clients time out and do not starve the others: connections that send half a request are cut
 * off by the request time limit (3 s here through the failsafe configuration, 30 s by default)
 * while a normal request is still served.
 */
class SlowClientIT {

  @Test
  void slowClients_areCutOff_whileOthersAreServed() throws Exception {
    try (AutofixServer server =
        AutofixServer.builder()
            .port(0)
            .store(new InMemoryRunStore())
            .limiter(new InMemoryRateLimiter(1, Clock.systemUTC(), ZoneOffset.UTC))
            .source(new FakeIssueSource())
            .workspaces(new InMemoryWorkspaces())
            .agent(new ScriptedAgentRunner())
            .verifier(new FakeFixVerifier())
            .publisher(new RecordingPullRequestPublisher())
            .logs(new InMemoryRunLogs())
            .httpThreads(4, 16)
            .build()
            .start()) {
      int port = server.getPort();
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          Socket socket = new Socket("127.0.0.1", port);
          OutputStream out = socket.getOutputStream();
          String half =
              i % 2 == 0
                  ? "POST /webhooks/sentry HTTP/1.1\r\nHost: x\r\n" // headers never end
                  : "POST /webhooks/sentry HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{";
          out.write(half.getBytes(StandardCharsets.US_ASCII));
          out.flush();
          socket.setSoTimeout(20_000);
          slow.add(socket);
        }

        HttpResponse<String> healthy =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(healthy.statusCode()).isEqualTo(200);

        long started = System.nanoTime();
        for (Socket socket : slow) {
          assertThat(closedByServer(socket)).isTrue();
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertThat(seconds).as("every slow connection was closed by the server").isLessThan(20);
      } finally {
        for (Socket socket : slow) {
          socket.close();
        }
      }
    }
  }

  /** Reads until the server closes the connection (a FIN or a reset); false on our own timeout. */
  private static boolean closedByServer(Socket socket) {
    try {
      while (socket.getInputStream().read() != -1) {
        // whatever the server says before it closes
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.io.IOException reset) {
      return true;
    }
  }
}
