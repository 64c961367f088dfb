package dev.autofix.examples.guice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import dev.autofix.core.model.Delivery;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.PullRequestPublisher;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.FixNextRun;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.examples.ExampleFixtures;
import dev.autofix.testkit.InMemoryRateLimiter;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.RecordingPullRequestPublisher;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DryRunModuleIT {
  private static final String SECRET = "dry-run-client-secret";

  @TempDir Path tmp;
  private Path checkout;
  private final OkHttpClient http = new OkHttpClient();
  private final List<String> published = new ArrayList<>();
  // What was committed, read from autofix's own repository while it exists (during the publish).
  private final RecordingPullRequestPublisher github =
      new RecordingPullRequestPublisher()
          .onPublish(
              request ->
                  published.add(
                      ExampleFixtures.git(
                          request.patch().repository(),
                          "--git-dir=" + request.patch().repository(),
                          "show",
                          request.patch().commit() + ":TEAM_FIX.md")));
  private Injector injector;

  @BeforeEach
  void createInjector() throws URISyntaxException {
    checkout = ExampleFixtures.checkout(tmp.resolve("checkout"));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("AUTOFIX_SENTRY_CLIENT_SECRET", SECRET);
    env.put("AUTOFIX_REPO_PATH", checkout.toString());
    env.put("AUTOFIX_DATA_DIR", tmp.resolve("data").toString());
    env.put("AUTOFIX_GITHUB_REPO", "acme/shop");
    Path script = Path.of(getClass().getResource("/dev/autofix/examples/team-agent.sh").toURI());
    // The agent runs sandboxed, where the host's /tmp is hidden: the build may lie there (CI).
    env.put("AUTOFIX_AGENT_READABLE", script.getParent().toString());
    DryRunModule dryRun = new DryRunModule(env, "/bin/sh " + script, http, new ObjectMapper());
    // The test stops before GitHub: no network here.
    injector =
        Guice.createInjector(
            Modules.override(dryRun)
                .with(binder -> binder.bind(PullRequestPublisher.class).toInstance(github)));
  }

  @AfterEach
  void closeHttp() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void injector_bindsTheSwappedStoreAndAgent() {
    assertThat(injector.getInstance(RunStore.class)).isInstanceOf(InMemoryRunStore.class);
    assertThat(injector.getInstance(RateLimiter.class)).isInstanceOf(InMemoryRateLimiter.class);
    assertThat(injector.getInstance(AgentRunner.class).name()).isEqualTo("command");
  }

  @Test
  void fixNextRun_runsTheTeamsScript_inARealWorktree() {
    byte[] body = ExampleFixtures.issueCreated();
    Delivery delivery =
        new Delivery(
            Map.of(
                "Sentry-Hook-Resource",
                "issue",
                "Sentry-Hook-Signature",
                ExampleFixtures.sign(body, SECRET)),
            body);

    var parsed = injector.getInstance(IssueSource.class).receive(delivery);
    assertThat(parsed).isInstanceOf(IssueSource.Received.class);
    RunStore.InsertResult received =
        injector.getInstance(RecordIssue.class).execute(((IssueSource.Received) parsed).issue());
    FixNextRun.Result result =
        injector.getInstance(FixNextRun.class).execute(new FixNextRun.Command("dry-run"));

    assertThat(received).isInstanceOf(RunStore.Inserted.class);
    assertThat(result).isInstanceOf(FixNextRun.PrOpened.class);
    FixRun run = ((FixNextRun.PrOpened) result).run();
    assertThat(run.status()).isEqualTo(RunStatus.PR_OPENED);
    assertThat(run.agent()).isEqualTo("command");
    assertThat(run.summary()).contains("The team's script wrote TEAM_FIX.md.");
    assertThat(github.requests().getFirst().patch().changedFiles()).containsExactly("TEAM_FIX.md");
    assertThat(published).singleElement().asString().contains("fixed by the team's script");
    assertThat(injector.getInstance(RunStore.class).find(run.id()))
        .map(FixRun::status)
        .contains(RunStatus.PR_OPENED);
  }
}
