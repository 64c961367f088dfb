package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autofix.testkit.MutableClock;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitHub outages after a verified fix, against the assembled server on a fresh embedded PostgreSQL,
 * a real checkout and bare remote, the scripted agent CLI and the fake GitHub: the run is postponed
 * with its branch and verified commit recorded, and a later attempt publishes that commit without
 * running the agent again. The server's clock is a {@link MutableClock} the test moves to each
 * retry time, so nothing waits out minutes; GitHub's own short retries (1, 2, 4 s) do run in real
 * time.
 */
class PublishOutageIT {
  @TempDir Path root;

  @Test
  void thirtySecondsOfGitHub500s_afterAVerifiedFix_opensThePullRequestAfterwards_agentRunOnce()
      throws Exception {
    MutableClock clock = MutableClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (E2eWorld world = new E2eWorld(root);
        Assembly server = start(world, Map.of(), clock)) {
      int port = server.port();
      world.github.outage(Duration.ofSeconds(30), 500, null);

      long runId = E2eWorld.runId(world.post(port, E2eWorld.issueCreated("5150", "SHOP-50")));

      List<JsonNode> postponed = new ArrayList<>();
      JsonNode run =
          driveUntilEnded(world, server, clock, runId, postponed, Duration.ofSeconds(120));

      assertThat(run.get("status").asText()).as("%s", run).isEqualTo("pr_opened");
      assertThat(world.agentStarts()).as("the agent ran once").isEqualTo(1);
      assertThat(world.github.outageAnswers.get()).isGreaterThanOrEqualTo(4);
      assertThat(world.github.all()).hasSize(1);
      assertThat(world.github.creates).hasSize(1);
      assertThat(run.get("branch").asText()).isEqualTo("autofix/shop-50");
      assertThat(run.has("pendingPublish")).isFalse();
      assertThat(world.remoteFile("autofix/shop-50", "answer.txt")).isEqualTo("4\n");
      JsonNode pull = world.github.all().getFirst();
      assertThat(pull.get("body").asText())
          .as("the body of the fix verified before the outage")
          .contains("sh test.sh")
          .contains("Root cause: 2 + 2 was written as 5.")
          .contains("Fixes SHOP-50");

      // while GitHub answered 500: queued, with the pushed branch and the verified commit
      assertThat(postponed).isNotEmpty();
      JsonNode first = postponed.getFirst();
      assertThat(first.get("status").asText()).isEqualTo("queued");
      assertThat(first.get("branch").asText()).isEqualTo("autofix/shop-50");
      assertThat(first.get("reason").asText())
          .contains("GitHub answered 500")
          .contains("is pushed as autofix/shop-50")
          .doesNotContain("defect");
      assertThat(first.at("/pendingPublish/commit").asText())
          .isEqualTo(E2eWorld.git(world.remote, "rev-parse", "autofix/shop-50").strip());
      assertThat(first.get("attempts").asInt()).as("a postponement is not an attempt").isZero();

      JsonNode history = world.get(port, "/api/runs/" + runId).get("history");
      assertThat(history.toString()).contains("the pull request host is unavailable");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> world.sentry.comments.stream().anyMatch(c -> c.contains("/pull/1")));
    }
  }

  @Test
  void a429WithALongRetryAfter_postponesTheRunUntilThen_acrossARestart() throws Exception {
    MutableClock clock = MutableClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Instant now = clock.instant();
    try (E2eWorld world = new E2eWorld(root)) {
      long runId;
      try (Assembly server = start(world, Map.of(), clock)) {
        int port = server.port();
        world.github.outage(Duration.ofMinutes(10), 429, "3600");

        runId = E2eWorld.runId(world.post(port, E2eWorld.issueCreated("5151", "SHOP-51")));

        JsonNode waiting = awaitPostponed(world, port, runId);
        assertThat(Instant.parse(waiting.get("notBefore").asText()))
            .as("the hour GitHub asked for, not the first minute of the backoff")
            .isEqualTo(now.plus(Duration.ofHours(1)));
        assertThat(waiting.get("reason").asText()).contains("429").contains("asked to wait PT1H");

        world.github.endOutage();
        clock.set(now.plus(Duration.ofMinutes(59)));
        server.server().wake();
        Thread.sleep(1_000); // a few polls: nothing may publish before the hour
        assertThat(world.github.all()).isEmpty();
      }

      // the server restarts meanwhile: the verified commit is still there to publish
      try (Assembly server = start(world, Map.of(), clock)) {
        int port = server.port();
        clock.set(now.plus(Duration.ofHours(1)));
        server.server().wake();
        JsonNode opened = world.awaitEnded(port, runId, Duration.ofSeconds(60));
        assertThat(opened.get("status").asText()).as("%s", opened).isEqualTo("pr_opened");
        assertThat(world.agentStarts()).isEqualTo(1);
        assertThat(world.github.all()).hasSize(1);
        assertThat(world.github.all().getFirst().get("body").asText()).contains("Fixes SHOP-51");
      }
    }
  }

  @Test
  void unreachableGitHub_postponesTheRun_thenFailsItInWords_afterTheRetryWindow() throws Exception {
    MutableClock clock = MutableClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    try (E2eWorld world = new E2eWorld(root);
        Assembly server =
            start(
                world,
                Map.of(
                    "AUTOFIX_GITHUB_API_URL", "http://127.0.0.1:" + closed,
                    "AUTOFIX_GITHUB_MAX_ATTEMPTS", "1",
                    "AUTOFIX_PUBLISH_RETRY_FOR", "5m"),
                clock)) {
      int port = server.port();

      long runId = E2eWorld.runId(world.post(port, E2eWorld.issueCreated("5152", "SHOP-52")));

      List<JsonNode> postponed = new ArrayList<>();
      JsonNode run =
          driveUntilEnded(world, server, clock, runId, postponed, Duration.ofSeconds(90));

      assertThat(postponed).isNotEmpty();
      assertThat(postponed.getFirst().get("reason").asText()).contains("could not be reached");
      assertThat(postponed.getFirst().get("branch").asText()).isEqualTo("autofix/shop-52");
      assertThat(run.get("status").asText()).isEqualTo("failed");
      assertThat(run.get("reason").asText())
          .contains("the pull request host stayed unavailable for PT5M")
          .contains("the retry window is PT5M")
          .contains("was not published")
          .contains("could not be reached")
          .doesNotContain("defect");
      assertThat(run.get("branch").asText()).as("pushed, and said so").isEqualTo("autofix/shop-52");
      assertThat(world.remoteBranches()).contains("autofix/shop-52");
      assertThat(world.agentStarts()).isEqualTo(1);
    }
  }

  /**
   * Moves the clock to each retry time of the run while it is postponed, until it ends; {@code
   * postponed} collects the run as it was at each postponement.
   */
  private static JsonNode driveUntilEnded(
      E2eWorld world,
      Assembly server,
      MutableClock clock,
      long runId,
      List<JsonNode> postponed,
      Duration within) {
    int port = server.port();
    AtomicReference<String> lastNotBefore = new AtomicReference<>();
    AtomicReference<JsonNode> last = new AtomicReference<>();
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              JsonNode run = world.get(port, "/api/runs/" + runId);
              last.set(run);
              String status = run.get("status").asText();
              if (List.of("pr_opened", "no_fix", "failed").contains(status)) {
                return true;
              }
              if (status.equals("queued") && run.has("pendingPublish")) {
                String notBefore = run.get("notBefore").asText();
                if (!notBefore.equals(lastNotBefore.get())) {
                  lastNotBefore.set(notBefore);
                  postponed.add(run);
                }
                clock.set(Instant.parse(notBefore));
                server.server().wake();
              }
              return false;
            });
    return last.get();
  }

  private static JsonNode awaitPostponed(E2eWorld world, int port, long runId) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> world.get(port, "/api/runs/" + runId),
            r -> r.get("status").asText().equals("queued") && r.has("pendingPublish"));
  }

  private static Assembly start(E2eWorld world, Map<String, String> extra, MutableClock clock)
      throws Exception {
    Map<String, String> env = new HashMap<>(world.environment(0));
    env.putAll(extra);
    return Assembly.start(Assembly.settings(env), clock);
  }
}
