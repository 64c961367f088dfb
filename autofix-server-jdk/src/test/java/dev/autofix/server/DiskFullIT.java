package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
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
 * A full disk under the running server jar: its data dir (the embedded PostgreSQL, worktrees, logs)
 * is a real 256 MiB tmpfs, mounted in a mount namespace of the server's own ({@code unshare -rm}),
 * and the test fills it to the last byte through {@code /proc/<pid>/root}. Meanwhile {@code
 * /readyz} answers 503 naming the storage, deliveries are answered 503 with {@code Retry-After} (or
 * 202 when a row still fits; never a 500), and a run that meets the full disk waits instead of
 * failing. Once the space is freed the server is ready again by itself, every run opens its pull
 * request, and the delivery refused meanwhile is picked up by the Sentry poller.
 */
class DiskFullIT {
  @TempDir Path root;

  @Test
  void aFullDataDisk_isAnOutage_andEverythingResumesOnceSpaceIsFreed() throws Exception {
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar, built in the package phase").exists();
    try (E2eWorld world = new E2eWorld(root)) {
      // The first run's agent waits, worktree prepared, until the disk is full.
      Path release = world.shared.resolve("release");
      Path first = world.shared.resolve("first");
      world.writeAgent(
          "if [ ! -f '"
              + first
              + "' ]; then touch '"
              + first
              + "'; while [ ! -f '"
              + release
              + "' ]; do sleep 0.1; done; fi");
      int port = CrashRecoveryIT.freePort();
      Map<String, String> env = world.environment(port);
      env.put("AUTOFIX_SENTRY_POLL_INTERVAL", "2s");
      env.put("AUTOFIX_AGENT_TIMEOUT", "30s");
      env.put("AUTOFIX_LEASE", "45s");
      env.put("AUTOFIX_MAX_FIXES_PER_DAY", "50");
      Files.createDirectories(world.dataDir);
      Path log = root.resolve("server.log");
      Process server = startOnTmpfs(jar, env, world.dataDir, log);
      try {
        CrashRecoveryIT.awaitReady(world, port, server, log);
        Path disk = Path.of("/proc", Long.toString(server.pid()), "root").resolve(relative(world));
        assertThat(Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "mounts")))
            .as("the server's data dir is its own tmpfs")
            .anySatisfy(
                m -> assertThat(m).startsWith("tmpfs " + world.dataDir.toAbsolutePath() + " "));

        long a = E2eWorld.runId(world.post(port, delivery(7001)));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(first));
        long b = E2eWorld.runId(world.post(port, delivery(7002)));

        Path fill = disk.resolve("fill");
        fillUp(fill);
        Files.writeString(release, "go");

        // Full: readiness says so, deliveries are refused to be sent again, never a 500.
        Map<Integer, Integer> answers = new TreeMap<>();
        List<Long> accepted = new ArrayList<>(List.of(a, b));
        JsonNode notReady =
            await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> readyz(world, port), r -> r.path("problems").has("storage"));
        assertThat(notReady.get("status").asText()).isEqualTo("not ready");
        assertThat(notReady.get("problems").get("storage").asText())
            .contains("is full")
            .contains("poller");
        String refusedIssue = null;
        for (int issue = 7100; issue < 7400 && refusedIssue == null; issue++) {
          HttpResponse<String> answer = world.post(port, bulky(issue));
          answers.merge(answer.statusCode(), 1, Integer::sum);
          if (answer.statusCode() == 202) {
            accepted.add(E2eWorld.runId(answer));
          } else {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).isPresent();
            refusedIssue = Integer.toString(issue);
          }
        }
        System.out.println("DiskFullIT: answers while the disk was full " + answers);
        assertThat(refusedIssue).as("a delivery was refused while the disk was full").isNotNull();
        // Sentry still lists the issue whose delivery was refused; the poller covers the gap.
        JsonNode refused =
            E2eWorld.JSON
                .readTree(bulky(Integer.parseInt(refusedIssue)).body())
                .get("data")
                .get("issue");
        ((com.fasterxml.jackson.databind.node.ObjectNode) refused)
            .put("firstSeen", java.time.Instant.now().toString());
        world.sentry.issues = "[" + refused + "]";
        Thread.sleep(3_000); // the runs meet the full disk
        for (long run : List.of(a, b)) {
          assertThat(world.get(port, "/api/runs/" + run).get("status").asText())
              .as("run %d while the disk is full", run)
              .isNotEqualTo("failed");
        }

        Files.delete(fill);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> readyz(world, port).get("status").asText().equals("ready"));
        accepted.add(E2eWorld.runId(world.post(port, delivery(7500))));
        for (long run : accepted) {
          JsonNode ended = world.awaitEnded(port, run, Duration.ofSeconds(240));
          assertThat(ended.get("status").asText()).as(ended.toString()).isEqualTo("pr_opened");
        }
        String lost = refusedIssue;
        JsonNode polled =
            await()
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> runOf(world, port, lost), r -> r != null);
        assertThat(polled.get("issueId").asText()).isEqualTo(lost);
        assertThat(answers).doesNotContainKey(500);
        assertThat(server.isAlive()).isTrue();
      } finally {
        server.destroy();
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
          server.destroyForcibly();
          server.waitFor(30, TimeUnit.SECONDS);
        }
      }
      assertThat(Files.readAllLines(log))
          .as("a full disk is expected, not a defect")
          .noneMatch(l -> l.contains(" ERROR ") || l.contains("defect"));
    }
  }

  /**
   * The server jar with {@code env} only, in a user and mount namespace of its own where {@code
   * dataDir} is a fresh 256 MiB tmpfs. {@code unshare} and {@code sh} exec, so the pid is the
   * JVM's.
   */
  private static Process startOnTmpfs(Path jar, Map<String, String> env, Path dataDir, Path log)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                "unshare",
                "-rm",
                "sh",
                "-c",
                "mount -t tmpfs -o size=256m,mode=0755 tmpfs \"$AUTOFIX_DATA_DIR\""
                    + " && exec \"$0\" -Xmx256m -jar \"$1\"",
                java,
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.environment().put("AUTOFIX_DATA_DIR", dataDir.toString());
    return builder.start();
  }

  private static Path relative(E2eWorld world) {
    Path absolute = world.dataDir.toAbsolutePath();
    return absolute.getRoot().relativize(absolute);
  }

  /** Writes zeros to {@code file} until the file system has no byte left. */
  private static void fillUp(Path file) throws IOException {
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left on device");
    }
    byte[] one = new byte[1];
    try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
      for (int i = 0; i < (1 << 20); i++) {
        out.write(one);
        out.flush();
      }
    } catch (IOException full) {
      // the last partial block is taken too
    }
  }

  /**
   * A delivery whose title is 64 KiB of text that does not compress: its row needs pages of its
   * own, as a busy table's rows do once the free space in its pages is used up.
   */
  private static E2eWorld.Delivery bulky(int issue) throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode body =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            E2eWorld.JSON.readTree(delivery(issue).body());
    java.util.Random random = new java.util.Random(issue);
    StringBuilder title = new StringBuilder("OutOfSpace: ");
    while (title.length() < 64 << 10) {
      title.append(Long.toString(random.nextLong(), 36));
    }
    ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("data").get("issue"))
        .put("title", title.toString());
    return new E2eWorld.Delivery("issue", E2eWorld.JSON.writeValueAsString(body));
  }

  private static E2eWorld.Delivery delivery(int issue) {
    return E2eWorld.issueCreated(Integer.toString(issue), "SHOP-" + issue);
  }

  private static JsonNode readyz(E2eWorld world, int port) throws Exception {
    HttpResponse<String> response =
        world.http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return E2eWorld.JSON.readTree(response.body());
  }

  /** The run of Sentry issue {@code issueId}, or null while there is none. */
  private static JsonNode runOf(E2eWorld world, int port, String issueId) throws Exception {
    for (JsonNode run : world.get(port, "/api/runs").path("runs")) {
      if (run.path("issueId").asText().equals(issueId)) {
        return run;
      }
    }
    return null;
  }
}
