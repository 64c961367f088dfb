package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autofix trigger} end to end, against the server jar and the fake Sentry: with no server
 * running it records the run in the (embedded) database and the server takes it when it starts;
 * with the server running it goes through {@code POST /api/issues}. Either way an issue gets one
 * run, ever, and the run opens its pull request.
 */
class TriggerIT {
  private static final Path JAR = Path.of("target", "autofix-server.jar").toAbsolutePath();

  @TempDir Path root;

  @Test
  void withNoServerRunning_theRunIsRecordedInTheDatabase_andTakenWhenTheServerStarts()
      throws Exception {
    assertThat(JAR).as("the runnable jar, built in the package phase").exists();
    try (E2eWorld world = new E2eWorld(root)) {
      world.sentry.existing.put("7101", "SHOP-71");
      int port = CrashRecoveryIT.freePort();
      Map<String, String> env = world.environment(port);

      Result first = trigger(env, "SHOP-71");
      assertThat(first.exit()).as(first.output()).isZero();
      assertThat(first.output())
          .contains("no server answers at http://127.0.0.1:" + port + "/")
          .contains("SHOP-71 \"This is an example Python exception\" recorded as run 1")
          .contains("the server takes it when it starts")
          .contains("http://127.0.0.1:" + port + "/api/runs/1");
      assertThat(world.sentry.requests)
          .contains("GET /api/0/organizations/test-org/shortids/SHOP-71/");

      Result again = trigger(env, "https://test-org.sentry.io/issues/7101/?project=2");
      assertThat(again.exit()).as(again.output()).isZero();
      assertThat(again.output()).contains("already has run 1");

      Result unknown = trigger(env, "7999");
      assertThat(unknown.exit()).isEqualTo(1);
      assertThat(unknown.output()).contains("not_found").contains("7999");
      Result nonsense = trigger(env, "not an issue");
      assertThat(nonsense.exit()).isEqualTo(1);
      assertThat(nonsense.output()).contains("malformed").contains("short id");

      Path log = root.resolve("server.log");
      Process server = CrashRecoveryIT.start(JAR, env, log);
      try {
        CrashRecoveryIT.awaitReady(world, port, server, log);
        JsonNode run = world.awaitEnded(port, 1, Duration.ofSeconds(90));
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("pr_opened");
        assertThat(run.get("issueId").asText()).isEqualTo("7101");
        assertThat(world.agentStarts()).isEqualTo(1);
        assertThat(world.github.all()).hasSize(1);
      } finally {
        stop(server);
      }
    }
  }

  @Test
  void withTheServerRunning_theTriggerGoesThroughItsApi_withTheAdminToken() throws Exception {
    assertThat(JAR).as("the runnable jar, built in the package phase").exists();
    try (E2eWorld world = new E2eWorld(root)) {
      world.sentry.existing.put("7201", "SHOP-72");
      int port = CrashRecoveryIT.freePort();
      Map<String, String> env = world.environment(port);
      Path log = root.resolve("server.log");
      Process server = CrashRecoveryIT.start(JAR, env, log);
      try {
        CrashRecoveryIT.awaitReady(world, port, server, log);

        Map<String, String> noToken = new java.util.HashMap<>(env);
        noToken.remove("AUTOFIX_ADMIN_TOKEN");
        Result refused = trigger(noToken, "7201");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.output()).contains("AUTOFIX_ADMIN_TOKEN").contains("not set here");

        // Pointed at the wrong port, it finds the server's database in use and leaves it alone
        // (opening it would have stopped it as an orphan).
        Map<String, String> wrongPort = new java.util.HashMap<>(env);
        wrongPort.put("AUTOFIX_PORT", Integer.toString(CrashRecoveryIT.freePort()));
        Result misdirected = trigger(wrongPort, "7201");
        assertThat(misdirected.exit()).as(misdirected.output()).isEqualTo(1);
        assertThat(misdirected.output())
            .contains("an autofix server seems to run on this data dir")
            .contains("AUTOFIX_PORT");
        CrashRecoveryIT.awaitReady(world, port, server, log);

        Result first = trigger(env, "https://test-org.sentry.io/issues/7201/");
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output())
            .doesNotContain("no server answers")
            .contains("SHOP-72 \"This is an example Python exception\" recorded as run 1")
            .contains("by the server at http://127.0.0.1:" + port + "/");
        JsonNode run = world.awaitEnded(port, 1, Duration.ofSeconds(90));
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("pr_opened");

        Result again = trigger(env, "shop-72");
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("already has run 1");
        Result unknown = trigger(env, "7999");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.output()).contains("not_found");
        assertThat(world.agentStarts()).as("one agent per issue, ever").isEqualTo(1);
      } finally {
        stop(server);
      }
    }
  }

  record Result(int exit, String output) {}

  private Result trigger(Map<String, String> env, String reference)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(JAR.toString());
    command.add("trigger");
    command.add(reference);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("trigger ended: " + output).isTrue();
      return new Result(process.exitValue(), output);
    } finally {
      stop(process);
    }
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
