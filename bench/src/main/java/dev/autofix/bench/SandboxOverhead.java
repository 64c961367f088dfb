package dev.autofix.bench;

import dev.autofix.agents.AgentAccess;
import dev.autofix.agents.Agents;
import dev.autofix.agents.AgentsConfig;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.Workspaces;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the agent sandbox costs: the wall time of starting a trivial command ({@code true}) and of a
 * small test suite, through the verifier autofix really uses, in a real worktree, sandboxed
 * (bubblewrap) and trusted (a plain process). Runs on its own with {@code java -cp
 * bench/target/autofix-bench.jar dev.autofix.bench.SandboxOverhead [starts] [suite-runs]}, and as
 * the last step of the full benchmark.
 */
final class SandboxOverhead {
  private static final String SUITE =
      """
      import unittest

      def add(a, b):
          return a + b

      class AddTest(unittest.TestCase):
      %s
      """;

  /** One measured command in one mode. */
  record Row(String command, String access, int runs, Duration p50, Duration p90, Duration mean) {}

  private SandboxOverhead() {}

  public static void main(String[] args) throws Exception {
    int starts = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int suites = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path work = Files.createTempDirectory("autofix-sandbox-bench");
    try {
      print(measure(work, starts, suites), System.out);
    } finally {
      Bench.deleteTree(work);
    }
  }

  /** {@code starts} runs of {@code true} and {@code suites} of the suite, in each mode. */
  static List<Row> measure(Path work, int starts, int suites) throws IOException {
    Path repo = repository(work.resolve("repo"));
    List<Row> rows = new ArrayList<>();
    Map<String, String> env = System.getenv();
    for (String command : List.of("true", "python3 -m unittest -q test_add")) {
      for (AgentAccess access : List.of(AgentAccess.sandboxed(), AgentAccess.trusted())) {
        AgentsConfig config =
            withTest(AgentsConfig.of(repo, work.resolve("data")), command).withAccess(access);
        rows.add(time(config, env, command.equals("true") ? starts : suites));
      }
    }
    Path started = Files.createDirectories(work.resolve("agent")).resolve("started");
    for (AgentAccess access : List.of(AgentAccess.sandboxed(), AgentAccess.trusted())) {
      rows.add(agentStart(repo, work, started, access, env, suites));
    }
    return rows;
  }

  /**
   * From the agent runner's call to the command agent's first instruction (bash's {@code
   * $EPOCHREALTIME}): the prompt, the sandbox's setup and bubblewrap's start, as in a run.
   */
  private static Row agentStart(
      Path repo, Path work, Path started, AgentAccess access, Map<String, String> env, int runs)
      throws IOException {
    String script = "bash -c 'echo $EPOCHREALTIME > " + started + "; cat > /dev/null'";
    AgentsConfig config =
        AgentsConfig.of(repo, work.resolve("data")).toBuilder()
            .agent(AgentsConfig.Agent.COMMAND, script)
            .build()
            .withAccess(
                access.isSandboxed()
                    ? new AgentAccess(
                        access.mode(),
                        List.of(started.getParent().toString()),
                        List.of(),
                        access.hidden(),
                        List.of(),
                        List.of(),
                        null)
                    : access);
    Workspaces workspaces = Agents.workspaces(config, env);
    AgentRunner agent = Agents.runner(config, env);
    RunLogs.RunLog log = line -> {};
    Issue issue = issue();
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(2), issue, Instant.now()), log);
    try {
      long[] nanos = new long[runs + 1];
      for (int i = 0; i <= runs; i++) { // the first is a warm-up
        Files.deleteIfExists(started);
        java.time.Instant t0 = java.time.Instant.now();
        agent.run(
            new AgentRunner.AgentTask(
                FixRun.queued(new RunId(2), issue, t0),
                issue,
                dev.autofix.core.model.ErrorDetails.none(),
                ws,
                log));
        String epoch = Files.readString(started).strip();
        java.time.Instant t1 =
            java.time.Instant.ofEpochSecond(
                Long.parseLong(epoch.substring(0, epoch.indexOf('.'))),
                Long.parseLong(
                    (epoch.substring(epoch.indexOf('.') + 1) + "000000000").substring(0, 9)));
        nanos[i] = java.time.Duration.between(t0, t1).toNanos();
      }
      long[] measured = java.util.Arrays.copyOfRange(nanos, 1, nanos.length);
      return row("command agent's start", access.mode().wireName(), measured);
    } finally {
      workspaces.release(ws);
    }
  }

  private static Issue issue() {
    return new Issue(
        new IssueId("bench", "1"), "BENCH-1", "bench", "bench", null, Level.ERROR, null, null, 1);
  }

  private static Row row(String command, String access, long[] nanos) {
    java.util.Arrays.sort(nanos);
    long sum = 0;
    for (long n : nanos) {
      sum += n;
    }
    int runs = nanos.length;
    return new Row(
        command,
        access,
        runs,
        Duration.ofNanos(nanos[runs / 2]),
        Duration.ofNanos(nanos[(int) Math.min(runs - 1, Math.ceil(runs * 0.9) - 1)]),
        Duration.ofNanos(sum / runs));
  }

  private static Row time(AgentsConfig config, Map<String, String> env, int runs) {
    Workspaces workspaces = Agents.workspaces(config, env);
    FixVerifier verifier = Agents.verifier(config, env);
    RunLogs.RunLog log = line -> {};
    Issue issue = issue();
    Workspace ws = workspaces.prepare(FixRun.queued(new RunId(1), issue, Instant.now()), log);
    try {
      verifier.verify(ws, log); // warm-up: page cache, the first sandbox's caches
      long[] nanos = new long[runs];
      for (int i = 0; i < runs; i++) {
        long start = System.nanoTime();
        FixVerifier.Verification verdict = verifier.verify(ws, log);
        nanos[i] = System.nanoTime() - start;
        if (!(verdict instanceof FixVerifier.Passed)) {
          throw new IllegalStateException(config.testCommand() + " did not pass: " + verdict);
        }
      }
      return row(config.testCommand(), config.access().mode().wireName(), nanos);
    } finally {
      workspaces.release(ws);
    }
  }

  private static AgentsConfig withTest(AgentsConfig d, String command) {
    return d.toBuilder().testCommand(command).build();
  }

  /** A checkout with a 50-test unittest suite on {@code main}. */
  private static Path repository(Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder tests = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      tests.append("    def test_").append(i).append("(self):\n");
      tests.append("        self.assertEqual(add(").append(i).append(", 1), ").append(i + 1);
      tests.append(")\n");
    }
    Files.writeString(dir.resolve("test_add.py"), SUITE.formatted(tests));
    try {
      Bench.git(dir, "init", "-q", "-b", "main");
      Bench.git(dir, "add", "-A");
      Bench.git(
          dir,
          "-c",
          "user.name=bench",
          "-c",
          "user.email=bench@localhost",
          "commit",
          "-q",
          "-m",
          "suite");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return dir;
  }

  /** The rows as a Markdown table. */
  static String markdown(List<Row> rows) {
    StringBuilder b = new StringBuilder();
    b.append("| command | access | runs | p50 | p90 | mean |\n");
    b.append("|---|---|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      b.append(
          String.format(
              java.util.Locale.ROOT,
              "| `%s` | %s | %d | %.1f ms | %.1f ms | %.1f ms |%n",
              r.command(),
              r.access(),
              r.runs(),
              r.p50().toNanos() / 1e6,
              r.p90().toNanos() / 1e6,
              r.mean().toNanos() / 1e6));
    }
    return b.toString();
  }

  static void print(List<Row> rows, PrintStream out) {
    out.print(markdown(rows));
  }
}
