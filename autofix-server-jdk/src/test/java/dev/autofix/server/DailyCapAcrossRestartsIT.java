package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The daily cap is hard across restarts: the server jar, with a cap of 1, is stopped with SIGTERM
 * while its agent runs, started again, and given a second issue, three times over. The agent is
 * started once in all; the stopped run and the second issue wait {@code deferred}. With the cap in
 * PostgreSQL and in Redis.
 */
class DailyCapAcrossRestartsIT {
  @TempDir Path root;

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "redis"})
  void agentStarts_neverExceedTheCap_acrossSigtermRestarts(String capStore) throws Exception {
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar, built in the package phase").exists();
    redis.embedded.RedisServer redisServer = null;
    try (E2eWorld world = new E2eWorld(root)) {
      Path starts = world.shared.resolve("agent-started");
      // Every start is counted, and hangs until the server stops it.
      String sleep = "600." + (System.nanoTime() % 1_000_000);
      world.writeAgent("echo start >> '" + starts + "'; sleep " + sleep);
      int port = CrashRecoveryIT.freePort();
      Map<String, String> env = world.environment(port);
      env.put("AUTOFIX_MAX_FIXES_PER_DAY", "1");
      env.put("AUTOFIX_SHUTDOWN_GRACE", "1s");
      env.put("AUTOFIX_LEASE", "3s");
      env.put("AUTOFIX_RECOVERY_INTERVAL", "1s");
      env.put("AUTOFIX_POLL_INTERVAL", "300ms");
      if (capStore.equals("redis")) {
        int redisPort = CrashRecoveryIT.freePort();
        redisServer =
            redis.embedded.RedisServer.newRedisServer()
                .port(redisPort)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        redisServer.start();
        env.put("AUTOFIX_REDIS_URL", "redis://127.0.0.1:" + redisPort);
      }
      Path log = root.resolve("server.log");

      Process server = CrashRecoveryIT.start(jar, env, log);
      long first;
      try {
        CrashRecoveryIT.awaitReady(world, port, server, log);
        first = runId(world.post(port, E2eWorld.issueCreated("7001", "SHOP-71")));
        await().atMost(Duration.ofSeconds(60)).until(() -> lines(starts) == 1);
      } finally {
        stop(server);
      }

      List<Long> second = new ArrayList<>();
      for (int restart = 1; restart <= 3; restart++) {
        server = CrashRecoveryIT.start(jar, env, log);
        try {
          CrashRecoveryIT.awaitReady(world, port, server, log);
          if (second.isEmpty()) {
            second.add(runId(world.post(port, E2eWorld.issueCreated("7002", "SHOP-72"))));
          }
          for (long id : List.of(first, second.getFirst())) {
            await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(
                    () -> world.get(port, "/api/runs/" + id).get("status").asText(),
                    "deferred"::equals);
          }
          assertThat(world.get(port, "/api/runs/" + first).get("reason").asText())
              .contains("daily cap of 1");
          assertThat(lines(starts)).as("agent starts after restart " + restart).isEqualTo(1);
        } finally {
          stop(server);
        }
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> CrashRecoveryIT.processesWithArgument(sleep).isEmpty());
    } finally {
      if (redisServer != null) {
        redisServer.stop();
      }
    }
  }

  private static long lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  private static long runId(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return E2eWorld.JSON.readTree(response.body()).get("runId").asLong();
  }

  /** SIGTERM, as a service manager stops it; SIGKILL only if it does not stop in a minute. */
  private static void stop(Process server) throws InterruptedException {
    server.destroy();
    if (!server.waitFor(60, TimeUnit.SECONDS)) {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
