package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance for {@code demo}: the server jar, with an environment of only {@code
 * PATH}, {@code HOME} and {@code JAVA_HOME}, runs {@code demo --exit} and exits 0; the bare origin
 * then has the branch, and the fix on it passes the sample's tests. {@code --keep} leaves the
 * folder so that this test can look; the demo's processes are gone once it exited.
 */
class DemoIT {
  @TempDir Path home;

  @Test
  void demoExit_fixesTheSample_pushesTheBranch_andExitsZero() throws Exception {
    String output = demo(System.getenv("PATH"));
    assertThat(output).contains("the agent runs sandboxed (bubblewrap)");
  }

  /**
   * Where the sandbox cannot start (here: no {@code bwrap} on {@code PATH}), the demo runs the
   * agent trusted and says so, and the loop still ends with the fix pushed.
   */
  @Test
  void withoutTheSandbox_theDemoRunsTheAgentTrusted_andSaysSo() throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin-without-bwrap"));
    for (String dir : System.getenv("PATH").split(":")) {
      Path d = Path.of(dir);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (var tools = Files.list(d)) {
        for (Path tool : tools.toList()) {
          Path link = bin.resolve(tool.getFileName().toString());
          if (!tool.getFileName().toString().equals("bwrap") && !Files.exists(link)) {
            Files.createSymbolicLink(link, tool);
          }
        }
      }
    }
    String output = demo(bin.toString());
    assertThat(output)
        .contains("the sandbox cannot start here")
        .contains("bwrap")
        .contains("the agent runs trusted");
  }

  /**
   * {@code --agent claude} with the real CLI on a machine where it is not logged in: the demo says
   * so, and how to log in, before it starts anything, and exits 1 at once (it used to wait for the
   * server's readiness for half a minute and print its JSON).
   */
  @Test
  void aRealAgentThatIsNotLoggedIn_isRefusedAtOnce_sayingHowToLogIn() throws Exception {
    boolean installed =
        java.util.Arrays.stream(System.getenv("PATH").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "claude")));
    if (!installed && "true".equalsIgnoreCase(System.getenv("AUTOFIX_REQUIRE_AGENT_CLIS"))) {
      throw new AssertionError("claude is not installed, and AUTOFIX_REQUIRE_AGENT_CLIS=true");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(installed, "claude is not installed");
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    String javaHome = System.getProperty("java.home");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(javaHome, "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "demo",
                "--exit",
                "--agent",
                "claude")
            .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    builder.environment().put("HOME", home.toString());
    builder.environment().put("JAVA_HOME", javaHome);
    Process demo = builder.start();
    try {
      String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
      assertThat(demo.exitValue()).as(output).isEqualTo(1);
      assertThat(output)
          .contains("the claude agent cannot run here")
          .contains("/login")
          .contains("demo --exit")
          .doesNotContain("autofix listens on");
    } finally {
      if (demo.isAlive()) {
        demo.destroyForcibly();
        demo.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private String demo(String path) throws Exception {
    Path jar = Path.of("target", "autofix-server.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar, built in the package phase").exists();
    String javaHome = System.getProperty("java.home");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(javaHome, "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "demo",
                "--exit",
                "--keep")
            .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", path);
    builder.environment().put("HOME", home.toString());
    builder.environment().put("JAVA_HOME", javaHome);
    long started = System.nanoTime();
    Process demo = builder.start();
    String output;
    try {
      output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(demo.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
    } finally {
      if (demo.isAlive()) {
        demo.destroyForcibly();
        demo.waitFor(30, TimeUnit.SECONDS);
      }
    }
    System.out.println(
        "DemoIT: demo --exit took "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
            + " ms\n"
            + output);
    assertThat(demo.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("the test on main: FAILED")
        .contains("Sentry issue SHOP-1")
        .contains("PriceTest: 3 checks passed")
        .contains("branch autofix/shop-1 is in the origin");
    Path kept =
        Path.of(
            output
                .lines()
                .filter(l -> l.startsWith("kept "))
                .findFirst()
                .orElseThrow()
                .substring(5));
    try {
      Path origin = kept.resolve("origin.git");
      assertThat(E2eWorld.git(origin, "show", "autofix/shop-1:Price.java"))
          .contains("return cents * (100 - percent) / 100;");
      assertThat(E2eWorld.git(origin, "show", "main:Price.java"))
          .as("main is as the user left it")
          .contains("return cents * percent / 100;");
      assertThat(CrashRecoveryIT.processesWithArgument(kept.resolve("data/postgres").toString()))
          .as("the demo's embedded PostgreSQL stopped with it")
          .isEmpty();
    } finally {
      try (var paths = Files.walk(kept)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    assertThat(List.of(kept)).noneMatch(Files::exists);
    return output;
  }
}
