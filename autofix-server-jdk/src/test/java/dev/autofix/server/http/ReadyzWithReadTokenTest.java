package dev.autofix.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.autofix.testkit.RecordingDefectReporter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code /readyz} stays open with a read token, but names its problems (which can hold paths and
 * hosts) only to a reader; without a read token everyone sees them, as before.
 */
class ReadyzWithReadTokenTest {
  private static final String PROBLEM = "bwrap is missing: /opt/secret-place/bin is not on PATH";

  @Test
  void theReasons_areForReadersOnly() throws Exception {
    try (Server server = new Server(Optional.of("r3ad"))) {
      HttpResponse<String> anonymous = server.readyz(null);
      assertThat(anonymous.statusCode()).isEqualTo(503);
      assertThat(anonymous.body())
          .contains("\"agents\":\"failing\"")
          .doesNotContain("problems")
          .doesNotContain("/opt/secret-place");

      HttpResponse<String> reader = server.readyz("r3ad");
      assertThat(reader.statusCode()).isEqualTo(503);
      assertThat(reader.body()).contains("\"problems\"").contains(PROBLEM);
    }
  }

  @Test
  void withoutAReadToken_everyoneSeesTheReasons() throws Exception {
    try (Server server = new Server(Optional.empty())) {
      assertThat(server.readyz(null).body()).contains(PROBLEM);
    }
  }

  private static final class Server implements AutoCloseable {
    private final HttpServer http;

    Server(Optional<String> readToken) throws Exception {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      ReadAccess access = new ReadAccess(readToken, Optional.empty());
      http.createContext(
          "/readyz",
          new ErrorBoundary(
              "health",
              new HealthHandler(
                  Map.of("agents", () -> Optional.of(PROBLEM), "worker", Optional::empty),
                  access::allows),
              new RecordingDefectReporter(),
              () -> {}));
      http.start();
    }

    HttpResponse<String> readyz(String token) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/readyz"));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      try (HttpClient client = HttpClient.newHttpClient()) {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      }
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }
}
