package dev.autofix.agents.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.agents.TestSupport;
import dev.autofix.agents.TestSupport.ListLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerIT {
  private final ProcessRunner runner = new ProcessRunner(1L << 20, 2_000, Duration.ofSeconds(2));
  private final ListLog log = new ListLog();
  @TempDir Path dir;

  private ProcessRunner.Spec agent(String mode, Duration timeout) {
    return new ProcessRunner.Spec(
        "agent",
        List.of("/bin/sh", TestSupport.fakeAgent().toString(), mode),
        dir,
        Map.of("PATH", System.getenv("PATH"), "MARKER", "visible"),
        "line one\nline two",
        timeout,
        null);
  }

  @Test
  void run_returnsExitZeroAndStreamsOutput_whenProcessExitsNormally() {
    List<String> seen = new CopyOnWriteArrayList<>();
    ProcessRunner.Result result =
        runner.run(agent("echo", Duration.ofSeconds(30)).withStdoutListener(seen::add), log);

    assertThat(result.outcome()).isEqualTo(new ProcessRunner.Exited(0));
    assertThat(result.succeeded()).isTrue();
    assertThat(seen).contains("line one", "line two");
    assertThat(result.stdoutTail()).contains("line one\nline two\n");
    assertThat(result.stderrTail()).isEqualTo("to stderr\n");
    assertThat(log.lines()).contains("agent | line one", "agent ! to stderr");
    assertThat(log.lines().getLast()).startsWith("agent: exited with 0");
  }

  @Test
  void run_returnsExitCodeAndStderrTail_whenProcessExits3() {
    ProcessRunner.Result result = runner.run(agent("exit3", Duration.ofSeconds(30)), log);

    assertThat(result.outcome()).isEqualTo(new ProcessRunner.Exited(3));
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stderrTail()).contains("boom: the model is unavailable");
  }

  @Test
  void run_passesOnlyTheGivenEnvironment() {
    ProcessRunner.Result result = runner.run(agent("env", Duration.ofSeconds(30)), log);

    assertThat(result.stdoutTail()).contains("MARKER=visible");
    assertThat(result.stdoutTail()).doesNotContain("JAVA_HOME=");
  }

  @Test
  void run_killsProcess_whenItHangsPastTheTimeout() {
    ProcessRunner.Result result = runner.run(agent("hang", Duration.ofMillis(700)), log);

    assertThat(result.outcome()).isInstanceOf(ProcessRunner.TimedOut.class);
    assertThat(result.outputTail()).contains("hanging");
    assertThat(result.killedPids()).isNotEmpty();
    assertThat(result.killedPids()).noneMatch(TestSupport::isRunning);
    assertThat(log.text()).contains("timed out after PT0.7S");
  }

  @Test
  void run_killsTheWholeTree_whenAChildHangsToo() {
    List<String> seen = new CopyOnWriteArrayList<>();
    ProcessRunner.Result result =
        runner.run(agent("spawn-hang", Duration.ofMillis(700)).withStdoutListener(seen::add), log);

    assertThat(result.outcome()).isInstanceOf(ProcessRunner.TimedOut.class);
    long child = childPid(seen);
    assertThat(result.killedPids()).contains(child);
    assertThat(TestSupport.isRunning(child)).isFalse();
  }

  @Test
  void run_killsLeftoverChildren_whenTheProcessExitsNormally() {
    List<String> seen = new CopyOnWriteArrayList<>();
    ProcessRunner.Result result =
        runner.run(agent("daemon", Duration.ofSeconds(30)).withStdoutListener(seen::add), log);

    assertThat(result.outcome()).isEqualTo(new ProcessRunner.Exited(0));
    long child = childPid(seen);
    assertThat(TestSupport.isRunning(child)).isFalse();
  }

  @Test
  void run_capsTheLoggedOutputButKeepsTheTail_whenOutputIsLarge() {
    ProcessRunner small = new ProcessRunner(10_000, 500, Duration.ofSeconds(2));
    ProcessRunner.Result result = small.run(agent("loud", Duration.ofSeconds(30)), log);

    assertThat(result.succeeded()).isTrue();
    assertThat(log.text().length()).isLessThan(12_000);
    assertThat(log.text()).contains("output beyond 10000 bytes is not logged");
    assertThat(result.stdoutTail()).contains("line 2999 ");
  }

  @Test
  void run_killsTheTree_whenTheCallingThreadIsInterrupted() throws InterruptedException {
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicReference<ProcessRunner.Result> result = new AtomicReference<>();
    Thread worker =
        Thread.ofPlatform()
            .start(
                () ->
                    result.set(
                        runner.run(
                            agent("spawn-hang", Duration.ofMinutes(5))
                                .withStdoutListener(seen::add),
                            log)));
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (seen.stream().noneMatch(l -> l.startsWith("child "))) {
      assertThat(System.nanoTime()).as("the agent printed its child's pid").isLessThan(until);
      Thread.sleep(10);
    }

    worker.interrupt();
    worker.join(Duration.ofSeconds(30));

    assertThat(result.get().outcome()).isInstanceOf(ProcessRunner.TimedOut.class);
    // SIGKILL is sent; the kernel may take a moment to take the child down on a busy machine.
    long child = childPid(seen);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !TestSupport.isRunning(child));
    assertThat(log.text()).contains("interrupted; killed process tree");
  }

  @Test
  void run_feedsAPromptLargerThanThePipeBuffer_withoutDeadlock() {
    String big = "x".repeat(300_000);
    ProcessRunner.Spec spec =
        new ProcessRunner.Spec(
            "agent",
            List.of("/bin/sh", "-c", "wc -c"),
            dir,
            Map.of("PATH", System.getenv("PATH")),
            big,
            Duration.ofSeconds(30),
            null);

    ProcessRunner.Result result = runner.run(spec, log);

    assertThat(result.succeeded()).isTrue();
    assertThat(result.stdoutTail().strip()).isEqualTo("300000");
  }

  @Test
  void run_doesNotHang_whenTheProcessNeverReadsALargeStdin() {
    ProcessRunner.Spec spec =
        new ProcessRunner.Spec(
            "agent",
            List.of("/bin/sh", "-c", "echo ignored"),
            dir,
            Map.of("PATH", System.getenv("PATH")),
            "y".repeat(300_000),
            Duration.ofSeconds(30),
            null);

    ProcessRunner.Result result = runner.run(spec, log);

    assertThat(result.outcome()).isEqualTo(new ProcessRunner.Exited(0));
  }

  @Test
  void run_returnsNotStarted_whenTheProgramDoesNotExist() {
    ProcessRunner.Result result =
        runner.run(
            new ProcessRunner.Spec(
                "x",
                List.of(dir.resolve("no-such-program").toString()),
                dir,
                Map.of(),
                null,
                Duration.ofSeconds(5),
                null),
            log);

    assertThat(result.outcome()).isInstanceOf(ProcessRunner.NotStarted.class);
  }

  private static long childPid(List<String> lines) {
    return lines.stream()
        .filter(l -> l.startsWith("child "))
        .map(l -> Long.parseLong(l.substring("child ".length()).trim()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void run_keepsAMegabyteOfAnEndlessLine_andTheProcessIsNotKilledBySigpipe() {
    // 300 MB on one line: read and dropped past the cap, so neither the heap nor the pipe fills.
    ProcessRunner.Spec spec =
        new ProcessRunner.Spec(
            "agent",
            List.of("/bin/sh", "-c", "head -c 300000000 /dev/zero | tr '\\0' x; echo; echo after"),
            Path.of("."),
            Map.of("PATH", "/usr/bin:/bin"),
            null,
            Duration.ofMinutes(1),
            null);
    List<Integer> lengths = new java.util.ArrayList<>();

    ProcessRunner.Result result =
        runner.run(spec.withStdoutListener(line -> lengths.add(line.length())), log);

    assertThat(result.outcome()).isEqualTo(new ProcessRunner.Exited(0));
    assertThat(lengths).containsExactly(ProcessRunner.MAX_LINE, 5);
    assertThat(log.text())
        .contains("this line went on for " + (300_000_000 - ProcessRunner.MAX_LINE) + " more")
        .contains("agent | after");
  }
}
