package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL is killed with SIGKILL under the running server jar. Its supervisor
 * starts it again: meanwhile {@code /readyz} answers 503 naming the database and deliveries are
 * answered at once (202, or 503 to be sent again; never a 500, never a hang), and after it the
 * server is ready again without a restart. Every delivery answered 202, before, during or after the
 * kill, is a run the server still has.
 */
class DatabaseKillIT {
  @TempDir Path root;

  @Test
  void killMinusNineOfThePostmaster_isSurvived_andNoAcceptedDeliveryIsLost() throws Exception {
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar, built in the package phase").exists();
    try (E2eWorld world = new E2eWorld(root)) {
      int port = CrashRecoveryIT.freePort();
      Map<String, String> env = world.environment(port);
      Path log = root.resolve("server.log");
      Process server = CrashRecoveryIT.start(jar, env, log);
      try {
        CrashRecoveryIT.awaitReady(world, port, server, log);
        List<Long> accepted = new ArrayList<>();
        Map<Integer, Integer> answers = new TreeMap<>();
        int issue = 9000;
        for (; issue < 9003; issue++) {
          accepted.add(E2eWorld.runId(world.post(port, delivery(issue))));
        }

        long postmaster = postmasterPid(world);
        ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();

        // While it is down: readiness names the database; deliveries are answered, never hang.
        boolean sawNotReady = false;
        String reason = "";
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean readyAgain = false;
        while (System.nanoTime() < until && !readyAgain) {
          HttpResponse<String> ready = readyz(world, port);
          if (ready.statusCode() == 503) {
            sawNotReady = true;
            JsonNode problems = E2eWorld.JSON.readTree(ready.body()).path("problems");
            if (problems.has("database")) {
              reason = problems.get("database").asText();
            }
          } else if (sawNotReady) {
            readyAgain = ready.statusCode() == 200;
          }
          HttpResponse<String> answer = world.post(port, delivery(issue++));
          answers.merge(answer.statusCode(), 1, Integer::sum);
          if (answer.statusCode() == 202) {
            accepted.add(E2eWorld.runId(answer));
          } else {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).isPresent();
          }
          Thread.sleep(20);
        }
        System.out.println("DatabaseKillIT: answers while it restarted " + answers);
        assertThat(sawNotReady).as("/readyz answered 503 while the database was down").isTrue();
        assertThat(reason).as("the reason /readyz gave").contains("PostgreSQL");
        assertThat(readyAgain).as("ready again within 30 s, without a restart").isTrue();
        assertThat(server.isAlive()).isTrue();
        assertThat(postmasterPid(world)).as("a new postmaster").isNotEqualTo(postmaster);

        accepted.add(E2eWorld.runId(world.post(port, delivery(issue++))));
        for (long run : accepted) {
          assertThat(world.get(port, "/api/runs/" + run).get("id").asLong())
              .as("run %d, answered 202", run)
              .isEqualTo(run);
        }
        assertThat(answers).doesNotContainKey(500);
      } finally {
        server.destroy();
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
          server.destroyForcibly();
          server.waitFor(30, TimeUnit.SECONDS);
        }
      }
      assertThat(server.exitValue()).as(Files.readString(log)).isZero();
      assertThat(Files.readAllLines(log))
          .as("an outage of the database is expected, not a defect")
          .noneMatch(l -> l.contains(" ERROR "));
      assertThat(postmasterFile(world))
          .as("the restarted postmaster stopped with it")
          .doesNotExist();
    }
  }

  private static E2eWorld.Delivery delivery(int issue) {
    return E2eWorld.issueCreated(Integer.toString(issue), "SHOP-" + issue);
  }

  private static HttpResponse<String> readyz(E2eWorld world, int port) throws Exception {
    return world.http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Path postmasterFile(E2eWorld world) {
    return world.dataDir.resolve("postgres").resolve("postmaster.pid");
  }

  private static long postmasterPid(E2eWorld world) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> Long.parseLong(Files.readAllLines(postmasterFile(world)).get(0).strip()),
            pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }
}
