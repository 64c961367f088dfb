package dev.autofix.support.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against the real git CLI, with real child processes. */
class GitRunnerIT {
  private static final String GERMAN = "de_DE.UTF-8";

  @TempDir Path tmp;

  private GitRunner runner(Duration timeout, int maxStdout, int maxStderr) throws IOException {
    Path temporary = Files.createDirectories(tmp.resolve("temporary"));
    return GitRunner.create(timeout, temporary, maxStdout, maxStderr);
  }

  private GitRunner runner() throws IOException {
    return runner(Duration.ofSeconds(30), 1 << 20, 1 << 20);
  }

  private static GitRunner.Exited exited(GitRunner.Result result) {
    assertThat(result).isInstanceOf(GitRunner.Exited.class);
    return (GitRunner.Exited) result;
  }

  /** What a child of git sees: its environment, printed by an alias. */
  private Map<String, String> childEnvironment(Map<String, String> environment) throws Exception {
    GitRunner.Exited env =
        exited(runner().run(tmp, environment, null, List.of("-c", "alias.env=!env", "env")));
    assertThat(env.ok()).as(env.stderr()).isTrue();
    Map<String, String> seen = new TreeMap<>();
    for (String line : env.stdoutText().split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        seen.put(line.substring(0, equals), line.substring(equals + 1));
      }
    }
    return seen;
  }

  @Test
  void run_givesEnglishErrors_whenTheCallerAsksForGerman() throws Exception {
    Path locales = germanLocale();
    Map<String, String> german =
        Map.of(
            "PATH",
            "/usr/bin:/bin",
            "LOCPATH",
            locales.toString(),
            "LANG",
            GERMAN,
            "LC_ALL",
            GERMAN,
            "LANGUAGE",
            "de");
    String control = rawGitStderr(german, "--git-dir=/nonexistent", "log");
    assumeTrue(
        control.contains("Kein Git-Repository"),
        "this git does not speak German here, so the test could not tell: " + control);

    GitRunner.Exited failed =
        exited(runner().run(tmp, german, null, List.of("--git-dir=/nonexistent", "log")));

    assertThat(failed.exitCode()).isNotZero();
    assertThat(failed.stderr()).contains("fatal: not a git repository");
  }

  @Test
  void run_setsTheCLocaleAndNoPrompts_overTheCallersEnvironment() throws Exception {
    Map<String, String> seen =
        childEnvironment(
            Map.of("PATH", "/usr/bin:/bin", "LC_ALL", GERMAN, "GIT_TERMINAL_PROMPT", "1"));

    assertThat(seen)
        .containsEntry("LC_ALL", "C")
        .containsEntry("GIT_TERMINAL_PROMPT", "0")
        .containsEntry("GCM_INTERACTIVE", "never");
  }

  @Test
  void run_passesNothingOfTheJvmsEnvironment_butWhatTheCallerGives() throws Exception {
    Map<String, String> seen = childEnvironment(Map.of("AUTOFIX_PROBE", "given"));

    Map<String, String> unexpected = new HashMap<>(seen);
    unexpected.keySet().removeIf(name -> name.startsWith("GIT_")); // git's own, for its children
    unexpected.keySet().removeAll(GitRunner.FIXED_ENVIRONMENT.keySet());
    // git puts its exec path on PATH; a shell may add PWD, SHLVL and _
    unexpected.keySet().removeAll(Set.of("PATH", "PWD", "OLDPWD", "SHLVL", "_"));
    assertThat(unexpected).containsExactly(Map.entry("AUTOFIX_PROBE", "given"));
    assertThat(System.getenv().keySet())
        .as("the JVM has variables this test could have seen leak")
        .isNotEmpty();
  }

  @Test
  void run_feedsStdin_andKeepsStdout() throws Exception {
    GitRunner.Exited hashed =
        exited(runner().run(tmp, Map.of(), "hello\n", List.of("hash-object", "--stdin")));

    assertThat(hashed.ok()).isTrue();
    assertThat(hashed.stdoutText()).isEqualTo("ce013625030ba8dba906f756967f9e9ca394464a\n");
    assertThat(hashed.truncated()).isFalse();
  }

  @Test
  void run_keepsTheHeadOfStdout_andSaysItWasTruncated_whenItIsOverTheCap() throws Exception {
    GitRunner.Exited version =
        exited(runner(Duration.ofSeconds(30), 5, 100).run(tmp, Map.of(), null, List.of("version")));

    assertThat(version.stdout()).isEqualTo("git v".getBytes(StandardCharsets.UTF_8));
    assertThat(version.truncated()).isTrue();
  }

  @Test
  void run_keepsTheTailOfStderr() throws Exception {
    String noisy =
        "alias.noisy=!i=0; while [ $i -lt 500 ]; do echo line$i >&2; i=$((i+1)); done; exit 3";

    GitRunner.Exited result =
        exited(
            runner(Duration.ofSeconds(30), 100, 20)
                .run(tmp, Map.of("PATH", "/usr/bin:/bin"), null, List.of("-c", noisy, "noisy")));

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr()).hasSizeLessThanOrEqualTo(20).endsWith("line498\nline499\n");
  }

  @Test
  void run_killsGitAndItsDescendants_whenItTimesOut() throws Exception {
    Path pid = tmp.resolve("pid");
    String hang = hang(pid);

    GitRunner.Result result =
        runner(Duration.ofSeconds(2), 100, 100)
            .run(tmp, Map.of("PATH", "/usr/bin:/bin"), null, List.of("-c", hang, "hang"));

    assertThat(result).isEqualTo(new GitRunner.TimedOut(Duration.ofSeconds(2)));
    assertThat(pid).exists();
    assertGone(Long.parseLong(Files.readString(pid).strip()));
  }

  @Test
  void run_stopsAndKillsGit_whenTheThreadIsInterrupted() throws Exception {
    Path pid = tmp.resolve("pid");
    String hang = hang(pid);
    GitRunner runner = runner(Duration.ofSeconds(30), 100, 100);
    Thread interrupter = interruptSoon(Thread.currentThread(), pid);

    GitRunner.Result result =
        runner.run(tmp, Map.of("PATH", "/usr/bin:/bin"), null, List.of("-c", hang, "hang"));

    boolean flagged = Thread.interrupted();
    interrupter.join();
    assertThat(result).isInstanceOf(GitRunner.Interrupted.class);
    assertThat(flagged).as("the interrupt flag is set again").isTrue();
    assertGone(Long.parseLong(Files.readString(pid).strip()));
  }

  @Test
  void run_returnsCannotRun_whenGitCannotStartThere() throws Exception {
    GitRunner.Result result =
        runner().run(tmp.resolve("missing"), Map.of(), null, List.of("version"));

    assertThat(result).isInstanceOf(GitRunner.CannotRun.class);
    assertThat(((GitRunner.CannotRun) result).message()).startsWith("cannot start git: ");
  }

  @Test
  void run_leavesNoTemporaryFile() throws Exception {
    GitRunner runner = runner(Duration.ofSeconds(1), 100, 100);
    runner.run(tmp, Map.of(), "x", List.of("hash-object", "--stdin"));
    runner.run(tmp, Map.of(), null, List.of("--git-dir=/nonexistent", "log"));
    runner.run(tmp, Map.of(), null, List.of("-c", "alias.hang=!sleep 300", "hang"));

    try (Stream<Path> left = Files.list(tmp.resolve("temporary"))) {
      assertThat(left).isEmpty();
    }
  }

  /** An alias whose shell writes its pid to {@code pid} (whole, or not at all), then sleeps. */
  private static String hang(Path pid) {
    return "alias.hang=!sh -c 'echo $$ > "
        + pid
        + ".new && mv "
        + pid
        + ".new "
        + pid
        + " && exec sleep 300'";
  }

  /** Interrupts {@code thread} once the hanging grandchild has written its pid. */
  private static Thread interruptSoon(Thread thread, Path pid) {
    return Thread.ofPlatform()
        .start(
            () -> {
              long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
              while (!Files.exists(pid) && System.nanoTime() < until) {
                Thread.onSpinWait();
              }
              thread.interrupt();
            });
  }

  /** Waits a few seconds for {@code pid} to end (a zombie counts as ended), failing otherwise. */
  private static void assertGone(long pid) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (running(pid) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(running(pid)).as("process %d still runs", pid).isFalse();
  }

  private static boolean running(long pid) {
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
      } catch (IOException gone) {
        return false;
      }
    }
    return false;
  }

  /**
   * A German locale compiled into the test's directory ({@code LOCPATH}), since machines often have
   * none installed; skips the test when {@code localedef} or git's German messages are missing.
   */
  private Path germanLocale() throws Exception {
    assumeTrue(
        Files.exists(Path.of("/usr/share/locale/de/LC_MESSAGES/git.mo")),
        "git's German messages are not installed");
    Path locales = Files.createDirectories(tmp.resolve("locales"));
    Process localedef;
    try {
      localedef =
          new ProcessBuilder(
                  "localedef", "-i", "de_DE", "-f", "UTF-8", locales.resolve(GERMAN).toString())
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("localedef.log").toFile())
              .start();
    } catch (IOException noLocaledef) {
      assumeTrue(false, "no localedef: " + noLocaledef.getMessage());
      throw noLocaledef;
    }
    assumeTrue(localedef.waitFor(60, TimeUnit.SECONDS), "localedef took too long");
    assumeTrue(
        Files.isDirectory(locales.resolve(GERMAN)),
        "localedef made no German locale: " + Files.readString(tmp.resolve("localedef.log")));
    return locales;
  }

  /** git's stderr run straight, without the runner: the control for the German test. */
  private String rawGitStderr(Map<String, String> environment, String... args) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(Stream.concat(Stream.of("git"), Stream.of(args)).toList())
            .directory(tmp.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process git = builder.start();
    String stderr = new String(git.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    git.waitFor(30, TimeUnit.SECONDS);
    return stderr;
  }
}
