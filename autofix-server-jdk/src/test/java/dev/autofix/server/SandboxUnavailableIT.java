package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autofix.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without bubblewrap the sandboxed default cannot start an agent: the server still takes every
 * delivery, claims none of them, and says in {@code /readyz} what to do. Never a silent fallback to
 * running the agent unsandboxed.
 */
class SandboxUnavailableIT {
  @TempDir Path root;

  @Test
  void noBubblewrap_keepsRunsQueued_andReadyzNamesTheFix() throws Exception {
    try (E2eWorld world = new E2eWorld(root)) {
      // A PATH with git and a shell, but no bwrap.
      Path bin = Files.createDirectories(root.resolve("bin"));
      for (String tool : new String[] {"git", "sh"}) {
        Files.createSymbolicLink(bin.resolve(tool), Path.of(which(tool)));
      }
      Map<String, String> env = new HashMap<>(world.environment(0));
      env.put("PATH", bin.toString());
      try (Assembly server =
          Assembly.start(Assembly.settings(env), MutableClock.at(Instant.now()))) {
        int port = server.port();
        long runId = accepted(world, port, "31");
        HttpResponse<String> ready = readyz(port);
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode body = E2eWorld.JSON.readTree(ready.body());
        assertThat(body.at("/checks/agents").asText()).isEqualTo("failing");
        assertThat(body.at("/checks/database").asText()).isEqualTo("ok");
        assertThat(body.at("/problems/agents").asText())
            .contains("bubblewrap")
            .contains("apt-get install bubblewrap socat")
            .contains("AUTOFIX_AGENT_ACCESS=trusted");

        // Several poll intervals (200 ms) later the run has not been touched, let alone failed.
        Thread.sleep(1_500);
        JsonNode run = world.get(port, "/api/runs/" + runId);
        assertThat(run.get("status").asText()).isEqualTo("queued");
        assertThat(run.get("attempts").asInt()).isZero();
        assertThat(Files.exists(world.shared.resolve("agent-starts.log"))).isFalse();
      }
    }
  }

  @Test
  void claudeNotLoggedIn_keepsRunsQueuedUnbilled_andReadyzSaysHowToLogIn() throws Exception {
    try (E2eWorld world = new E2eWorld(root)) {
      Path home = Files.createDirectories(root.resolve("empty-home"));
      Map<String, String> env = new HashMap<>(world.environment(0));
      env.keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.startsWith("CLAUDE_CODE_"));
      env.put("HOME", home.toString());
      env.put("AUTOFIX_AGENT", "claude");
      env.put("AUTOFIX_CLAUDE_BIN", which("true")); // never started: the login is missing
      env.put("AUTOFIX_AGENT_ACCESS", "trusted");
      try (Assembly server =
          Assembly.start(Assembly.settings(env), MutableClock.at(Instant.now()))) {
        int port = server.port();
        long runId = accepted(world, port, "32");
        HttpResponse<String> ready = readyz(port);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(E2eWorld.JSON.readTree(ready.body()).at("/problems/agents").asText())
            .contains("claude is not logged in")
            .contains(home.resolve(".claude/.credentials.json").toString());

        Thread.sleep(1_500);
        JsonNode run = world.get(port, "/api/runs/" + runId);
        assertThat(run.get("status").asText()).isEqualTo("queued");
        assertThat(run.get("attempts").asInt()).as("never claimed: no permit taken").isZero();
      }
    }
  }

  private static long accepted(E2eWorld world, int port, String id) throws Exception {
    HttpResponse<String> accepted = world.post(port, E2eWorld.issueCreated(id, "SHOP-" + id));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    return E2eWorld.JSON.readTree(accepted.body()).get("runId").asLong();
  }

  private static HttpResponse<String> readyz(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String which(String tool) {
    for (String dir : System.getenv("PATH").split(":")) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(tool + " is not on PATH");
  }
}
