package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunEvent;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.store.jooq.JooqRunStores;
import dev.autofix.store.jooq.PostgresRateLimiters;
import dev.autofix.store.jooq.StoreConfig;
import dev.autofix.store.jooq.StoreDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service manager's stop while an agent runs: the server jar in a child JVM gets SIGTERM mid-run.
 * It stops the agent after the grace period, queues the run again before it stops its embedded
 * database, and exits with status 0. The store, read after the process is gone, holds the run
 * {@code queued} with no lease and the day's permit spent. Started again (with a lease of ten
 * minutes, so nothing waits it out), the server takes the run at once, spends a new permit, and
 * opens exactly one pull request.
 */
class CleanStopIT {
  @TempDir Path root;

  @Test
  void sigtermMidRun_queuesTheRunAtOnce_andTheRestartOpensOnePullRequest() throws Exception {
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar, built in the package phase").exists();
    try (E2eWorld world = new E2eWorld(root)) {
      Path starts = world.shared.resolve("starts");
      Path marker = world.shared.resolve("first-attempt");
      // The first attempt hangs until it is stopped; the second one fixes the bug. The sleep has
      // an argument no other process has, to look for it from outside the sandbox.
      String sleep = "600." + (System.nanoTime() % 1_000_000);
      world.writeAgent(
          "echo start >> '"
              + starts
              + "'\nif [ ! -f '"
              + marker
              + "' ]; then touch '"
              + marker
              + "'; sleep "
              + sleep
              + "; fi");
      int port = CrashRecoveryIT.freePort();
      Map<String, String> env = world.environment(port);
      env.put("AUTOFIX_SHUTDOWN_GRACE", "1s");
      // Recovery would take a run abandoned by a dead worker only after ten minutes: a run the
      // restart takes at once was queued by the clean stop, not recovered.
      env.put("AUTOFIX_LEASE", "10m");
      env.put("AUTOFIX_POLL_INTERVAL", "300ms");
      Path log = root.resolve("server.log");

      Process first = CrashRecoveryIT.start(jar, env, log);
      long runId;
      long stoppedInMillis;
      try {
        CrashRecoveryIT.awaitReady(world, port, first, log);
        runId = E2eWorld.runId(world.post(port, E2eWorld.issueCreated("8101", "SHOP-81")));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker));
        assertThat(world.get(port, "/api/runs/" + runId).get("status").asText())
            .isEqualTo("running");
        long sent = System.nanoTime();
        first.destroy(); // SIGTERM, as systemd stops a service
        assertThat(first.waitFor(60, TimeUnit.SECONDS))
            .as("the server exits after a SIGTERM:\n%s", Files.readString(log))
            .isTrue();
        stoppedInMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertThat(first.exitValue()).as("a handled stop exits 0").isZero();
      } finally {
        if (first.isAlive()) {
          first.destroyForcibly();
          first.waitFor(30, TimeUnit.SECONDS);
        }
      }
      System.out.println("CleanStopIT: SIGTERM to exit took " + stoppedInMillis + " ms");
      // The agent's whole process tree was stopped with it.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> CrashRecoveryIT.processesWithArgument(sleep).isEmpty());
      assertThat(Files.readString(log))
          .doesNotContain("from running to failed")
          .doesNotContain("from running to queued failed")
          .contains("queued again: the worker is stopping");

      // What the stopped server left, read from its own data directory.
      try (StoreDatabase database = StoreDatabase.open(StoreConfig.embedded(world.dataDir))) {
        RunStore store = JooqRunStores.create(database);
        FixRun run = store.find(new RunId(runId)).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(run.leaseOwner()).isNull();
        assertThat(run.leaseUntil()).isNull();
        assertThat(run.notBefore()).as("runnable at once").isNull();
        assertThat(run.attempts()).as("a clean stop is not counted as an attempt").isZero();
        assertThat(store.history(run.id()))
            .extracting(RunEvent::reason)
            .anySatisfy(r -> assertThat(r).contains("the worker stopped before the run ended"));
        assertThat(
                PostgresRateLimiters.create(
                        database, StoreConfig.embedded(world.dataDir), Clock.systemUTC())
                    .usage()
                    .used())
            .as("the permit of the agent that started is not given back")
            .isEqualTo(1);
      }

      Process second = CrashRecoveryIT.start(jar, env, log);
      try {
        CrashRecoveryIT.awaitReady(world, port, second, log);
        JsonNode run = world.awaitEnded(port, runId, Duration.ofSeconds(90));
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("pr_opened");
        assertThat(run.get("attempts").asInt()).isEqualTo(1);
        assertThat(world.github.creates).as("pull request creations").hasSize(1);
        assertThat(world.github.all()).hasSize(1);
        assertThat(world.remoteFile("autofix/shop-81", "answer.txt")).isEqualTo("4\n");
        assertThat(lines(starts)).as("agent starts").isEqualTo(2);
      } finally {
        second.destroy();
        if (!second.waitFor(60, TimeUnit.SECONDS)) {
          second.destroyForcibly();
          second.waitFor(30, TimeUnit.SECONDS);
        }
      }
      assertThat(second.exitValue()).isZero();
      try (StoreDatabase database = StoreDatabase.open(StoreConfig.embedded(world.dataDir))) {
        assertThat(
                PostgresRateLimiters.create(
                        database, StoreConfig.embedded(world.dataDir), Clock.systemUTC())
                    .usage()
                    .used())
            .as("the run queued again took a permit of its own")
            .isEqualTo(2);
      }
    }
  }

  private static long lines(Path file) throws IOException {
    return Files.exists(file) ? List.copyOf(Files.readAllLines(file)).size() : 0;
  }
}
