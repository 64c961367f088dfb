package dev.autofix.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.testkit.CountingWorkSignal;
import dev.autofix.testkit.InMemoryRunStore;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A webhook and a poll racing on the same issue give one run: both feed the store's
 * insert-if-absent with the same {@link IssueId}. Runs against the testkit's in-memory store, which
 * passes the same contract kit as the PostgreSQL store.
 */
class WebhookAndPollerRaceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROUNDS = 25;
  // the issue in issue-created.body.json was first seen at 2019-08-19T20:58:37.391Z
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2019-08-19T21:00:00Z"), ZoneOffset.UTC);

  private final MockWebServer sentry = new MockWebServer();
  private final OkHttpClient http = new OkHttpClient();
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @BeforeEach
  void start() throws IOException {
    sentry.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
    sentry.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void webhookAndPoll_createOneRun_whenRacingOnTheSameIssue() throws Exception {
    byte[] webhook = Fixtures.bytes("issue-created.body.json");
    // the API lists the same issue object that the issue webhook carries
    JsonNode apiIssue = JSON.readTree(webhook).get("data").get("issue");
    SentryConfig config =
        new SentryConfig(
            new SentryConfig.Secret(Fixtures.SECRET),
            sentry.url("/").uri(),
            new SentryConfig.Secret("tok3n"),
            "acme",
            SentryConfig.DEFAULT_MAX_BODY_BYTES,
            false,
            null,
            Set.of(),
            null,
            Set.of(),
            null,
            Duration.ofHours(1),
            Duration.ofSeconds(5),
            1,
            Duration.ZERO,
            null);
    IssueSource source = SentryIssueSources.create(config, http, JSON);

    for (int round = 0; round < ROUNDS; round++) {
      sentry.enqueue(new MockResponse.Builder().code(200).body("[" + apiIssue + "]").build());
      InMemoryRunStore store = new InMemoryRunStore();
      RecordIssue record = new RecordIssue(store, new CountingWorkSignal(), CLOCK);
      List<RunStore.InsertResult> polled = new CopyOnWriteArrayList<>();
      SentryIssuePoller poller =
          SentryIssuePoller.create(
              config,
              http,
              JSON,
              CLOCK,
              issue -> polled.add(store.insertIfAbsent(issue, CLOCK.instant())));
      CountDownLatch go = new CountDownLatch(1);

      Future<RunStore.InsertResult> byWebhook =
          threads.submit(
              () -> {
                go.await();
                // the webhook chain: the source parses, RecordIssue records
                var received =
                    (IssueSource.Received) source.receive(Fixtures.signed("issue", webhook));
                return record.execute(received.issue());
              });
      Future<SentryIssuePoller.PollResult> byPoll =
          threads.submit(
              () -> {
                go.await();
                return poller.pollOnce();
              });
      go.countDown();

      RunStore.InsertResult webhookResult = byWebhook.get();
      assertThat(byPoll.get()).isInstanceOf(SentryIssuePoller.Polled.class);
      assertThat(polled).hasSize(1);
      long created =
          (webhookResult instanceof RunStore.Inserted ? 1 : 0)
              + polled.stream().filter(RunStore.Inserted.class::isInstance).count();
      assertThat(created).as("runs created in round %d", round).isEqualTo(1);
      assertThat(webhookResult)
          .isInstanceOfAny(RunStore.Inserted.class, RunStore.AlreadyExists.class);
    }
  }
}
