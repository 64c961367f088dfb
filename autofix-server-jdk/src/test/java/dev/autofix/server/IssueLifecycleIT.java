package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run follows its issue's life in Sentry, through the server jar: an {@code issue.resolved}
 * delivery cancels a queued run before its agent starts, and a running one's agent is stopped (at
 * its worker's next heartbeat) with nothing pushed or opened. The deliveries are {@code
 * issue.created}'s with the action Sentry's documentation names: no recorded payload of them exists
 * in the fixtures.
 */
class IssueLifecycleIT {
  @TempDir Path root;

  private static E2eWorld.Delivery resolved(String id, String shortId) {
    E2eWorld.Delivery created = E2eWorld.issueCreated(id, shortId);
    return new E2eWorld.Delivery(
        created.resource(),
        created.body().replace("\"action\":\"created\"", "\"action\":\"resolved\""));
  }

  @Test
  void resolvedInSentry_cancelsAQueuedRun_andStopsARunningAgent_withNothingPublished()
      throws Exception {
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar, built in the package phase").exists();
    try (E2eWorld world = new E2eWorld(root)) {
      // the agent says it began, then takes 20 s before it would fix anything
      world.writeAgent("echo began >> \"" + world.shared.resolve("began.log") + "\"\nsleep 20");
      int port = CrashRecoveryIT.freePort();
      Map<String, String> env = world.environment(port);
      Path log = root.resolve("server.log");
      Process server = CrashRecoveryIT.start(jar, env, log);
      try {
        CrashRecoveryIT.awaitReady(world, port, server, log);
        long running = E2eWorld.runId(world.post(port, E2eWorld.issueCreated("7301", "SHOP-731")));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Files.exists(world.shared.resolve("began.log")));
        long queued = E2eWorld.runId(world.post(port, E2eWorld.issueCreated("7302", "SHOP-732")));
        assertThat(world.get(port, "/api/runs/" + queued).get("status").asText())
            .as("one agent at a time")
            .isEqualTo("queued");

        HttpResponse<String> first = world.post(port, resolved("7302", "SHOP-732"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(E2eWorld.JSON.readTree(first.body()).get("outcome").asText())
            .isEqualTo("cancelled");
        JsonNode cancelled = world.get(port, "/api/runs/" + queued);
        assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.get("reason").asText()).isEqualTo("resolved in Sentry");

        HttpResponse<String> second = world.post(port, resolved("7301", "SHOP-731"));
        assertThat(E2eWorld.JSON.readTree(second.body()).get("outcome").asText())
            .isEqualTo("cancelled");
        // the agent would have finished 20 s after it began: by 25 s it must have been stopped
        Thread.sleep(25_000);

        assertThat(world.get(port, "/api/runs/" + running).get("status").asText())
            .isEqualTo("cancelled");
        assertThat(world.agentStarts()).as("the running agent was stopped before its fix").isZero();
        assertThat(Files.readAllLines(world.shared.resolve("began.log")))
            .as("the queued run's agent never started")
            .hasSize(1);
        assertThat(world.remoteBranches()).containsExactly("main");
        assertThat(world.github.all()).isEmpty();
        HttpResponse<String> again = world.post(port, resolved("7301", "SHOP-731"));
        assertThat(E2eWorld.JSON.readTree(again.body()).get("outcome").asText())
            .isEqualTo("unchanged");
      } finally {
        server.destroy();
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
          server.destroyForcibly();
          server.waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }
}
