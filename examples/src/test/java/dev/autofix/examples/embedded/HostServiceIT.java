package dev.autofix.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.agents.AgentsConfig;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.AutofixPolicy;
import dev.autofix.examples.ExampleFixtures;
import dev.autofix.github.GitHubConfig;
import dev.autofix.sentry.SentryConfig;
import dev.autofix.store.jooq.StoreConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostServiceIT {
  private static final String SECRET = "host-client-secret";
  private static final IssueId ISSUE = new IssueId("sentry", ExampleFixtures.ISSUE_ID);

  @TempDir Path tmp;
  private HostService host;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void startHost() {
    Path checkout = ExampleFixtures.checkout(tmp.resolve("checkout"));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("AUTOFIX_REPO_PATH", checkout.toString());
    env.put("AUTOFIX_DATA_DIR", tmp.resolve("data").toString());
    // An agent that changes nothing: the run ends no_fix without any network.
    env.put("AUTOFIX_AGENT", "command");
    env.put("AUTOFIX_AGENT_COMMAND", "true");
    EmbeddedAutofix.Settings settings =
        new EmbeddedAutofix.Settings(
            SentryConfig.withClientSecret(SECRET),
            StoreConfig.embedded(tmp.resolve("db")),
            AgentsConfig.fromEnv(env),
            GitHubConfig.of("acme", "shop"),
            AutofixPolicy.defaults(),
            Duration.ofSeconds(1));
    host =
        HostService.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), settings, env);
  }

  @AfterEach
  void stopHost() {
    if (host != null) {
      host.close(); // stops the worker, then the embedded PostgreSQL; @TempDir removes its files
    }
    client.close();
  }

  @Test
  void signedDelivery_createsOneRunInPostgres_andADuplicateDoesNot() throws Exception {
    byte[] body = ExampleFixtures.issueCreated();
    String signature = ExampleFixtures.sign(body, SECRET);

    HttpResponse<String> first = post(body, signature);
    RunStore runs = host.autofix().runs();
    Optional<FixRun> run = runs.findByIssue(ISSUE);
    HttpResponse<String> second = post(body, signature);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(run).isPresent();
    assertThat(run.get().issue().shortId()).isEqualTo("FRONT-END-9");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).contains("duplicate");
    assertThat(runs.list(RunStore.RunQuery.firstPage(10))).hasSize(1);
  }

  @Test
  void worker_carriesTheRunToItsEnd_onTheHostsExecutor() throws Exception {
    byte[] body = ExampleFixtures.issueCreated();
    post(body, ExampleFixtures.sign(body, SECRET));

    FixRun ended = awaitEnd(host.autofix().runs(), Duration.ofSeconds(20));

    assertThat(ended.status()).isEqualTo(RunStatus.NO_FIX);
    assertThat(ended.agent()).isEqualTo("command");
    assertThat(ended.reason()).contains("the agent made no change");
  }

  @Test
  void wronglySignedDelivery_isRefused_andRecordsNothing() throws Exception {
    byte[] body = ExampleFixtures.issueCreated();

    HttpResponse<String> response = post(body, ExampleFixtures.sign(body, "another-secret"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(host.autofix().runs().findByIssue(ISSUE)).isEmpty();
  }

  @Test
  void hostsOwnRoute_keepsWorking() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/hello")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> post(byte[] body, String signature)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri("/hooks/sentry"))
            .header("Content-Type", "application/json")
            .header("Sentry-Hook-Resource", "issue")
            .header("Sentry-Hook-Signature", signature)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + host.port() + path);
  }

  private static FixRun awaitEnd(RunStore runs, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      FixRun run = runs.findByIssue(ISSUE).orElseThrow();
      if (run.status().isTerminal() || System.nanoTime() > deadline) {
        return run;
      }
      Thread.sleep(100);
    }
  }
}
