package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code AUTOFIX_PUBLISH=branch} end to end, against the server jar: a signed delivery becomes a
 * verified fix pushed to its branch of the bare origin, the run ends {@code branch_pushed} with the
 * branch recorded, GitHub's API is never called (no token is configured at all), and the comment on
 * Sentry says where the branch is.
 */
class BranchModeIT {
  @TempDir Path root;

  @Test
  void aVerifiedFix_isPushedToItsBranch_withNoPullRequestAndNoApiCall() throws Exception {
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar, built in the package phase").exists();
    try (E2eWorld world = new E2eWorld(root)) {
      int port = CrashRecoveryIT.freePort();
      Map<String, String> env = world.environment(port);
      env.put("AUTOFIX_PUBLISH", "branch");
      env.remove("AUTOFIX_GITHUB_TOKEN");
      Path log = root.resolve("server.log");
      Process server = CrashRecoveryIT.start(jar, env, log);
      try {
        CrashRecoveryIT.awaitReady(world, port, server, log);
        long runId = E2eWorld.runId(world.post(port, E2eWorld.issueCreated("8301", "SHOP-83")));
        JsonNode run = world.awaitEnded(port, runId, Duration.ofSeconds(90));

        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("branch_pushed");
        assertThat(run.get("branch").asText()).isEqualTo("autofix/shop-83");
        assertThat(run.get("prUrl").isNull()).isTrue();
        assertThat(run.get("compareUrl").isNull())
            .as("a local origin has no compare page")
            .isTrue();
        assertThat(run.get("reason").asText())
            .contains("branch autofix/shop-83 pushed to " + world.remote)
            .contains("no pull request");
        assertThat(world.remoteFile("autofix/shop-83", "answer.txt")).isEqualTo("4\n");
        assertThat(world.github.all()).as("requests to GitHub's API").isEmpty();
        assertThat(world.sentry.comments)
            .anySatisfy(c -> assertThat(c).contains("autofix/shop-83").contains("branch mode"));
        assertThat(Files.readString(log)).contains("pushing branches only to " + world.remote);
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
