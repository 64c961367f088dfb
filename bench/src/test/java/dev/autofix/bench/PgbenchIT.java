package dev.autofix.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autofix.store.jooq.StoreConfig;
import dev.autofix.store.jooq.StoreDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limit's statements run by the real pgbench against the server's real schema, so that a
 * migration that changes {@code runs} breaks this test rather than a benchmark minutes in. Without
 * pgbench the test is skipped, unless {@code AUTOFIX_REQUIRE_PGBENCH=true} (as CI sets it).
 */
@Timeout(120)
class PgbenchIT {
  private static EmbeddedPostgres postgres;
  private static StoreDatabase store;

  @TempDir static Path dir;

  private Pgbench pgbench;

  @BeforeAll
  static void start() throws Exception {
    boolean installed = Pgbench.installed();
    if (!installed && "true".equalsIgnoreCase(System.getenv("AUTOFIX_REQUIRE_PGBENCH"))) {
      fail("pgbench is not installed, and AUTOFIX_REQUIRE_PGBENCH=true");
    }
    assumeTrue(installed, "pgbench is not on PATH (Debian: postgresql-client)");
    postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir.resolve("postgres"))
            .setCleanDataDirectory(true)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start();
    String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    store =
        StoreDatabase.open(new StoreConfig(url, "postgres", null, dir, 0, 2, ZoneOffset.UTC, 10));
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void tables() throws Exception {
    pgbench = new Pgbench(postgres.getPort(), dir);
    pgbench.createTables();
  }

  @Test
  void newKey_insertsOneRunAndOneEventPerTransaction() throws Exception {
    Pgbench.Result result = pgbench.run(Pgbench.Workload.NEW, 2, Duration.ofSeconds(1));

    assertThat(result.tps()).isPositive();
    long runs = count("select count(*) from " + Pgbench.SCHEMA + ".runs");
    assertThat(runs).isPositive();
    assertThat(count("select count(distinct issue_id) from " + Pgbench.SCHEMA + ".runs"))
        .isEqualTo(runs);
    assertThat(count("select count(*) from " + Pgbench.SCHEMA + ".run_events")).isEqualTo(runs);
    assertThat(count("select count(*) from public.runs")).isZero();
  }

  @Test
  void sameKey_leavesOneRun() throws Exception {
    Pgbench.Result result = pgbench.run(Pgbench.Workload.SAME, 2, Duration.ofSeconds(1));

    assertThat(result.tps()).isPositive();
    assertThat(count("select count(*) from " + Pgbench.SCHEMA + ".runs")).isEqualTo(1);
    assertThat(count("select count(*) from " + Pgbench.SCHEMA + ".run_events")).isEqualTo(1);
  }

  @Test
  void mix_repeatsFiftyHotKeysAndAddsNewOnes() throws Exception {
    Pgbench.Result result = pgbench.run(Pgbench.Workload.MIX, 2, Duration.ofSeconds(2));

    assertThat(result.tps()).isPositive();
    long hot =
        count(
            "select count(*) from "
                + Pgbench.SCHEMA
                + ".runs where issue_id ~ '^hot-([1-9]|[1-4][0-9]|50)$'");
    assertThat(hot)
        .isEqualTo(
            count("select count(*) from " + Pgbench.SCHEMA + ".runs where issue_id like 'hot-%'"))
        .isEqualTo(50);
    assertThat(count("select count(*) from " + Pgbench.SCHEMA + ".run_events"))
        .isEqualTo(count("select count(*) from " + Pgbench.SCHEMA + ".runs"));
    long fresh =
        count("select count(*) from " + Pgbench.SCHEMA + ".runs where issue_id not like 'hot-%'");
    // about 5 % of the transactions (tps over the 2 s window) are new keys, the rest hot ones
    double transactions = result.tps() * 2;
    assertThat(fresh).isPositive();
    assertThat(fresh / transactions).isBetween(0.01, 0.15);
  }

  private static long count(String sql) throws Exception {
    try (Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
