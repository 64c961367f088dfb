package dev.autofix.store.jooq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server against the attacks on it: another local process connecting without the
 * password (over TCP and the Unix socket), an old cluster created with trust authentication, and a
 * kill -9 of the postmaster.
 */
class EmbeddedPostgresServerIT {
  @TempDir Path dir;

  @Test
  void everyConnection_needsThePassword_overTcpAndTheSocket_whichLiveInPrivateFiles()
      throws Exception {
    Path data = dir.resolve("pg");
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, 0, true)) {
      assertThat(Files.readString(data.resolve("autofix.password")).strip())
          .isEqualTo(server.password())
          .hasSizeGreaterThanOrEqualTo(32);
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(data.resolve("autofix.password"))))
          .isEqualTo("rw-------");
      assertThat(server.socketDir()).isEqualTo(data.resolve("socket"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socketDir())))
          .isEqualTo("rwx------");
      assertThat(Files.list(Path.of("/tmp")).map(p -> p.getFileName().toString()))
          .as("no socket of this server under /tmp")
          .doesNotContain(".s.PGSQL." + server.port());

      assertThatThrownBy(() -> connect(server, null)).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> connect(server, "guess")).isInstanceOf(SQLException.class);
      try (Connection connection = connect(server, server.password())) {
        assertThat(connection.isValid(2)).isTrue();
      }

      assertThat(psql(server, null).exit()).as("the socket without a password").isNotZero();
      Psql withPassword = psql(server, server.password());
      assertThat(withPassword.exit()).as(withPassword.output()).isZero();
      assertThat(withPassword.output()).contains("answer-42");
    }
  }

  @Test
  void aClusterCreatedWithTrust_isConverted_andKeepsItsData() throws Exception {
    Path data = dir.resolve("pg");
    try (EmbeddedPostgres trusting =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setRegisterShutdownHook(false)
            .start()) {
      try (Connection c = trusting.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (v text)");
        s.execute("INSERT INTO kept VALUES ('from the trust days')");
      }
    }
    assertThat(Files.readString(data.resolve("pg_hba.conf"))).contains("trust");

    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, 0, false)) {
      assertThat(Files.readString(data.resolve("pg_hba.conf")))
          .doesNotContainPattern("(?m)^[^#]*trust");
      assertThatThrownBy(() -> connect(server, null)).isInstanceOf(SQLException.class);
      try (Connection c = connect(server, server.password());
          Statement s = c.createStatement();
          var rows = s.executeQuery("SELECT v FROM kept")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("from the trust days");
      }
      assertThat(psql(server, null).exit()).isNotZero();
    }

    // and the same password on the next start, read from its file
    String password = Files.readString(data.resolve("autofix.password")).strip();
    try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(data, 0, false)) {
      assertThat(again.password()).isEqualTo(password);
      try (Connection c = connect(again, password)) {
        assertThat(c.isValid(2)).isTrue();
      }
    }
  }

  @Test
  void aKilledPostmaster_isStartedAgain_onTheSamePort_withItsData() throws Exception {
    Path data = dir.resolve("pg");
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, 0, false);
    ProcessHandle second = null;
    try {
      try (Connection c = connect(server, server.password());
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (v text)");
        s.execute("INSERT INTO kept VALUES ('before the kill')");
      }
      ProcessHandle first = postmaster(data);
      assertThat(first.destroyForcibly()).isTrue(); // SIGKILL
      first.onExit().get();

      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      SQLException last = null;
      boolean answered = false;
      while (!answered && Instant.now().isBefore(deadline)) {
        try (Connection c = connect(server, server.password());
            Statement s = c.createStatement();
            var rows = s.executeQuery("SELECT v FROM kept")) {
          assertThat(rows.next()).isTrue();
          assertThat(rows.getString(1)).isEqualTo("before the kill");
          answered = true;
        } catch (SQLException e) {
          last = e;
          Thread.sleep(200);
        }
      }
      assertThat(answered).as("answering again within 30 s; last failure: %s", last).isTrue();
      second = postmaster(data);
      assertThat(second.pid()).isNotEqualTo(first.pid());
      Instant settled = Instant.now().plus(Duration.ofSeconds(10));
      while (server.problem().isPresent() && Instant.now().isBefore(settled)) {
        Thread.sleep(50);
      }
      assertThat(server.problem()).isEmpty();
      assertThat(psql(server, server.password()).exit()).as("the socket is back too").isZero();
    } finally {
      server.close();
    }
    if (second != null) {
      second.onExit().get();
      assertThat(second.isAlive()).as("the restarted postmaster stops with the server").isFalse();
    }
  }

  private static ProcessHandle postmaster(Path data) throws IOException {
    long pid =
        Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());
    return ProcessHandle.of(pid).orElseThrow();
  }

  private static Connection connect(EmbeddedPostgresServer server, String password)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", server.user());
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(server.jdbcUrl("postgres"), properties);
  }

  private record Psql(int exit, String output) {}

  /** psql over the Unix socket: {@code -h} names its folder. */
  private static Psql psql(EmbeddedPostgresServer server, String password)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "psql",
                "-h",
                server.socketDir().toString(),
                "-p",
                Integer.toString(server.port()),
                "-U",
                server.user(),
                "-w", // never prompt
                "-tAc",
                "SELECT 'answer-' || 42",
                "postgres"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.remove("PGPASSWORD");
    env.put("PGPASSFILE", "/dev/null");
    if (password != null) {
      env.put("PGPASSWORD", password);
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Psql(process.waitFor(), output);
  }
}
