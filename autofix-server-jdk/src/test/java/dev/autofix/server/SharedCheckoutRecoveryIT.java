package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autofix.store.jooq.internal.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two autofix processes on one database and one checkout, each with its own data directory: the one
 * running an agent is killed with SIGKILL, and the survivor recovers its run. The dead process's
 * worktree (its directory still on disk, its registration still in the checkout's git) must not
 * stop the survivor: the run ends with one pull request, and the dead process's registration for
 * that run is gone from the checkout while the user's own worktree stays.
 */
class SharedCheckoutRecoveryIT {
  @TempDir Path root;

  @Test
  void survivor_recoversTheRunOfAKilledProcess_onTheSameCheckout() throws Exception {
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar, built in the package phase").exists();
    EmbeddedPostgresServer postgres =
        EmbeddedPostgresServer.start(Files.createDirectories(root.resolve("pg")), 0, true);
    try (E2eWorld world = new E2eWorld(root)) {
      // A worktree of the user's own, which autofix must leave alone.
      Path mine = root.resolve("my-worktree");
      E2eWorld.git(world.checkout, "worktree", "add", "-q", "-b", "my-work", mine.toString());
      Path marker = world.shared.resolve("first-attempt");
      String sleep = "300." + (System.nanoTime() % 1_000_000);
      world.writeAgent(
          "if [ ! -f '" + marker + "' ]; then touch '" + marker + "'; sleep " + sleep + "; fi");
      Path dataA = root.resolve("data-a");
      Path dataB = root.resolve("data-b");
      int portA = CrashRecoveryIT.freePort();
      int portB = CrashRecoveryIT.freePort();
      Process a =
          CrashRecoveryIT.start(jar, env(world, portA, dataA, postgres), root.resolve("a.log"));
      Process b = null;
      try {
        CrashRecoveryIT.awaitReady(world, portA, a, root.resolve("a.log"));
        long runId = E2eWorld.runId(world.post(portA, E2eWorld.issueCreated("9401", "SHOP-94")));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker));
        Path deadWorktree = dataA.resolve("worktrees").resolve("run-" + runId);
        assertThat(worktreeList(world)).contains(deadWorktree.toString());

        b = CrashRecoveryIT.start(jar, env(world, portB, dataB, postgres), root.resolve("b.log"));
        CrashRecoveryIT.awaitReady(world, portB, b, root.resolve("b.log"));
        a.destroyForcibly(); // SIGKILL: its worktree and registration stay behind
        a.waitFor(30, TimeUnit.SECONDS);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> CrashRecoveryIT.processesWithArgument(sleep).isEmpty());
        assertThat(deadWorktree).exists();

        JsonNode run = world.awaitEnded(portB, runId, Duration.ofSeconds(120));
        assertThat(run.get("status").asText())
            .as("%s\n%s", run, Files.readString(root.resolve("b.log")))
            .isEqualTo("pr_opened");
        assertThat(run.get("history").toString()).contains("abandoned by worker");
        assertThat(world.github.creates).hasSize(1);
        assertThat(world.remoteFile("autofix/shop-94", "answer.txt")).isEqualTo("4\n");
        String worktrees = worktreeList(world);
        assertThat(worktrees)
            .as("the dead process's registration of the run is cleared")
            .doesNotContain(deadWorktree.toString());
        assertThat(worktrees).as("the user's own worktree stays").contains(mine.toString());
        assertThat(Files.readString(root.resolve("b.log")))
            .contains("removing the worktree " + deadWorktree)
            .contains("left in the shared checkout");
        assertThat(mine.resolve("answer.txt")).exists();
      } finally {
        a.destroyForcibly();
        a.waitFor(30, TimeUnit.SECONDS);
        if (b != null) {
          b.destroy();
          if (!b.waitFor(60, TimeUnit.SECONDS)) {
            b.destroyForcibly();
            b.waitFor(30, TimeUnit.SECONDS);
          }
        }
      }
    } finally {
      postgres.close();
    }
  }

  private static Map<String, String> env(
      E2eWorld world, int port, Path dataDir, EmbeddedPostgresServer postgres) {
    Map<String, String> env = world.environment(port);
    env.put("AUTOFIX_DATA_DIR", dataDir.toString());
    env.put("AUTOFIX_DATABASE_URL", postgres.jdbcUrl("postgres"));
    env.put("AUTOFIX_DATABASE_USER", postgres.user());
    env.put("AUTOFIX_DATABASE_PASSWORD", postgres.password());
    env.put("AUTOFIX_LEASE", "3s");
    env.put("AUTOFIX_RECOVERY_INTERVAL", "1s");
    env.put("AUTOFIX_POLL_INTERVAL", "300ms");
    env.put("AUTOFIX_SHUTDOWN_GRACE", "1s");
    return env;
  }

  private static String worktreeList(E2eWorld world) throws Exception {
    return E2eWorld.git(world.checkout, "worktree", "list", "--porcelain");
  }
}
