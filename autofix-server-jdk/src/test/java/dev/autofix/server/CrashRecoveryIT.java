package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost to a crash: the server jar in a child JVM is killed with SIGKILL while its agent
 * runs, then started again on the same data directory. The abandoned run is recovered and ends with
 * exactly one draft pull request.
 */
class CrashRecoveryIT {
  @TempDir Path root;

  @Test
  void run_isRecoveredAndEndsWithOnePullRequest_afterTheServerIsKilledMidRun() throws Exception {
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar, built in the package phase").exists();
    try (E2eWorld world = new E2eWorld(root)) {
      Path marker = world.shared.resolve("first-attempt");
      // The first attempt hangs (until the server dies); the second one fixes the bug. Its sleep
      // has an argument no other process has, to look for it from outside its PID namespace.
      String sleep = "300." + (System.nanoTime() % 1_000_000);
      world.writeAgent(
          "if [ ! -f '" + marker + "' ]; then touch '" + marker + "'; sleep " + sleep + "; fi");
      int port = freePort();
      Map<String, String> env = world.environment(port);
      env.put("AUTOFIX_LEASE", "3s");
      env.put("AUTOFIX_RECOVERY_INTERVAL", "1s");
      env.put("AUTOFIX_POLL_INTERVAL", "500ms");
      Path log = root.resolve("server.log");

      Process first = start(jar, env, log);
      long runId;
      try {
        awaitReady(world, port, first, log);
        HttpResponse<String> accepted = world.post(port, E2eWorld.issueCreated("9001", "SHOP-99"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        runId = E2eWorld.JSON.readTree(accepted.body()).get("runId").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker));
        assertThat(world.get(port, "/api/runs/" + runId).get("status").asText())
            .isEqualTo("running");
      } finally {
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean stop
        first.waitFor(30, TimeUnit.SECONDS);
      }
      // The sandbox dies with the server that started it: no orphaned agent is left.
      await().atMost(Duration.ofSeconds(10)).until(() -> processesWithArgument(sleep).isEmpty());

      Process second = start(jar, env, log);
      try {
        awaitReady(world, port, second, log);
        JsonNode run =
            await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(
                    () -> world.get(port, "/api/runs/" + runId),
                    r -> r.get("status").asText().equals("pr_opened"));
        assertThat(run.get("attempts").asInt()).isEqualTo(2);
        assertThat(world.github.all()).hasSize(1);
        assertThat(world.get(port, "/api/runs").get("runs")).hasSize(1);
        assertThat(world.remoteFile("autofix/shop-99", "answer.txt")).isEqualTo("4\n");
        JsonNode history = run.get("history");
        assertThat(history.toString()).contains("abandoned by worker");
        assertThat(Files.readString(log))
            .as("the dead server's PostgreSQL was taken over")
            .contains("left by an earlier autofix process");
      } finally {
        second.destroy(); // SIGTERM: the clean stop also stops the embedded PostgreSQL
        if (!second.waitFor(60, TimeUnit.SECONDS)) {
          second.destroyForcibly();
        }
      }
    }
  }

  /** The server jar in a child JVM with {@code env} only, its output appended to {@code log}. */
  static Process start(Path jar, Map<String, String> env, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().clear();
    builder.environment().putAll(env);
    return builder.start();
  }

  static void awaitReady(E2eWorld world, int port, Process server, Path log) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              if (!server.isAlive()) {
                throw new AssertionError("the server died:\n" + Files.readString(log));
              }
              return world
                      .http
                      .send(
                          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                              .build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode()
                  == 200;
            });
  }

  /** Live processes with {@code argument} among their arguments. */
  static java.util.List<Long> processesWithArgument(String argument) {
    return ProcessHandle.allProcesses()
        .filter(
            h -> {
              try {
                String cmdline = Files.readString(Path.of("/proc", h.pid() + "", "cmdline"));
                return java.util.List.of(cmdline.split("\0")).contains(argument) && h.isAlive();
              } catch (IOException | RuntimeException e) {
                return false;
              }
            })
        .map(ProcessHandle::pid)
        .toList();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
