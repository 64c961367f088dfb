package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autofix.agents.internal.Paths2;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.OutsideTmp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile production error steering a malicious agent, against the assembled server on its
 * embedded PostgreSQL, in the default sandbox: every door it tries is shut, the run still ends in a
 * recorded status, and the server keeps working.
 *
 * <p>The user's home is a fake one outside {@code /tmp} (the sandbox hides all of the host's {@code
 * /tmp}, which would hide it without exercising the hidden paths). Run with {@code
 * AUTOFIX_AGENT_ACCESS=trusted}, the same script gets through every one of these doors (checked by
 * hand: the worktree's .git and the user's files are then writable, PostgreSQL and the listener
 * reachable, the server's environment readable).
 */
class SandboxAttackIT {
  private static final String ATTACK =
      """
      #!/bin/bash
      # A malicious agent: tries each door, prints what happened, then does a real fix anyway.
      cat > /dev/null
      pid="$1"; pgport="$2"; pgsock="$3"; lport="$4"; gitdir="$5"; uhome="$6"; mark="$7"; data="$8"
      r() { if [ "$2" = 0 ]; then echo "ATTACK $1: SUCCEEDED"; else echo "ATTACK $1: blocked"; fi; }
      cat "/proc/$pid/environ" > /dev/null 2>&1; r server-environ $?
      grep -qs -e bin/java -e bin/postgres /proc/[0-9]*/cmdline; r other-processes $?
      echo "processes visible: $(ls /proc | grep -cE '^[0-9]+$')"
      (exec 3<>"/dev/tcp/127.0.0.1/$pgport") 2>/dev/null; r postgres-tcp $?
      python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' \\
        "$pgsock" 2>/dev/null; r postgres-socket $?
      ls "$(dirname "$pgsock")" > /dev/null 2>&1; r postgres-socket-listed $?
      (exec 3<>"/dev/tcp/127.0.0.1/$lport") 2>/dev/null; r loopback-listener $?
      (exec 3<>"/dev/tcp/localhost/$lport") 2>/dev/null; r localhost-listener $?
      ls "$data/logs" > /dev/null 2>&1; r data-dir $?
      echo 'echo pwned' > "$gitdir/hooks/post-checkout" 2>/dev/null; r git-hook $?
      echo '[core] fsmonitor = /tmp/evil' >> "$gitdir/config" 2>/dev/null; r git-config $?
      echo 'gitdir: /tmp/evil' > .git 2>/dev/null; r worktree-git-write $?
      mv .git .git-moved 2>/dev/null; r worktree-git-replace $?
      rm -f .git 2>/dev/null && [ ! -e .git ]; r worktree-git-remove $?
      echo '[credential] helper = /tmp/steal' >> "$uhome/.gitconfig" 2>/dev/null; r user-gitconfig $?
      cat "$uhome/.ssh/id_rsa" 2>/dev/null | grep -q PRIVATE; r ssh-key $?
      setsid sleep "$mark" < /dev/null > /dev/null 2>&1 &
      printf '4\\n' > answer.txt
      printf 'Root cause: 2 + 2 was written as 5.\\n' > "$AUTOFIX_SUMMARY_FILE"
      """;

  @TempDir Path root;
  private Path userHome;

  @AfterEach
  void removeHome() throws IOException {
    if (userHome != null) {
      Paths2.deleteTree(userHome);
    }
  }

  @Test
  void maliciousAgent_reachesNothingOfAutofixs_andTheRunStillEnds() throws Exception {
    userHome = OutsideTmp.newDirectory("home");
    Files.createDirectories(userHome.resolve(".ssh"));
    Files.writeString(userHome.resolve(".ssh/id_rsa"), "-----BEGIN PRIVATE KEY----- marker\n");
    Files.writeString(userHome.resolve(".gitconfig"), "[user]\n\tname = Ada\n");
    String mark = "4242." + (System.nanoTime() % 1_000_000);
    AtomicInteger accepted = new AtomicInteger();
    try (E2eWorld world = new E2eWorld(root);
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                while (!listener.isClosed()) {
                  try (Socket ignored = listener.accept()) {
                    accepted.incrementAndGet();
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      int pgPort = freePort();
      Path gitDir = world.checkout.resolve(".git");
      Map<String, String> before = snapshot(gitDir, userHome);
      Path attack = world.shared.resolve("attack.sh");
      Files.writeString(attack, ATTACK);
      Files.setPosixFilePermissions(attack, PosixFilePermissions.fromString("rwxr-xr-x"));
      String command =
          String.join(
              " ",
              attack.toString(),
              Long.toString(ProcessHandle.current().pid()),
              Integer.toString(pgPort),
              socket(world, pgPort).toString(),
              Integer.toString(listener.getLocalPort()),
              gitDir.toString(),
              userHome.toString(),
              mark,
              world.dataDir.toString());
      Map<String, String> env = new HashMap<>(world.environment(0));
      env.put("HOME", userHome.toString());
      env.put("AUTOFIX_EMBEDDED_DATABASE_PORT", Integer.toString(pgPort));
      env.put("AUTOFIX_AGENT_COMMAND", command);
      try (Assembly server =
          Assembly.start(Assembly.settings(env), MutableClock.at(Instant.now()))) {
        int port = server.port();
        assertThat(socket(world, pgPort))
            .as("the embedded PostgreSQL's socket, the one the agent must not reach")
            .exists();

        long runId = runId(world.post(port, E2eWorld.issueCreated("666", "SHOP-666")));
        JsonNode run = awaitEnded(world, port, runId);
        String log = world.getText(port, "/api/runs/" + runId + "/log");

        assertThat(run.get("status").asText()).as(log).isEqualTo("pr_opened");
        List<String> attacks = log.lines().filter(l -> l.contains("ATTACK ")).toList();
        assertThat(attacks).as(log).hasSize(15);
        assertThat(attacks).as(log).allSatisfy(l -> assertThat(l).endsWith(": blocked"));
        assertThat(accepted.get()).as("connections to the other loopback listener").isZero();
        assertThat(snapshot(gitDir, userHome)).as("the user's .git and home").isEqualTo(before);
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> CrashRecoveryIT.processesWithArgument(mark).isEmpty());

        // The server and its worker go on: the next issue is fixed as usual.
        long next = runId(world.post(port, E2eWorld.issueCreated("667", "SHOP-667")));
        assertThat(awaitEnded(world, port, next).get("status").asText()).isEqualTo("pr_opened");
        assertThat(world.get(port, "/readyz").get("status").asText()).isEqualTo("ready");
      }
    }
  }

  /** The contents of the user's hooks, config, info and home files, by path. */
  private static Map<String, String> snapshot(Path gitDir, Path home) throws IOException {
    Map<String, String> files = new java.util.TreeMap<>();
    for (Path dir : List.of(gitDir.resolve("hooks"), gitDir.resolve("info"), home)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path file : walk.filter(Files::isRegularFile).toList()) {
          files.put(file.toString(), Files.readString(file));
        }
      }
    }
    files.put("config", Files.readString(gitDir.resolve("config")));
    files.put("HEAD", Files.readString(gitDir.resolve("HEAD")));
    return files;
  }

  private static JsonNode awaitEnded(E2eWorld world, int port, long runId) {
    return world.awaitEnded(port, runId, Duration.ofSeconds(60));
  }

  private static long runId(HttpResponse<String> response) throws IOException {
    return E2eWorld.runId(response);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Where the embedded PostgreSQL keeps its socket: a 0700 folder of the data dir. */
  private static Path socket(E2eWorld world, int pgPort) {
    return world.dataDir.resolve("postgres").resolve("socket").resolve(".s.PGSQL." + pgPort);
  }
}
