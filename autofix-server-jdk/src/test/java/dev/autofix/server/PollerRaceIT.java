package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.Delivery;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.sentry.SentryConfig;
import dev.autofix.sentry.SentryIssuePoller;
import dev.autofix.sentry.SentryIssueSources;
import dev.autofix.store.jooq.JooqRunStores;
import dev.autofix.store.jooq.StoreConfig;
import dev.autofix.store.jooq.StoreDatabase;
import dev.autofix.testkit.Concurrently;
import dev.autofix.testkit.CountingWorkSignal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook and the poller (the backstop for lost deliveries) racing on one issue, against the
 * real PostgreSQL store: one run, every round.
 */
class PollerRaceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  // the fixture issue was first seen at 2019-08-19T20:58:37Z: the first poll looks back an hour
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2019-08-19T21:00:00Z"), ZoneOffset.UTC);

  @TempDir Path root;

  @Test
  void webhookAndPoll_giveOneRun_whenRacingOnTheSameIssue() throws Exception {
    OkHttpClient http = new OkHttpClient();
    try (E2eWorld.FakeSentry sentry = new E2eWorld.FakeSentry();
        StoreDatabase database = StoreDatabase.open(StoreConfig.embedded(root.resolve("data")))) {
      Map<String, String> env = new HashMap<>();
      env.put("AUTOFIX_SENTRY_CLIENT_SECRET", E2eWorld.SECRET);
      env.put("AUTOFIX_SENTRY_API_URL", "http://127.0.0.1:" + sentry.port());
      env.put("AUTOFIX_SENTRY_TOKEN", "sntrys_race");
      env.put("AUTOFIX_SENTRY_ORG", "test-org");
      SentryConfig config = SentryConfig.fromEnv(env);
      IssueSource source = SentryIssueSources.create(config, http, JSON);
      RunStore store = JooqRunStores.create(database);
      RecordIssue record = new RecordIssue(store, new CountingWorkSignal(), CLOCK);

      for (int round = 0; round < 20; round++) {
        String id = "77" + round;
        E2eWorld.Delivery webhook = E2eWorld.issueCreated(id, "RACE-" + round);
        sentry.issues = "[" + JSON.readTree(webhook.body()).get("data").get("issue") + "]";
        SentryIssuePoller poller =
            SentryIssuePoller.create(config, http, JSON, CLOCK, record::execute);
        byte[] body = webhook.body().getBytes(StandardCharsets.UTF_8);
        Delivery delivery =
            new Delivery(
                Map.of(
                    "Sentry-Hook-Resource", "issue",
                    "Sentry-Hook-Signature", E2eWorld.sign(body),
                    "Content-Type", "application/json"),
                body);

        List<Object> results =
            Concurrently.run(
                2,
                2,
                i ->
                    i == 0
                        ? () ->
                            record.execute(
                                ((IssueSource.Received) source.receive(delivery)).issue())
                        : poller::pollOnce);

        assertThat(results.get(1)).isInstanceOf(SentryIssuePoller.Polled.class);
        assertThat(results.get(0))
            .isInstanceOfAny(RunStore.Inserted.class, RunStore.AlreadyExists.class);
        assertThat(store.findByIssue(new dev.autofix.core.model.IssueId("sentry", id)))
            .as("round %d", round)
            .isPresent();
      }
      assertThat(store.list(RunStore.RunQuery.firstPage(100))).as("one run per issue").hasSize(20);
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}
