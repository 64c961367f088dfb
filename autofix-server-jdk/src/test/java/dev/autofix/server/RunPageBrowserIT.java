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
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run page ({@code /runs/{id}}) and the list in a real headless Chromium, driven over its
 * DevTools protocol so that the checks are the browser's own: the timeline's steps in order, each
 * tool call's command or file shown, no horizontal scroll at 1280 px, and planted scripts never run
 * ({@code window.pwned} stays unset). Each case writes a screenshot to {@code target/}; the ones in
 * {@code docs/} came from here.
 */
class RunPageBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  /** Scripts planted everywhere a person's or an agent's text reaches the page. */
  private static final String PAYLOAD =
      "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">"
          + "\"><svg onload=\"window.pwned=3\"></svg></pre></td></table>";

  @TempDir Path profile;

  private final InMemoryRunStore store = new InMemoryRunStore();
  private final InMemoryRunLogs logs = new InMemoryRunLogs();
  private AutofixServer server;
  private DevTools browser;

  @BeforeEach
  void start() throws Exception {
    if (System.getenv("CI") == null) {
      assumeTrue(Files.isExecutable(CHROMIUM), "Debian chromium is not installed");
    }
    server = server(null);
    browser = DevTools.start(CHROMIUM, profile);
  }

  /** The server over the fakes, with {@code readToken} when it is not null. */
  private AutofixServer server(String readToken) {
    return AutofixServer.builder()
        .port(0)
        .store(store)
        .limiter(new InMemoryRateLimiter(10, Clock.systemUTC(), ZoneOffset.UTC))
        .source(new FakeIssueSource())
        .workspaces(new InMemoryWorkspaces())
        .agent(new ScriptedAgentRunner())
        .verifier(new FakeFixVerifier())
        .publisher(new RecordingPullRequestPublisher())
        .logs(logs)
        .readToken(readToken)
        .pollInterval(Duration.ofMinutes(5))
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getPort() + path;
  }

  private void assertNoHorizontalScrollAndNothingRan() throws Exception {
    assertThat(browser.evaluate("document.documentElement.scrollWidth").asInt())
        .as("no horizontal scroll at 1280 px")
        .isLessThanOrEqualTo(1280);
    assertThat(browser.evaluate("typeof window.pwned").asText()).isEqualTo("undefined");
  }

  @Test
  void aFinishedClaudeRun_showsItsTimelineTranscriptAndLinks() throws Exception {
    Instant t = Instant.now().minusSeconds(900);
    FixRun run =
        insert(
            "BACKEND-4Z",
            "ZeroDivisionError: division by zero",
            "https://acme.sentry.io/issues/4/",
            t);
    RunLogs.RunLog log = logs.open(run.id());
    // the attempt's steps, timed as FileRunLogs writes them
    String[] steps = {"permit taken", "details fetched", "workspace ready", "agent claude started"};
    for (int i = 0; i < steps.length; i++) {
      log.append(t.plusSeconds(6 + i) + " step: " + steps[i]);
    }
    log.append(t.plusSeconds(71) + " step: agent ended: completed");
    log.append(t.plusSeconds(72) + " step: committed");
    log.append(t.plusSeconds(80) + " step: verified: passed");
    log.append(t.plusSeconds(90) + " step: pull request opened");
    log.append("fetched main from origin");
    log.append("agent claude starts in /data/worktrees/run-1");
    log.append(
        "claude | {\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\","
            + "\"name\":\"Bash\",\"input\":{\"command\":\"python -m pytest -q tests/test_calc.py\"}}]}}");
    log.append(
        "claude | {\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\","
            + "\"content\":\"F\\n1 failed in 0.02s\",\"is_error\":true}]}}");
    E2eWorld.resource("claude-success.jsonl")
        .lines()
        .forEach(line -> log.append("claude | " + line));
    log.append("claude: exited with 0 after 4 s");
    log.append("committed 4f2a9c1 (1 file changed, 1 insertion(+), 1 deletion(-))");
    log.append("diff |  calc.py | 2 +-");
    log.append("diff | --- a/calc.py");
    log.append("diff | +++ b/calc.py");
    log.append("diff | @@ -1,2 +1,2 @@");
    log.append("diff |  def add(a, b):");
    log.append("diff | -    return a - b");
    log.append("diff | +    return a + b");
    log.append("verification: python -m pytest -q");
    log.append("test | ..");
    log.append("test | 2 passed in 0.01s");
    log.append("test: exited with 0 after 1 s");
    log.append("verification: passed");
    finish(
        run,
        RunStatus.PR_OPENED,
        RunChange.because("draft pull request opened")
            .withAgent("claude")
            .withBranch("autofix/backend-4z")
            .withSummary("Root cause: add() subtracted.\nFix: it adds.\nVerified: pytest")
            .withCostUsd(new BigDecimal("0.154592"))
            .withAttemptCost(
                new dev.autofix.core.model.AttemptCost(
                    "claude", new BigDecimal("0.154592"), 38388L, 52L))
            .withPullRequestUrl(URI.create("https://github.com/acme/shop/pull/481")),
        t.plusSeconds(95));

    browser.navigate(url("/runs/" + run.id()));

    assertThat(browser.texts("#timeline .step"))
        .map(s -> s.replaceAll(" \\+.*", ""))
        .containsExactly(
            "queued",
            "running",
            "permit taken",
            "details fetched",
            "workspace ready",
            "agent claude started",
            "agent ended: completed",
            "committed",
            "verified: passed",
            "pull request opened",
            "pr_opened");
    assertThat(browser.texts("#timeline .attempt-step .took"))
        .as("each step says how long it took")
        .contains("+1 min 2 s");
    assertThat(browser.texts("code.command")).contains("python -m pytest -q tests/test_calc.py");
    assertThat(browser.texts("code.file")).contains("/data/worktrees/run-1/calc.py");
    assertThat(browser.texts(".entry.say"))
        .anySatisfy(s -> assertThat(s).contains("Fixed: add() now returns a + b."));
    assertThat(browser.texts("pre.diff")).anySatisfy(s -> assertThat(s).contains("+ return a + b"));
    assertThat(browser.texts("details.change .add")).containsExactly("+    return a + b");
    assertThat(browser.texts("details.change .del")).containsExactly("-    return a - b");
    assertThat(browser.texts("details.output summary")).contains("test output (2 lines)");
    assertThat(browser.texts(".entry.error")).anySatisfy(s -> assertThat(s).contains("1 failed"));
    assertThat(browser.texts("dl.facts dd"))
        .contains(
            "claude, model claude-opus-5-5",
            "autofix/backend-4z",
            "https://github.com/acme/shop/pull/481")
        .anySatisfy(
            d -> assertThat(d).startsWith("$0.154592").contains("tokens in 38,388 / out 52"));
    assertThat(browser.evaluate("document.querySelector('h1 a').href").asText())
        .isEqualTo("https://acme.sentry.io/issues/4/");
    assertNoHorizontalScrollAndNothingRan();
    browser.screenshot(Path.of("target", "run-page.png"));

    browser.navigate(url("/"));
    assertThat(browser.texts("td.cost")).containsExactly("$0.15");
    assertThat(browser.texts("td.took")).containsExactly("1 min 30 s");
    assertThat(browser.texts("#spent b")).containsExactly("$0.15");
    assertNoHorizontalScrollAndNothingRan();
  }

  @Test
  void aNoFixRun_withFailingTests_keepsTheReasonToOneLine_onThePageAndInTheList() throws Exception {
    Instant t = Instant.now().minusSeconds(600);
    FixRun run =
        insert("WEB-1Q", "AssertionError: totals differ", "https://acme.sentry.io/issues/5/", t);
    StringBuilder output =
        new StringBuilder("the change failed verification: python -m unittest (exit 1)\n");
    for (int i = 0; i < 60; i++) {
      output
          .append("FAIL: test_total_")
          .append(i)
          .append(" (tests.test_cart.CartTest) ")
          .append("x".repeat(300))
          .append('\n');
    }
    logs.open(run.id()).append("verification: failed");
    finish(
        run,
        RunStatus.NO_FIX,
        RunChange.because(output.toString()).withAgent("claude"),
        t.plusSeconds(200));

    browser.navigate(url("/runs/" + run.id()));
    assertThat(browser.texts("#state").getFirst())
        .contains("no_fix")
        .contains("the change failed verification: python -m unittest (exit 1)")
        .doesNotContain("test_total_0");
    assertThat(browser.texts("#reason").getFirst()).contains("test_total_59");
    assertThat(browser.texts("#timeline .status-step"))
        .map(x -> x.replaceAll(" \\+.*", ""))
        .containsExactly("queued", "running", "no_fix");
    assertThat(browser.texts(".entry.error"))
        .anySatisfy(x -> assertThat(x).contains("verification: failed"));
    assertNoHorizontalScrollAndNothingRan();
    browser.screenshot(Path.of("target", "run-page-no-fix.png"));

    browser.navigate(url("/"));
    assertThat(
            browser
                .evaluate("document.querySelector('a[href=\"/runs/" + run.id() + "\"]') !== null")
                .asBoolean())
        .as("the list links the run page")
        .isTrue();
    assertNoHorizontalScrollAndNothingRan();
  }

  @Test
  void aHostileTitleAndTranscript_stayInertText() throws Exception {
    Instant t = Instant.now().minusSeconds(300);
    FixRun run = insert("EVIL-1", "TypeError " + PAYLOAD, "javascript:window.pwned=4", t);
    RunLogs.RunLog log = logs.open(run.id());
    log.append("note " + PAYLOAD);
    log.append(
        "claude | {\"type\":\"assistant\",\"message\":{\"content\":["
            + "{\"type\":\"text\",\"text\":"
            + E2eWorld.JSON.writeValueAsString(PAYLOAD)
            + "},"
            + "{\"type\":\"tool_use\",\"name\":\"Bash\",\"input\":{\"command\":"
            + E2eWorld.JSON.writeValueAsString("echo " + PAYLOAD)
            + "}},"
            + "{\"type\":\"tool_use\",\"name\":\"Edit\",\"input\":{\"file_path\":"
            + E2eWorld.JSON.writeValueAsString(PAYLOAD)
            + ",\"old_string\":"
            + E2eWorld.JSON.writeValueAsString(PAYLOAD)
            + ",\"new_string\":\"ok\"}}]}}");
    log.append("claude ! " + PAYLOAD);
    finish(
        run,
        RunStatus.FAILED,
        RunChange.because(PAYLOAD + "\n" + PAYLOAD)
            .withSummary(PAYLOAD)
            .withBranch("autofix/evil-1")
            .withPullRequestUrl(URI.create("javascript:window.pwned=5")),
        t.plusSeconds(30));

    browser.navigate(url("/runs/" + run.id()));
    assertNoHorizontalScrollAndNothingRan();
    assertThat(browser.texts("h1").getFirst()).contains("<script>window.pwned=1</script>");
    assertThat(browser.texts("code.command").getFirst()).isEqualTo("echo " + PAYLOAD);
    assertThat(browser.texts("#timeline .status-step"))
        .map(x -> x.replaceAll(" \\+.*", ""))
        .containsExactly("queued", "running", "failed");
    assertThat(
            browser
                .evaluate(
                    "document.querySelectorAll('script:not([src=\"/assets/live.js\"]), img, svg, iframe').length")
                .asInt())
        .as("no element the payload names was made")
        .isZero();
    assertThat(browser.evaluate("Array.from(document.links).map(a => a.protocol)").toString())
        .doesNotContain("javascript");
    browser.screenshot(Path.of("target", "run-page-hostile.png"));

    browser.navigate(url("/"));
    assertNoHorizontalScrollAndNothingRan();
    assertThat(
            browser
                .evaluate(
                    "document.querySelectorAll('script:not([src=\"/assets/live.js\"]), img, svg, iframe').length")
                .asInt())
        .isZero();
  }

  @Test
  void aRunningRun_updatesInPlace_asItGoesOn_andStopsOnceItEnded() throws Exception {
    FixRun run =
        insert("API-9", "KeyError: 'sku'", "https://acme.sentry.io/issues/9/", Instant.now());
    store
        .claimNext(new RunStore.Claim("host-1", Instant.now(), Duration.ofHours(1), 10))
        .orElseThrow();
    RunLogs.RunLog log = logs.open(run.id());
    log.append("agent claude starts in /data/worktrees/run-1");

    browser.navigate(url("/runs/" + run.id()));
    browser.evaluate("window.stayed = 'yes'");
    assertThat(browser.texts("#state").getFirst()).contains("running");

    log.append(
        "claude | {\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\","
            + "\"text\":\"Reproduced it with a failing test.\"}]}}");
    awaitText(".entry.say", "Reproduced it with a failing test.");
    store.transition(
        new RunStore.Transition(
            run.id(),
            RunStatus.RUNNING,
            RunStatus.PR_OPENED,
            Instant.now(),
            "host-1",
            RunChange.because("draft pull request opened")
                .withPullRequestUrl(URI.create("https://github.com/acme/shop/pull/9"))));
    awaitText("#state", "pr_opened");

    assertThat(browser.evaluate("window.stayed").asText())
        .as("updated without a reload")
        .isEqualTo("yes");
    assertThat(browser.evaluate("document.getElementById('live').dataset.live").asText())
        .as("an ended run stops updating")
        .isEqualTo("false");
    assertThat(browser.texts("#timeline .status-step"))
        .map(t -> t.replaceAll(" \\+.*", ""))
        .containsExactly("queued", "running", "pr_opened");
    assertNoHorizontalScrollAndNothingRan();
    browser.screenshot(Path.of("target", "run-page-live.png"));
  }

  @Test
  void theList_updatesInPlace_withNewRuns() throws Exception {
    insert("API-1", "KeyError: 'a'", "https://acme.sentry.io/issues/1/", Instant.now());
    browser.navigate(url("/"));
    browser.evaluate("window.stayed = 'yes'");

    insert("API-2", "KeyError: 'b'", "https://acme.sentry.io/issues/2/", Instant.now());

    awaitText("table", "API-2");
    assertThat(browser.evaluate("window.stayed").asText()).isEqualTo("yes");
    assertThat(browser.texts("#queued b")).containsExactly("2");
  }

  @Test
  void behindTheReadToken_theLiveUpdatesRideOnTheLoginCookie() throws Exception {
    server.close();
    server = server("page-read-token");
    FixRun run =
        insert("API-10", "KeyError: 'id'", "https://acme.sentry.io/issues/10/", Instant.now());
    store
        .claimNext(new RunStore.Claim("host-1", Instant.now(), Duration.ofHours(1), 10))
        .orElseThrow();
    browser.navigate(url("/runs/" + run.id()));
    assertThat(browser.texts("form"))
        .as("the login form, not the run")
        .isNotEmpty()
        .noneMatch(t -> t.contains("API-10"));
    assertThat(browser.texts("h1")).noneMatch(t -> t.contains("API-10"));

    browser.navigate(url("/login"));
    browser.evaluate(
        "document.querySelector('input[type=password]').value = 'page-read-token';"
            + " document.querySelector('form').submit(); true");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> browser.evaluate("location.pathname").asText().equals("/"));
    browser.navigate(url("/runs/" + run.id()));
    assertThat(browser.texts("h1").getFirst()).contains("API-10");
    browser.evaluate("window.stayed = 'yes'");

    logs.open(run.id()).append("workspace ready in /data/worktrees/run-1");

    awaitText(".entry.note", "workspace ready");
    assertThat(browser.evaluate("window.stayed").asText()).isEqualTo("yes");
  }

  @Test
  void theList_filtersByStatusProjectAndShortId_withAPlainForm() throws Exception {
    Instant t = Instant.now().minusSeconds(300);
    FixRun backend =
        insert("BACKEND-4Z", "b", "https://acme.sentry.io/issues/1/", t.minusSeconds(9));
    store.insertIfAbsent(
        Issues.anIssue().withProject("web").withShortId("WEB-4Z").withTitle("a").build(), t);
    store.insertIfAbsent(
        Issues.anIssue().withProject("web").withShortId("WEB-51").withTitle("c").build(), t);
    finish(backend, RunStatus.NO_FIX, RunChange.because("no change"), t.plusSeconds(60));

    browser.navigate(url("/?project=web&q=4z"));
    assertThat(browser.texts("td:nth-child(2) a[href^='/runs/']")).containsExactly("a");
    browser.navigate(url("/?status=no_fix"));
    assertThat(browser.texts("td:nth-child(2) a[href^='/runs/']")).containsExactly("b");
    assertThat(browser.evaluate("document.querySelector('select[name=status]').value").asText())
        .isEqualTo("no_fix");

    browser.navigate(url("/"));
    browser.evaluate(
        "document.querySelector('input[name=q]').value = '51';"
            + " document.querySelector('#filters').submit(); true");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> browser.evaluate("location.search").asText().contains("q=51"));
    awaitText("table", "WEB-51");
    assertThat(browser.texts("td:nth-child(2) a[href^='/runs/']")).containsExactly("c");

    browser.navigate(url("/?status=nonsense&q=" + "x".repeat(300)));
    assertThat(browser.texts("#notice").getFirst()).contains("all runs are shown");
    assertNoHorizontalScrollAndNothingRan();
    browser.navigate(url("/?q=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E"));
    assertThat(browser.texts("#no-match")).hasSize(1);
    assertNoHorizontalScrollAndNothingRan();
  }

  private void awaitText(String selector, String text) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> String.join("\n", browser.texts(selector)).contains(text));
  }

  @Test
  void aRunWhoseLeaseRanOut_showsAbandoned_notRunning() throws Exception {
    Instant t = Instant.now().minusSeconds(3600);
    FixRun run = insert("API-7", "KeyError: 'customer_id'", "https://acme.sentry.io/issues/7/", t);
    store.claimNext(new RunStore.Claim("crashed-host", t.plusSeconds(1), Duration.ofMinutes(5), 1));

    browser.navigate(url("/runs/" + run.id()));
    assertThat(browser.texts("#state").getFirst()).contains("abandoned, will be recovered");
    browser.navigate(url("/"));
    assertThat(browser.texts("td .status")).contains("abandoned");
  }

  @Test
  void anUnknownRun_isA404Page() throws Exception {
    browser.navigate(url("/runs/999"));
    assertThat(browser.texts("p")).contains("There is no run 999.");
  }

  private FixRun insert(String shortId, String title, String permalink, Instant at) {
    var issue =
        Issues.anIssue().withShortId(shortId).withTitle(title).withPermalink(permalink).build();
    return ((RunStore.Inserted) store.insertIfAbsent(issue, at)).run();
  }

  private void finish(FixRun run, RunStatus status, RunChange change, Instant at) {
    FixRun claimed =
        store
            .claimNext(
                new RunStore.Claim(
                    "host-1", run.createdAt().plusSeconds(5), Duration.ofHours(1), 10))
            .orElseThrow();
    assertThat(claimed.id()).isEqualTo(run.id());
    store.transition(
        new RunStore.Transition(run.id(), RunStatus.RUNNING, status, at, "host-1", change));
  }
}
