package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.FakeFixVerifier;
import dev.autofix.testkit.FakeIssueSource;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunLogs;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.InMemoryWorkspaces;
import dev.autofix.testkit.RecordingPullRequestPublisher;
import dev.autofix.testkit.ScriptedAgentRunner;
import dev.autofix.testkit.fixtures.Issues;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real headless Chromium (Debian's {@code chromium}): the rendered DOM shows
 * the budget, the running run with its live log and the recent runs with their links, and a
 * screenshot is written to {@code target/status-page.png} (the one in {@code docs/} came from
 * here). In CI the browser must be there: {@code .ci/run} installs it.
 */
class StatusPageBrowserIT {
  @TempDir Path profile;

  @Test
  void statusPage_rendersBudgetRunningLogAndRecentRuns_inChromium() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    if (System.getenv("CI") == null) {
      assumeTrue(Files.isExecutable(chromium), "Debian chromium is not installed");
    }
    InMemoryRunStore store = new InMemoryRunStore();
    InMemoryRunLogs logs = new InMemoryRunLogs();
    InMemoryRateLimiter limiter = new InMemoryRateLimiter(10, Clock.systemUTC(), ZoneOffset.UTC);
    Instant t = Instant.now().minusSeconds(600);
    finish(
        store,
        insert(store, "BACKEND-4Z", "ZeroDivisionError: division by zero", t),
        RunStatus.PR_OPENED,
        RunChange.because("draft pull request")
            .withPullRequestUrl(URI.create("https://github.com/acme/shop/pull/481")),
        t.plusSeconds(60));
    finish(
        store,
        insert(store, "WEB-1Q", "TypeError: cannot read properties of undefined", t.plusSeconds(1)),
        RunStatus.FAILED,
        RunChange.because("the agent timed out after PT30M"),
        t.plusSeconds(90));
    FixRun running = insert(store, "API-7", "KeyError: 'customer_id'", t.plusSeconds(2));
    store.claimNext(new RunStore.Claim("other-host-1", t.plusSeconds(120), Duration.ofHours(2), 1));
    RunLogs.RunLog log = logs.open(running.id());
    log.append("agent claude starts in /home/ada/.autofix/worktrees/3");
    log.append(
        "claude | {\"type\":\"assistant\",\"message\":\"Reproduced with a failing test: test_missing_customer\"}");
    insert(store, "API-8", "ValueError: invalid literal for int() with base 10", t.plusSeconds(3));
    limiter.tryAcquire();
    limiter.tryAcquire();

    try (AutofixServer server =
        AutofixServer.builder()
            .port(0)
            .store(store)
            .limiter(limiter)
            .source(new FakeIssueSource())
            .workspaces(new InMemoryWorkspaces())
            .agent(new ScriptedAgentRunner())
            .verifier(new FakeFixVerifier())
            .publisher(new RecordingPullRequestPublisher())
            .logs(logs)
            .pollInterval(Duration.ofMinutes(5))
            .build()
            .start()) {
      String url = "http://127.0.0.1:" + server.getPort() + "/";
      String dom = chromium(chromium, "--dump-dom", url);

      assertThat(dom)
          .contains("2 / 10")
          .contains("fix attempts today")
          .contains("Reproduced with a failing test")
          .contains("href=\"https://github.com/acme/shop/pull/481\"")
          .contains("BACKEND-4Z")
          .contains("the agent timed out after PT30M")
          .contains("http-equiv=\"refresh\"")
          .contains("/assets/live.js");

      Path screenshot = Path.of("target", "status-page.png").toAbsolutePath();
      chromium(chromium, "--screenshot=" + screenshot, "--window-size=1280,900", url);
      assertThat(screenshot).exists();
      assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }
  }

  @Test
  void withAReadToken_theBrowserGetsTheLoginForm_notTheRuns() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    if (System.getenv("CI") == null) {
      assumeTrue(Files.isExecutable(chromium), "Debian chromium is not installed");
    }
    InMemoryRunStore store = new InMemoryRunStore();
    insert(store, "BACKEND-4Z", "ZeroDivisionError: division by zero", Instant.now());
    try (AutofixServer server =
        AutofixServer.builder()
            .port(0)
            .store(store)
            .limiter(new InMemoryRateLimiter(10, Clock.systemUTC(), ZoneOffset.UTC))
            .source(new FakeIssueSource())
            .workspaces(new InMemoryWorkspaces())
            .agent(new ScriptedAgentRunner())
            .verifier(new FakeFixVerifier())
            .publisher(new RecordingPullRequestPublisher())
            .logs(new InMemoryRunLogs())
            .readToken("browser-read-token")
            .pollInterval(Duration.ofMinutes(5))
            .build()
            .start()) {
      String dom = chromium(chromium, "--dump-dom", "http://127.0.0.1:" + server.getPort() + "/");

      assertThat(dom)
          .contains("<form method=\"post\" action=\"/login\">")
          .contains("type=\"password\"")
          .doesNotContain("BACKEND-4Z")
          .doesNotContain("browser-read-token");
    }
  }

  private String chromium(Path chromium, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(chromium.toString());
    command.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out;
    try {
      out = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium did not finish in 60 s");
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).as("chromium exit code").isZero();
    return new String(out, StandardCharsets.UTF_8);
  }

  private static FixRun insert(InMemoryRunStore store, String shortId, String title, Instant at) {
    var issue =
        Issues.anIssue()
            .withShortId(shortId)
            .withTitle(title)
            .withPermalink("https://acme.sentry.io/issues/" + shortId.hashCode() + "/")
            .build();
    return ((RunStore.Inserted) store.insertIfAbsent(issue, at)).run();
  }

  private static void finish(
      InMemoryRunStore store, FixRun run, RunStatus status, RunChange change, Instant at) {
    FixRun claimed =
        store
            .claimNext(new RunStore.Claim("other-host-1", at, Duration.ofHours(1), 10))
            .orElseThrow();
    assertThat(claimed.id()).isEqualTo(run.id());
    store.transition(
        new RunStore.Transition(run.id(), RunStatus.RUNNING, status, at, "other-host-1", change));
  }
}
