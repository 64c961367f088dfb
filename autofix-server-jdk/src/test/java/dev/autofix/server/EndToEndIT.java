package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autofix.testkit.MutableClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop with real parts: the assembled server on a fresh embedded PostgreSQL, a real git
 * checkout with a failing test and a bare remote, the scripted agent CLI, a fake Sentry and a fake
 * GitHub. A signed delivery becomes one verified draft pull request, however often it arrives.
 */
class EndToEndIT {
  @TempDir Path root;

  @Test
  void signedDelivery_becomesOneVerifiedDraftPullRequest_evenUnderAStormOfDuplicates()
      throws Exception {
    try (E2eWorld world = new E2eWorld(root);
        Assembly server = start(world, Map.of(), MutableClock.at(Instant.now()))) {
      int port = server.port();

      HttpResponse<String> accepted = world.post(port, E2eWorld.issueCreated("4242", "SHOP-1"));

      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      long runId = E2eWorld.JSON.readTree(accepted.body()).get("runId").asLong();
      JsonNode run = awaitStatus(world, port, runId, "pr_opened");
      assertThat(run.get("prUrl").asText()).isEqualTo("https://github.com/acme/shop/pull/1");
      assertThat(run.get("branch").asText()).isEqualTo("autofix/shop-1");
      assertThat(run.get("agent").asText()).isEqualTo("command");
      assertThat(run.get("summary").asText()).contains("Root cause: 2 + 2 was written as 5.");

      // The branch was pushed to the real remote with the fix, verified by the test command.
      assertThat(world.remoteBranches()).contains("autofix/shop-1");
      assertThat(world.remoteFile("autofix/shop-1", "answer.txt")).isEqualTo("4\n");
      assertThat(world.remoteFile("main", "answer.txt")).as("main untouched").isEqualTo("5\n");
      JsonNode pull = world.github.all().getFirst();
      assertThat(pull.get("draft").asBoolean()).isTrue();
      assertThat(pull.get("title").asText()).endsWith("(SHOP-1)");
      assertThat(pull.get("body").asText()).contains("sh test.sh").contains("Fixes SHOP-1");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  world.sentry.comments.stream()
                      .anyMatch(c -> c.contains("/issues/4242/comments/")));
      assertThat(world.sentry.comments.getFirst()).contains("https://github.com/acme/shop/pull/1");
      // The run's page: every step of the attempt in its timeline, in order (this world's clock
      // stands still, so the status changes share one time with them), the diff, the tests.
      String page = world.getText(port, "/runs/" + runId);
      assertThat(page).contains("status-step\">queued").contains("status-step\">pr_opened");
      int previous = -1;
      for (String step :
          List.of(
              "permit taken",
              "details fetched",
              "workspace ready",
              "agent command started",
              "agent ended: completed",
              "committed",
              "verified: passed",
              "pull request opened",
              "feedback posted")) {
        int at = page.indexOf("\">" + step, previous + 1);
        assertThat(at)
            .as("the timeline's step %s, after the one before", step)
            .isGreaterThan(previous);
        previous = at;
      }
      assertThat(page)
          .contains("<span class=\"add\">+4</span>")
          .contains("<span class=\"del\">-5</span>")
          .contains("test output (1 line)")
          .contains("the pull request's body, as sent")
          .contains("Fixes SHOP-1");

      // 1,000 deliveries of the same issue from 16 threads, in both shapes: still one run, one PR.
      AtomicInteger duplicates = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          E2eWorld.Delivery delivery =
              i % 2 == 0 ? E2eWorld.issueCreated("4242", "SHOP-1") : E2eWorld.eventAlert("4242");
          answers.add(pool.submit(() -> world.post(port, delivery).statusCode()));
        }
        for (Future<Integer> answer : answers) {
          if (answer.get() == 200) {
            duplicates.incrementAndGet();
          }
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(duplicates.get()).isEqualTo(1000);
      JsonNode runs = world.get(port, "/api/runs");
      assertThat(runs.get("runs")).hasSize(1);
      assertThat(world.github.all()).hasSize(1);
      assertThat(world.github.creates).hasSize(1);
      assertThat(world.get(port, "/api/runs/" + runId).get("status").asText())
          .isEqualTo("pr_opened");
    }
  }

  @Test
  void dailyCap_defersSurplusIssuesToTheNextDay_withoutLosingAny() throws Exception {
    MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
    try (E2eWorld world = new E2eWorld(root);
        Assembly server = start(world, Map.of("AUTOFIX_MAX_FIXES_PER_DAY", "2"), clock)) {
      int port = server.port();
      List<Long> runIds = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        HttpResponse<String> accepted =
            world.post(port, E2eWorld.issueCreated("70" + i, "SHOP-7" + i));
        assertThat(accepted.statusCode()).isEqualTo(202);
        runIds.add(E2eWorld.JSON.readTree(accepted.body()).get("runId").asLong());
      }

      awaitCounts(world, port, Map.of("pr_opened", 2, "deferred", 3));
      JsonNode deferred = world.get(port, "/api/runs?status=deferred").get("runs").get(0);
      assertThat(deferred.get("notBefore").asText()).isEqualTo("2026-11-25T00:00:00Z");
      assertThat(deferred.get("attempts").asInt()).as("not billed").isZero();

      clock.set(Instant.parse("2026-11-25T00:00:01Z"));
      server.server().wake();
      awaitCounts(world, port, Map.of("pr_opened", 4, "deferred", 1));

      clock.set(Instant.parse("2026-11-26T00:00:01Z"));
      server.server().wake();
      awaitCounts(world, port, Map.of("pr_opened", 5, "deferred", 0));
      assertThat(world.github.all()).hasSize(5);
      assertThat(world.remoteBranches()).hasSize(6); // main and five fix branches
    }
  }

  @Test
  void runNow_startsADeferredRun_onceTheRaisedCapHasRoom() throws Exception {
    MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
    try (E2eWorld world = new E2eWorld(root)) {
      long deferred;
      try (Assembly server = start(world, Map.of("AUTOFIX_MAX_FIXES_PER_DAY", "1"), clock)) {
        int port = server.port();
        accepted(world.post(port, E2eWorld.issueCreated("801", "SHOP-81")));
        deferred = accepted(world.post(port, E2eWorld.issueCreated("802", "SHOP-82")));
        awaitCounts(world, port, Map.of("pr_opened", 1, "deferred", 1));

        HttpResponse<String> refused = runNow(world, port, deferred);

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body())
            .contains("stays deferred")
            .contains("1 of 1 fix attempts on 2026-11-24");
      }
      // The operator raises the cap and restarts: the run would still wait for tomorrow.
      try (Assembly server = start(world, Map.of("AUTOFIX_MAX_FIXES_PER_DAY", "2"), clock)) {
        int port = server.port();
        assertThat(world.get(port, "/api/runs/" + deferred).get("status").asText())
            .isEqualTo("deferred");

        assertThat(runNow(world, port, deferred).statusCode()).isEqualTo(202);

        awaitStatus(world, port, deferred, "pr_opened");
        assertThat(world.github.all()).hasSize(2);
      }
    }
  }

  private static HttpResponse<String> runNow(E2eWorld world, int port, long runId)
      throws Exception {
    return world.http.send(
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/api/runs/" + runId + "/retry"))
            .header("Authorization", "Bearer admin-e2e")
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void projects_routeEachIssueToItsOwnRepository_andIgnoreUnmappedOnes() throws Exception {
    try (E2eWorld front = new E2eWorld(Files.createDirectories(root.resolve("front")));
        E2eWorld back = new E2eWorld(Files.createDirectories(root.resolve("back")))) {
      Path yaml = root.resolve("autofix.yaml");
      Files.writeString(
          yaml, "projects:\n" + project("front-end", front) + project("back-end", back));
      Map<String, String> env = new java.util.HashMap<>(front.environment(0));
      env.remove("AUTOFIX_REPO_PATH");
      env.remove("AUTOFIX_AGENT_COMMAND");
      env.remove("AUTOFIX_GITHUB_API_URL");
      env.remove("AUTOFIX_GIT_PUSH_URL");
      try (Assembly server =
          Assembly.start(
              Assembly.settings(ConfigSource.load(yaml, env)), MutableClock.at(Instant.now()))) {
        int port = server.port();

        long frontRun = accepted(front.post(port, E2eWorld.issueCreated("11", "FRONT-11")));
        long backRun =
            accepted(
                front.post(
                    port,
                    new E2eWorld.Delivery(
                        "issue",
                        E2eWorld.issueCreated("22", "BACK-22")
                            .body()
                            .replace("\"slug\":\"front-end\"", "\"slug\":\"back-end\""))));
        HttpResponse<String> unmapped =
            front.post(
                port,
                new E2eWorld.Delivery(
                    "issue",
                    E2eWorld.issueCreated("33", "OTHER-33")
                        .body()
                        .replace("\"slug\":\"front-end\"", "\"slug\":\"payments\"")));

        assertThat(unmapped.statusCode()).isEqualTo(200);
        assertThat(unmapped.body()).contains("ignored").contains("payments");
        awaitStatus(front, port, frontRun, "pr_opened");
        awaitStatus(front, port, backRun, "pr_opened");
        assertThat(front.remoteBranches()).containsExactlyInAnyOrder("main", "autofix/front-11");
        assertThat(back.remoteBranches()).containsExactlyInAnyOrder("main", "autofix/back-22");
        assertThat(front.github.all()).hasSize(1);
        assertThat(back.github.all()).hasSize(1);
      }
    }
  }

  @Test
  void runQueuedByAnotherProcess_wakesThisWorker_throughPostgresNotify() throws Exception {
    try (E2eWorld world = new E2eWorld(root);
        Assembly server =
            start(world, Map.of("AUTOFIX_POLL_INTERVAL", "1h"), MutableClock.at(Instant.now()))) {
      // Another process on the same database: its own store and its own notifier.
      var otherStore =
          dev.autofix.store.jooq.JooqRunStores.create(
              org.jooq.impl.DSL.using(server.dataSource(), org.jooq.SQLDialect.POSTGRES), "other");
      try (var otherNotifier =
          dev.autofix.store.jooq.PostgresNotifications.listen(
              server.dataSource(),
              dev.autofix.store.jooq.PostgresNotifications.DEFAULT_CHANNEL,
              () -> {})) {
        var record =
            new dev.autofix.core.usecase.RecordIssue(
                otherStore, otherNotifier.signal(), java.time.Clock.systemUTC());
        var created =
            (dev.autofix.core.port.RunStore.Inserted)
                record.execute(
                    dev.autofix.testkit.fixtures.Issues.anIssue()
                        .withId("5150")
                        .withShortId("SHOP-5150")
                        .withProject("front-end")
                        .build());

        // The worker polls once an hour here: only the notification can have woken it.
        awaitStatus(world, server.port(), created.run().id().value(), "pr_opened");
      }
    }
  }

  @Test
  void cleanStop_putsTheRunningRunBackInTheQueue_afterTheGracePeriod() throws Exception {
    try (E2eWorld world = new E2eWorld(root)) {
      Path started = world.shared.resolve("agent-started");
      world.writeAgent("touch '" + started + "'; sleep 300");
      try (Assembly server =
          start(world, Map.of("AUTOFIX_SHUTDOWN_GRACE", "1s"), MutableClock.at(Instant.now()))) {
        long runId = accepted(world.post(server.port(), E2eWorld.issueCreated("77", "SHOP-77")));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(started));

        long stopping = System.nanoTime();
        server.server().close(); // what SIGTERM does: stop deliveries, grace, stop the agent
        long tookMillis = (System.nanoTime() - stopping) / 1_000_000;

        var store =
            dev.autofix.store.jooq.JooqRunStores.create(
                org.jooq.impl.DSL.using(server.dataSource(), org.jooq.SQLDialect.POSTGRES), "test");
        var run = store.find(new dev.autofix.core.model.RunId(runId)).orElseThrow();
        assertThat(run.status())
            .as("nothing left running")
            .isEqualTo(dev.autofix.core.model.RunStatus.QUEUED);
        assertThat(run.attempts()).isZero();
        assertThat(run.reason()).contains("worker stopped");
        assertThat(tookMillis).as("the agent was stopped, not waited for").isLessThan(30_000);
        assertThat(world.github.all()).isEmpty();
      }
    }
  }

  @Test
  void deliveryWithANulAndALoneSurrogateInItsTitle_isAccepted_cleaned_andTheHistorySaysSo()
      throws Exception {
    try (E2eWorld world = new E2eWorld(root);
        Assembly server = start(world, Map.of(), MutableClock.at(Instant.now()))) {
      E2eWorld.Delivery hostile =
          new E2eWorld.Delivery(
              "issue",
              E2eWorld.issueCreated("901", "SHOP-91")
                  .body()
                  .replace(
                      "\"title\":\"ReferenceError: blooopy is not defined\"",
                      "\"title\":\"ReferenceError: \\u0000 is \\ud800 not defined\""));
      assertThat(hostile.body()).contains("\\u0000 is \\ud800");

      HttpResponse<String> response = world.post(server.port(), hostile);
      long runId = accepted(response);

      JsonNode run = world.get(server.port(), "/api/runs/" + runId);
      assertThat(run.get("title").asText())
          .isEqualTo("ReferenceError: \uFFFD is \uFFFD not defined");
      assertThat(run.get("history").get(0).get("reason").asText())
          .isEqualTo(dev.autofix.core.model.FixRun.NEW_ISSUE_TEXT_REPLACED)
          .contains("U+0000")
          .contains("U+FFFD");
    }
  }

  @Test
  void redisUrl_swapsTheDailyCapToRedis() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    redis.embedded.RedisServer redisServer =
        redis.embedded.RedisServer.newRedisServer()
            .port(port)
            .bind("127.0.0.1")
            .setting("save \"\"")
            .setting("appendonly no")
            .build();
    redisServer.start();
    MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
    try (E2eWorld world = new E2eWorld(root);
        Assembly server =
            start(
                world,
                Map.of(
                    "AUTOFIX_REDIS_URL",
                    "redis://127.0.0.1:" + port,
                    "AUTOFIX_REDIS_KEY_PREFIX",
                    "e2e:fixes"),
                clock);
        var jedis =
            dev.autofix.redis.RedisClients.open(
                dev.autofix.redis.RedisConfig.fromUrl("redis://127.0.0.1:" + port))) {
      long runId = accepted(world.post(server.port(), E2eWorld.issueCreated("31", "SHOP-31")));
      awaitStatus(world, server.port(), runId, "pr_opened");

      assertThat(jedis.get("e2e:fixes:2026-11-24")).as("the permit came from Redis").isEqualTo("1");
      assertThat(jedis.ttl("e2e:fixes:2026-11-24")).isPositive();
    } finally {
      redisServer.stop();
    }
  }

  private static String project(String slug, E2eWorld world) {
    return "  "
        + slug
        + ":\n    repo_path: "
        + world.checkout
        + "\n    github_api_url: http://127.0.0.1:"
        + world.github.port()
        + "\n    git_push_url: "
        + world.remote
        + "\n    agent: command\n    agent_command: "
        + world.agentScript
        + "\n    agent_writable: "
        + world.shared
        + "\n    test_command: sh test.sh\n";
  }

  private static long accepted(HttpResponse<String> response) throws java.io.IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return E2eWorld.JSON.readTree(response.body()).get("runId").asLong();
  }

  private static Assembly start(E2eWorld world, Map<String, String> extra, MutableClock clock)
      throws Exception {
    Map<String, String> env = new java.util.HashMap<>(world.environment(0));
    env.putAll(extra);
    return Assembly.start(Assembly.settings(env), clock);
  }

  private static JsonNode awaitStatus(E2eWorld world, int port, long runId, String status) {
    Map<String, JsonNode> last = new ConcurrentHashMap<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              JsonNode run = world.get(port, "/api/runs/" + runId);
              last.put("run", run);
              String current = run.get("status").asText();
              assertThat(current).as("run %s: %s", runId, run).isNotIn("failed", "no_fix");
              return current.equals(status);
            });
    return last.get("run");
  }

  private static void awaitCounts(E2eWorld world, int port, Map<String, Integer> expected) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              for (var entry : expected.entrySet()) {
                JsonNode runs = world.get(port, "/api/runs?status=" + entry.getKey()).get("runs");
                assertThat(runs).as(entry.getKey()).hasSize(entry.getValue());
              }
            });
  }
}
