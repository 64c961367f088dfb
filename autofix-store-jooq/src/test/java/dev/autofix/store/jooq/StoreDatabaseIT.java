package dev.autofix.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunChange;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.store.jooq.internal.Dsl;
import dev.autofix.store.jooq.internal.EmbeddedPostgresServer;
import dev.autofix.store.jooq.internal.Migrations;
import dev.autofix.testkit.fixtures.Issues;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default's lifecycle, and a database that is down at start-up or goes away. */
class StoreDatabaseIT {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Duration LEASE = Duration.ofMinutes(30);

  @TempDir Path dataDir;

  @Test
  void open_keepsEveryRun_whenTheEmbeddedDatabaseRestartsOnTheSameDirectory() {
    FixRun first;
    FixRun second;
    try (StoreDatabase database = StoreDatabase.open(StoreConfig.embedded(dataDir))) {
      assertThat(database.dsl().fetchValue("show fsync"))
          .as("a kept database flushes")
          .isEqualTo("on");
      assertThat(database.dsl().fetchValue("show synchronous_commit")).isEqualTo("on");
      RunStore store = JooqRunStore.create(database.dsl(), database.location());
      first = inserted(store, T0);
      second = inserted(store, T0.plusSeconds(1));
      store.claimNext(new RunStore.Claim("w1", T0.plusSeconds(2), LEASE, 1)).orElseThrow();
    }
    assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();

    try (StoreDatabase database = StoreDatabase.open(StoreConfig.embedded(dataDir))) {
      RunStore store = JooqRunStore.create(database.dsl(), database.location());

      assertThat(store.list(RunStore.RunQuery.firstPage(10)))
          .extracting(FixRun::id)
          .containsExactly(second.id(), first.id());
      assertThat(store.find(first.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
      assertThat(store.history(first.id())).hasSize(2);
      assertThat(store.insertIfAbsent(first.issue(), T0.plusSeconds(3)))
          .isInstanceOf(RunStore.AlreadyExists.class);
    }
  }

  @Test
  void open_failsWithOneLineNamingTheUrl_whenTheDatabaseIsDown() throws IOException {
    int port = freePort();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/autofix?password=hunter2";
    StoreConfig config =
        new StoreConfig(
            url, "autofix", new StoreConfig.Secret("hunter2"), dataDir, 0, 2, ZoneOffset.UTC, 5);

    assertThatThrownBy(() -> StoreDatabase.open(config))
        .isInstanceOf(RunStoreException.class)
        .hasMessageStartingWith(
            "cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:" + port)
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("\n")
        .hasMessageContaining("password=****");
  }

  @Test
  void store_reportsUnavailableAndDefects_whileTheDatabaseIsLost_andRecoversAfter()
      throws IOException {
    Path pgData = dataDir.resolve("postgres");
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(pgData, 0, false);
    int port = server.port();
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(server.jdbcUrl("postgres"));
    pool.setUsername(server.user());
    pool.setPassword(server.password());
    pool.setMaximumPoolSize(2);
    pool.setConnectionTimeout(5_000);
    try (HikariDataSource dataSource = new HikariDataSource(pool)) {
      Migrations.migrate(dataSource);
      RunStore store = JooqRunStore.create(Dsl.on(dataSource), server.jdbcUrl("postgres"));
      inserted(store, T0);
      FixRun running = store.claimNext(new RunStore.Claim("w1", T0, LEASE, 1)).orElseThrow();

      server.close();

      RunStore.InsertResult insert = store.insertIfAbsent(Issues.anIssue().build(), T0);
      assertThat(insert).isInstanceOf(RunStore.Unavailable.class);
      assertThat(((RunStore.Unavailable) insert).reason())
          .contains("127.0.0.1:" + port)
          .contains("unreachable");
      assertThatThrownBy(
              () ->
                  store.transition(
                      new RunStore.Transition(
                          running.id(),
                          RunStatus.RUNNING,
                          RunStatus.FAILED,
                          T0.plusSeconds(5),
                          "w1",
                          RunChange.because("agent failed"))))
          .as("an outage, which the worker waits out, not a defect")
          .isInstanceOf(StoreUnavailableException.class)
          .isInstanceOf(dev.autofix.core.OutageException.class)
          .hasMessageContaining("127.0.0.1:" + port);

      // The worker died with the database; after a restart the lease expires and recovery
      // puts the run back in the queue: nothing stays running.
      server = EmbeddedPostgresServer.start(pgData, port, false);
      assertThat(store.recoverExpired(T0.plus(LEASE).plusSeconds(1), 3))
          .singleElement()
          .satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.QUEUED));
      assertThat(store.countByStatus().get(RunStatus.RUNNING)).isZero();
    } finally {
      server.close();
    }
  }

  private static FixRun inserted(RunStore store, Instant at) {
    RunStore.InsertResult result = store.insertIfAbsent(Issues.anIssue().build(), at);
    assertThat(result).isInstanceOf(RunStore.Inserted.class);
    return ((RunStore.Inserted) result).run();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
