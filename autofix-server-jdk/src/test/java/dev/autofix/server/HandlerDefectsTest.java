package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.FakeFixVerifier;
import dev.autofix.testkit.FakeIssueSource;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunLogs;
import dev.autofix.testkit.InMemoryWorkspaces;
import dev.autofix.testkit.RecordingDefectReporter;
import dev.autofix.testkit.RecordingPullRequestPublisher;
import dev.autofix.testkit.ScriptedAgentRunner;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A defect behind any route (here: a store whose every call throws) is answered as the one error
 * boundary answers it, a JSON 500 with the defect's fingerprint, reported once; never an empty
 * reply. The read token is set, so the boundary also wraps the token check.
 */
class HandlerDefectsTest {
  private static final String ADMIN = "admin-token";
  private static final String READ = "read-token";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecordingDefectReporter defects = new RecordingDefectReporter();
  private final HttpClient http = HttpClient.newHttpClient();
  private AutofixServer server;

  @BeforeEach
  void start() {
    RunStore broken =
        (RunStore)
            Proxy.newProxyInstance(
                RunStore.class.getClassLoader(),
                new Class<?>[] {RunStore.class},
                (proxy, method, args) -> {
                  if (method.getDeclaringClass() == Object.class) {
                    return method.getName().equals("toString") ? "broken store" : null;
                  }
                  throw new IllegalStateException("bug in the store: " + method.getName());
                });
    server =
        AutofixServer.builder()
            .port(0)
            .store(broken)
            .limiter(new InMemoryRateLimiter(10, Clock.systemUTC(), ZoneOffset.UTC))
            .source(new FakeIssueSource())
            .workspaces(new InMemoryWorkspaces())
            .agent(new ScriptedAgentRunner())
            .verifier(new FakeFixVerifier())
            .publisher(new RecordingPullRequestPublisher())
            .logs(new InMemoryRunLogs())
            .defects(defects)
            .adminToken(ADMIN)
            .readToken(READ)
            .pollInterval(Duration.ofHours(1))
            .recoveryInterval(Duration.ofHours(1))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0} {1} ({2})")
  @CsvSource({
    "GET, /api/runs, runs-api",
    "GET, /api/runs/1, runs-api",
    "GET, /api/runs/1/log, runs-api",
    "POST, /api/runs/1/retry, runs-api",
    "POST, /api/runs/1/cancel, runs-api",
    "GET, /, status-page",
    "GET, /metrics, metrics",
    "POST, /webhooks/sentry, webhook",
  })
  void aDefectBehindTheRoute_isAJson500WithItsFingerprint_reportedOnce(
      String method, String path, String where) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
            .header("Authorization", "Bearer " + (method.equals("POST") ? ADMIN : READ));
    if (path.startsWith("/webhooks/")) {
      var delivery = FakeIssueSource.delivery("42");
      delivery.headers().forEach(request::header);
      request.POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }

    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo("internal");
    List<dev.autofix.core.port.DefectReporter.Defect> reported =
        defects.defects().stream().filter(d -> d.where().equals(where)).toList();
    assertThat(reported).hasSize(1);
    assertThat(body.get("fingerprint").asText())
        .matches("[0-9a-f]{12}")
        .isEqualTo(reported.getFirst().fingerprint());
    assertThat(reported.getFirst().error()).hasMessageStartingWith("bug in the store");
  }
}
