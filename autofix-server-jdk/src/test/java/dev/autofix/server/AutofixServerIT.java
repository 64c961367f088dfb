package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.testkit.FakeFixVerifier;
import dev.autofix.testkit.FakeIssueSource;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunLogs;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.InMemoryWorkspaces;
import dev.autofix.testkit.RecordingDefectReporter;
import dev.autofix.testkit.RecordingPullRequestPublisher;
import dev.autofix.testkit.ScriptedAgentRunner;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server over the testkit's fakes: HTTP contract, worker hand-off, admin actions. */
class AutofixServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InMemoryRunStore store = new InMemoryRunStore();
  private final FakeIssueSource source = new FakeIssueSource();
  private final InMemoryWorkspaces workspaces = new InMemoryWorkspaces();
  private final ScriptedAgentRunner agent = new ScriptedAgentRunner("scripted");
  private final FakeFixVerifier verifier = new FakeFixVerifier();
  private final RecordingPullRequestPublisher publisher = new RecordingPullRequestPublisher();
  private final RecordingDefectReporter defects = new RecordingDefectReporter();
  private final HttpClient http = HttpClient.newHttpClient();
  private AutofixServer server;

  @BeforeEach
  void start() {
    server =
        AutofixServer.builder()
            .port(0)
            .store(store)
            .limiter(new InMemoryRateLimiter(10, Clock.systemUTC(), ZoneOffset.UTC))
            .source(source)
            .workspaces(workspaces)
            .agent(agent)
            .verifier(verifier)
            .publisher(publisher)
            .logs(new InMemoryRunLogs())
            .defects(defects)
            .adminToken("s3cret")
            .maxBodyBytes(4096)
            .pollInterval(Duration.ofMinutes(5)) // only a wake-up can start a run quickly
            .shutdownGrace(Duration.ofSeconds(5))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void webhook_acceptsNewIssue_andWorkerOpensDraftPullRequest() throws Exception {
    agent.thenEdits(workspaces, "app/billing.py", "guarded the division");
    verifier.then(new FixVerifier.Passed("pytest", Duration.ofSeconds(1), "ok"));

    HttpResponse<String> response = deliver("issue:42", FakeIssueSource.VALID);

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("outcome").asText()).isEqualTo("accepted");
    long runId = body.get("runId").asLong();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> run(runId).get("status").asText().equals("pr_opened"));
    JsonNode run = run(runId);
    assertThat(run.get("prUrl").asText()).isEqualTo("https://github.example/acme/app/pull/1");
    assertThat(run.get("issueId").asText()).isEqualTo("42");
    assertThat(run.get("attempts").asInt()).isEqualTo(1);
    assertThat(run.get("history")).hasSize(3);
    assertThat(run.get("totalCostUsd").decimalValue()).isEqualByComparingTo("0.42");
    assertThat(run.get("history").get(2).get("attempt").get("agent").asText())
        .isEqualTo("scripted");
    assertThat(run.get("history").get(2).get("attempt").get("costUsd").decimalValue())
        .isEqualByComparingTo("0.42");
    assertThat(run.get("history").get(1).has("attempt")).as("no agent ended there").isFalse();
    assertThat(get("/metrics").body()).contains("autofix_agent_cost_usd_total 0.42");
    JsonNode costs = JSON.readTree(get("/api/costs").body());
    assertThat(costs.get("todayUsd").decimalValue()).isEqualByComparingTo("0.42");
    assertThat(costs.get("totalUsd").decimalValue()).isEqualByComparingTo("0.42");
    assertThat(costs.get("attemptsToday").asInt()).isEqualTo(1);
    assertThat(costs.get("timeZone").asText()).isEqualTo("Z");
    assertThat(get("/api/runs/" + runId + "/log").body()).contains("edited app/billing.py");
  }

  @Test
  void webhook_mapsEveryOutcomeToItsStatus() throws Exception {
    agent.thenChangesNothing("nothing");
    HttpResponse<String> first = deliver("issue:7", FakeIssueSource.VALID);
    HttpResponse<String> duplicate = deliver("issue:7", FakeIssueSource.VALID);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(duplicate.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(duplicate.body()).get("outcome").asText()).isEqualTo("duplicate");
    assertThat(JSON.readTree(duplicate.body()).get("runId").asLong())
        .isEqualTo(JSON.readTree(first.body()).get("runId").asLong());
    assertThat(deliver("ignore:issue.resolved", FakeIssueSource.VALID).body())
        .contains("\"outcome\":\"ignored\"")
        .contains("issue.resolved");
    assertThat(deliver("issue:8", "forged").statusCode()).isEqualTo(401);
    assertThat(deliver("{oops", FakeIssueSource.VALID).statusCode()).isEqualTo(400);
    assertThat(deliver("issue:" + "9".repeat(5000), FakeIssueSource.VALID).statusCode())
        .isEqualTo(413);
    store.setAvailable(false);
    assertThat(deliver("issue:10", FakeIssueSource.VALID).statusCode()).isEqualTo(503);
    assertThat(defects.defects()).as("expected failures are never defects").isEmpty();
    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri("/webhooks/sentry")).GET().build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(405);
  }

  @Test
  void webhook_answersBusy_whenLargeBodiesFillTheMemoryBudget_andRecovers() throws Exception {
    // 8 uploads that sent all but the last byte of the largest body (4 KiB here) hold the budget:
    // it is taken as bodies arrive (SlowClientIT: bodies that declare 1 MiB and trickle it do not)
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket socket = new Socket("127.0.0.1", server.getPort());
        socket
            .getOutputStream()
            .write(
                ("POST /webhooks/sentry HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 4096\r\n\r\n"
                        + " ".repeat(4095))
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                HttpResponse<String> busy = deliver("issue:50", FakeIssueSource.VALID);
                assertThat(busy.statusCode()).isEqualTo(503);
                assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(JSON.readTree(busy.body()).get("outcome").asText()).isEqualTo("busy");
              });
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(deliver("issue:50", FakeIssueSource.VALID).statusCode()).isEqualTo(202));
    assertThat(defects.defects()).isEmpty();
  }

  @Test
  void adminActions_requireTheBearerToken() throws Exception {
    agent.thenFails(3, "boom");
    long runId =
        JSON.readTree(deliver("issue:5", FakeIssueSource.VALID).body()).get("runId").asLong();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> run(runId).get("status").asText().equals("failed"));

    assertThat(post("/api/runs/" + runId + "/retry", null).statusCode()).isEqualTo(401);
    assertThat(post("/api/runs/" + runId + "/retry", "wrong").statusCode()).isEqualTo(401);
    agent.thenChangesNothing("still nothing");
    HttpResponse<String> retried = post("/api/runs/" + runId + "/retry", "s3cret");
    assertThat(retried.statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> run(runId).get("status").asText().equals("no_fix"));
    assertThat(post("/api/runs/" + runId + "/cancel", "s3cret").statusCode()).isEqualTo(409);
    assertThat(post("/api/runs/999/retry", "s3cret").statusCode()).isEqualTo(404);
  }

  @Test
  void triggerApi_recordsAKnownIssueOnce_andAnswersEveryOtherOutcomeTyped() throws Exception {
    source.knows(dev.autofix.testkit.fixtures.Issues.anIssue().withId("4711").build());
    agent.thenChangesNothing("nothing");

    assertThat(trigger("{\"issue\":\"4711\"}", null).statusCode()).isEqualTo(401);
    assertThat(trigger("{\"issue\":\"4711\"}", "wrong").statusCode()).isEqualTo(401);
    HttpResponse<String> accepted = trigger("{\"issue\":\"4711\"}", "s3cret");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    JsonNode body = JSON.readTree(accepted.body());
    assertThat(body.get("outcome").asText()).isEqualTo("accepted");
    assertThat(body.get("issue").get("id").asText()).isEqualTo("4711");
    long runId = body.get("runId").asLong();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> run(runId).get("status").asText().equals("no_fix"));

    HttpResponse<String> again = trigger("{\"issue\":\"4711\"}", "s3cret");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(again.body()).get("outcome").asText()).isEqualTo("duplicate");
    assertThat(JSON.readTree(again.body()).get("runId").asLong()).isEqualTo(runId);
    assertThat(agent.tasks()).as("one agent per issue, ever").hasSize(1);

    assertThat(trigger("{\"issue\":\"9999\"}", "s3cret").statusCode()).isEqualTo(404);
    HttpResponse<String> down = trigger("{\"issue\":\"unavailable\"}", "s3cret");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.headers().firstValue("Retry-After")).contains("5");
    for (String bad : List.of("", "not json", "{}", "{\"issue\":42}", "{\"issue\":\" \"}", "[]")) {
      HttpResponse<String> refused = trigger(bad, "s3cret");
      assertThat(refused.statusCode()).as("body %s: %s", bad, refused.body()).isEqualTo(400);
    }
    assertThat(trigger("{\"issue\":\"" + "1".repeat(20_000) + "\"}", "s3cret").statusCode())
        .isEqualTo(413);
    assertThat(get("/api/issues").statusCode()).isEqualTo(405);
    assertThat(get("/api/issues/4711").statusCode()).isEqualTo(404);
    store.setAvailable(false);
    source.knows(dev.autofix.testkit.fixtures.Issues.anIssue().withId("4712").build());
    assertThat(trigger("{\"issue\":\"4712\"}", "s3cret").statusCode()).isEqualTo(503);
    assertThat(defects.defects()).isEmpty();
  }

  @Test
  void listRuns_isNewestFirst_withStatusFilterAndPaging() throws Exception {
    for (int i = 1; i <= 3; i++) {
      agent.thenChangesNothing("nothing");
      deliver("issue:" + (100 + i), FakeIssueSource.VALID);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.countByStatus().get(RunStatus.NO_FIX) == 3);

    JsonNode page = JSON.readTree(get("/api/runs?limit=2").body());
    assertThat(page.get("runs")).hasSize(2);
    assertThat(page.get("runs").get(0).get("issueId").asText()).isEqualTo("103");
    JsonNode next =
        JSON.readTree(get("/api/runs?limit=2&before=" + page.get("next").asLong()).body());
    assertThat(next.get("runs")).hasSize(1);
    assertThat(JSON.readTree(get("/api/runs?status=no_fix").body()).get("runs")).hasSize(3);
    assertThat(get("/api/runs?status=done").statusCode()).isEqualTo(400);
    assertThat(get("/api/runs/abc").statusCode()).isEqualTo(404);
    // the JDK server refuses a target that is no URI before any handler sees it; a handler that
    // decodes the query skips a bad pair anyway (Exchanges.query)
    assertThat(rawStatus("/api/runs?q=%zz&status=no_fix")).as("never a 500").isEqualTo(400);
    assertThat(rawStatus("/?q=%zz")).isEqualTo(400);
    assertThat(defects.defects()).isEmpty();
  }

  @Test
  void healthReadinessMetricsAndStatusPage_answer() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"database\":\"ok\"").contains("\"worker\":\"ok\"");
    deliver("issue:77", FakeIssueSource.VALID);
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("autofix_deliveries_total{outcome=\"accepted\"} 1.0")
        .contains("autofix_runs{status=\"queued\"}")
        .contains("autofix_fix_attempts_limit 10.0");
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.body()).contains("fix attempts today").contains("http-equiv=\"refresh\"");

    store.setAvailable(false);
    assertThat(get("/readyz").statusCode())
        .as("inserts down, reads up: still ready")
        .isEqualTo(200);
  }

  private HttpResponse<String> deliver(String body, String signature)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("/webhooks/sentry"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header(FakeIssueSource.SIGNATURE_HEADER, signature);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> trigger(String body, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("/api/issues"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status of a GET sent as written, for targets Java's URI refuses (a bad escape). */
  private int rawStatus(String target) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
      socket
          .getOutputStream()
          .write(
              ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode run(long id) throws IOException, InterruptedException {
    return JSON.readTree(get("/api/runs/" + id).body());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }
}
