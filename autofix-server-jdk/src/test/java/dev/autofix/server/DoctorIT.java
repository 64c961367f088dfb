package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autofix doctor} against the real things a configuration points at: a git checkout and its
 * bare origin, the sandbox, the test command in a worktree, and the test fakes of Sentry and
 * GitHub's APIs on 127.0.0.1. A good configuration is ok on every line; a bad one shows a fail
 * line, and its fix, for everything that is wrong.
 */
class DoctorIT {
  @TempDir Path root;

  record Result(int exit, String out) {
    List<String> lines(String status) {
      return out.lines().filter(l -> l.startsWith("  " + status + " ")).toList();
    }
  }

  private static Result doctor(Map<String, String> env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            List.of("doctor"),
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aGoodConfiguration_isOkOnEveryLine() throws Exception {
    try (E2eWorld world = new E2eWorld(root)) {
      Map<String, String> env = world.environment(CrashRecoveryIT.freePort());
      env.put("AUTOFIX_TEST_COMMAND", "test -f answer.txt");

      Result result = doctor(env);

      assertThat(result.exit()).as(result.out()).isZero();
      assertThat(result.lines("warn")).as(result.out()).isEmpty();
      assertThat(result.lines("fail")).as(result.out()).isEmpty();
      assertThat(result.out())
          .contains("13 checks: 13 ok, 0 warnings, 0 failed")
          .contains("sentry api")
          .contains("the token reads the issues of organization test-org")
          .contains("`test -f answer.txt` passes on main")
          .contains(world.remote + " takes a push (a local path; a dry run: nothing pushed)")
          .contains("the token may open pull requests in acme/shop")
          .contains("bubblewrap starts a process");
      assertThat(world.remoteBranches()).as("the dry run pushed nothing").containsExactly("main");
      assertThat(E2eWorld.git(world.checkout, "worktree", "list").lines())
          .as("the test command's worktree is gone")
          .hasSize(1);
      assertThat(world.dataDir).as("a running server's data dir is not touched").doesNotExist();
    }
  }

  @Test
  void aConfigurationThatDoesNotRead_showsEveryProblemAsAFailLine() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", root.toString());
    env.put("AUTOFIX_PORT", "eighty");
    env.put("AUTOFIX_REPO_PATH", root.resolve("no-such-checkout").toString());
    env.put("AUTOFIX_AGENT", "robot");
    env.put("AUTOFIX_MAX_FIXES_PER_DAY", "-3");

    Result result = doctor(env);

    assertThat(result.exit()).as(result.out()).isEqualTo(1);
    List<String> fails = result.lines("fail");
    assertThat(fails).as(result.out()).allMatch(l -> l.contains("config"));
    assertThat(String.join("\n", fails))
        .contains("AUTOFIX_PORT")
        .contains("AUTOFIX_AGENT")
        .contains("AUTOFIX_MAX_FIXES_PER_DAY")
        .contains("AUTOFIX_SENTRY_CLIENT_SECRET");
    assertThat(fails).hasSizeGreaterThanOrEqualTo(4);
    assertThat(result.out()).contains("fix: fix the setting it names");
  }

  @Test
  void aConfigurationThatPointsAtTheWrongThings_failsEachOfThem_withItsFix() throws Exception {
    try (E2eWorld world = new E2eWorld(root)) {
      Map<String, String> env = world.environment(CrashRecoveryIT.freePort());
      env.put("AUTOFIX_SENTRY_TOKEN", "sntrys_revoked");
      env.put("AUTOFIX_GITHUB_REPO", "acme/gone");
      env.put("AUTOFIX_GIT_PUSH_URL", root.resolve("no-such-origin.git").toString());
      env.put("AUTOFIX_AGENT_ACCESS", "trusted");
      env.remove("AUTOFIX_ADMIN_TOKEN");
      // the world's base branch has the failing test: AUTOFIX_TEST_COMMAND=sh test.sh fails there

      Result result = doctor(env);

      assertThat(result.exit()).as(result.out()).isEqualTo(1);
      String fails = String.join("\n", result.lines("fail"));
      assertThat(fails)
          .as(result.out())
          .contains("sentry api")
          .contains("Sentry answered 401")
          .contains("push")
          .contains("no-such-origin.git")
          .contains("pull requests")
          .contains("GitHub answered 404 for acme/gone")
          .contains("tests")
          .contains("`sh test.sh` fails on main (exit 1)")
          .contains("expected 4, got 5");
      String warnings = String.join("\n", result.lines("warn"));
      assertThat(warnings).contains("admin token").contains("AUTOFIX_AGENT_ACCESS=trusted");
      assertThat(result.out())
          .contains("fix: AUTOFIX_SENTRY_TOKEN is not a valid token")
          .contains("fix: check AUTOFIX_GITHUB_REPO")
          .contains("fix: no fix can be verified while the base branch fails")
          .contains("fix: set AUTOFIX_ADMIN_TOKEN")
          .doesNotContain("sntrys_revoked");
    }
  }

  @Test
  void theRealAgentClis_sayTheirVersion_andALoggedOutOneFailsItsLogin() throws Exception {
    for (String cli : List.of("claude", "codex")) {
      boolean installed =
          java.util.Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
              .anyMatch(d -> java.nio.file.Files.isExecutable(Path.of(d, cli)));
      if (!installed && "true".equalsIgnoreCase(System.getenv("AUTOFIX_REQUIRE_AGENT_CLIS"))) {
        throw new AssertionError(cli + " is not installed, and AUTOFIX_REQUIRE_AGENT_CLIS=true");
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(installed, cli + " is not installed");
      Path world = java.nio.file.Files.createDirectories(root.resolve(cli));
      try (E2eWorld e2e = new E2eWorld(world)) {
        Map<String, String> env = e2e.environment(CrashRecoveryIT.freePort());
        env.put("AUTOFIX_AGENT", cli);
        env.remove("AUTOFIX_AGENT_COMMAND");
        env.put("AUTOFIX_TEST_COMMAND", "test -f answer.txt");
        env.put(
            "HOME", java.nio.file.Files.createDirectories(world.resolve("empty-home")).toString());

        Result result = doctor(env);

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out())
            .as(result.out())
            .containsPattern("  ok    agent +" + cli + " .*[0-9]+\\.[0-9]+");
        assertThat(String.join("\n", result.lines("fail")))
            .as(result.out())
            .contains("agent login")
            .contains("not logged in");
        assertThat(result.lines("fail")).as(result.out()).hasSize(1);
      }
    }
  }

  @Test
  void stoppedWhileTheTestsRun_doctorLeavesNoWorktreeInTheCheckout() throws Exception {
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar, built in the package phase").exists();
    try (E2eWorld world = new E2eWorld(root)) {
      Map<String, String> env = world.environment(CrashRecoveryIT.freePort());
      env.put("AUTOFIX_TEST_COMMAND", "sleep 60");
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString(),
                  "doctor")
              .redirectErrorStream(true)
              .redirectOutput(root.resolve("doctor.log").toFile());
      builder.environment().clear();
      builder.environment().putAll(env);
      Process doctor = builder.start();
      try {
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(60))
            .until(() -> E2eWorld.git(world.checkout, "worktree", "list").lines().count() == 2);

        doctor.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM's shutdown hooks run
        assertThat(doctor.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        assertThat(E2eWorld.git(world.checkout, "worktree", "list").lines())
            .as("the test command's worktree went with doctor")
            .hasSize(1);
      } finally {
        doctor.descendants().forEach(ProcessHandle::destroyForcibly);
        doctor.destroyForcibly();
        doctor.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aMissingBaseBranch_failsTheRepository_andTheTestsAreNotRun() throws Exception {
    try (E2eWorld world = new E2eWorld(root)) {
      Map<String, String> env = world.environment(CrashRecoveryIT.freePort());
      env.put("AUTOFIX_BASE_BRANCH", "develop");

      Result result = doctor(env);

      assertThat(result.exit()).isEqualTo(1);
      assertThat(String.join("\n", result.lines("fail")))
          .as(result.out())
          .contains("has no branch develop")
          .contains("not run: there is no base branch");
      assertThat(result.out()).contains("fix: set AUTOFIX_BASE_BRANCH");
    }
  }
}
