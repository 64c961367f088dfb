package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.autofix.testkit.FakeFixVerifier;
import dev.autofix.testkit.FakeIssueSource;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunLogs;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.InMemoryWorkspaces;
import dev.autofix.testkit.RecordingPullRequestPublisher;
import dev.autofix.testkit.ScriptedAgentRunner;
import dev.autofix.testkit.SlowClients;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow clients are cut off and do not starve the others, on virtual threads (JDK 24 on) and on the
 * platform threads used on JDK 21 to 23: 65 connections that trickle their headers and 8 that
 * declare a 1 MiB body and trickle it, all reconnecting when closed, while the health check and
 * deliveries are answered. Trickled headers are cut off by the request limit (3 s here through the
 * failsafe configuration's {@code -Dsun.net.httpserver.maxReqTime}), trickled bodies by the body
 * limit (2 s here) with a 408.
 */
class SlowClientIT {
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);

  @ParameterizedTest(name = "platform threads: {0}")
  @ValueSource(booleans = {false, true})
  void slowClients_areCutOff_whileOthersAreServed(boolean platformThreads) throws Exception {
    try (AutofixServer server = server(platformThreads, 16, true);
        HttpClient http = HttpClient.newHttpClient();
        SlowClients attack =
            SlowClients.start(
                server.getPort(), "/webhooks/sentry", 65, 8, 1 << 20, Duration.ofMillis(500))) {
      int port = server.getPort();
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> healthy = get(http, port, "/healthz");
        assertThat(healthy.statusCode()).isEqualTo(200);
        HttpResponse<String> delivery = deliver(http, port, "slow-" + platformThreads + "-" + i);
        assertThat(delivery.statusCode()).as(delivery.body()).isEqualTo(202);
        Thread.sleep(300);
      }
      // every attacking connection was closed by the server at least once, the slow bodies with
      // an answer (408), and the attacker's new connections were open all along
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> attack.closedByServer() >= 73 && attack.answered() >= 8);
      assertThat(get(http, port, "/healthz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theCapPerClient_refusesTheRequestOverIt_withoutReadingItsBody() throws Exception {
    // loopback counted here, so that the cap can be seen from 127.0.0.1
    try (AutofixServer server = server(false, 2, false);
        HttpClient http = HttpClient.newHttpClient()) {
      int port = server.getPort();
      try (SlowClients attack =
          SlowClients.start(port, "/webhooks/sentry", 0, 2, 1 << 20, Duration.ofMillis(200))) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> deliver(http, port, "capped").statusCode() == 429);
        try (Socket third = new Socket("127.0.0.1", port)) {
          third.setSoTimeout(10_000);
          OutputStream out = third.getOutputStream();
          out.write(
              "POST /webhooks/sentry HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\ni"
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          // answered and closed at once: the rest of the declared body is not waited for
          String answer = new String(third.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          assertThat(answer).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After: 1");
        }
        // the trickled bodies end with a 408 after the body limit
        await().atMost(Duration.ofSeconds(20)).until(() -> attack.answered() >= 2);
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> deliver(http, port, "after").statusCode() == 202);
    }
  }

  private static AutofixServer server(
      boolean platformThreads, int maxPerClient, boolean loopbackUncapped) {
    return AutofixServer.builder()
        .port(0)
        .store(new InMemoryRunStore())
        .limiter(new InMemoryRateLimiter(1, Clock.systemUTC(), ZoneOffset.UTC))
        .source(new FakeIssueSource())
        .workspaces(new InMemoryWorkspaces())
        .agent(new ScriptedAgentRunner())
        .verifier(new FakeFixVerifier())
        .publisher(new RecordingPullRequestPublisher())
        .logs(new InMemoryRunLogs())
        .clientLimits(
            new AutofixServer.ClientLimits(Duration.ofSeconds(3), BODY_TIMEOUT, maxPerClient, 0))
        .uncapped(loopbackUncapped ? a -> a.isLoopbackAddress() : a -> false)
        .platformHttpThreads(platformThreads)
        .build()
        .start();
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> deliver(HttpClient http, int port, String issue)
      throws Exception {
    var delivery = FakeIssueSource.delivery(issue);
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/sentry"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
    delivery.headers().forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
