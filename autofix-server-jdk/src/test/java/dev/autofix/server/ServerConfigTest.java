package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void fromEnv_usesDefaults() {
    List<String> problems = new ArrayList<>();
    ServerConfig config = ServerConfig.fromEnv(Map.of("HOME", "/home/ada"), problems);

    assertThat(problems).isEmpty();
    assertThat(config.bind()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(Path.of("/home/ada/.autofix"));
    assertThat(config.adminToken()).isEmpty();
    assertThat(config.readToken()).isEmpty();
    assertThat(config.maxConcurrent()).isEqualTo(1);
    assertThat(config.maxFixesPerDay()).isEqualTo(10);
    assertThat(config.timeZone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(config.lease()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.maxAttempts()).isEqualTo(3);
    assertThat(config.publishUnverified()).isFalse();
    assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(config.recoveryInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.clientLimits()).isEqualTo(AutofixServer.ClientLimits.defaults());
  }

  @Test
  void fromEnv_mapsEveryKey() {
    List<String> problems = new ArrayList<>();
    ServerConfig config =
        ServerConfig.fromEnv(
            Map.ofEntries(
                Map.entry("AUTOFIX_BIND", "0.0.0.0"),
                Map.entry("AUTOFIX_PORT", "9090"),
                Map.entry("AUTOFIX_DATA_DIR", "/var/lib/autofix"),
                Map.entry("AUTOFIX_ADMIN_TOKEN", "t0ken"),
                Map.entry("AUTOFIX_READ_TOKEN", "r3ad"),
                Map.entry("AUTOFIX_MAX_CONCURRENT", "2"),
                Map.entry("AUTOFIX_MAX_FIXES_PER_DAY", "25"),
                Map.entry("AUTOFIX_TIME_ZONE", "Europe/Berlin"),
                Map.entry("AUTOFIX_LEASE", "90m"),
                Map.entry("AUTOFIX_MAX_ATTEMPTS", "5"),
                Map.entry("AUTOFIX_PUBLISH_UNVERIFIED", "yes"),
                Map.entry("AUTOFIX_POLL_INTERVAL", "PT10S"),
                Map.entry("AUTOFIX_SHUTDOWN_GRACE", "2m"),
                Map.entry("AUTOFIX_MAX_BODY_BYTES", "2048"),
                Map.entry("AUTOFIX_RECOVERY_INTERVAL", "30s"),
                Map.entry("AUTOFIX_MAX_SPEND_PER_DAY_USD", "$7.50"),
                Map.entry("AUTOFIX_HTTP_REQUEST_TIMEOUT", "20s"),
                Map.entry("AUTOFIX_HTTP_BODY_TIMEOUT", "3s"),
                Map.entry("AUTOFIX_HTTP_MAX_PER_CLIENT", "4"),
                Map.entry("AUTOFIX_HTTP_MAX_CONNECTIONS", "0"),
                Map.entry("AUTOFIX_PUBLISH_RETRY_FOR", "12h"),
                Map.entry("AUTOFIX_PUBLISH_RETRY_FIRST", "30s")),
            problems);

    assertThat(problems).isEmpty();
    assertThat(config)
        .isEqualTo(
            new ServerConfig(
                "0.0.0.0",
                9090,
                Path.of("/var/lib/autofix"),
                java.util.Optional.of("t0ken"),
                java.util.Optional.of("r3ad"),
                2,
                25,
                ZoneId.of("Europe/Berlin"),
                Duration.ofMinutes(90),
                5,
                true,
                Duration.ofSeconds(10),
                Duration.ofMinutes(2),
                2048,
                Duration.ofSeconds(30),
                java.util.Optional.of(new java.math.BigDecimal("7.50")),
                new AutofixServer.ClientLimits(Duration.ofSeconds(20), Duration.ofSeconds(3), 4, 0),
                Duration.ofHours(12),
                Duration.ofSeconds(30)));
    assertThat(config.policy().maxConcurrent()).isEqualTo(2);
    assertThat(config.policy().publishRetry())
        .isEqualTo(
            new dev.autofix.core.usecase.AutofixPolicy.PublishRetry(
                Duration.ofSeconds(30), Duration.ofMinutes(16), Duration.ofHours(12)));
    assertThat(config.policy().spendCeiling())
        .contains(
            new dev.autofix.core.usecase.SpendCeiling(
                new java.math.BigDecimal("7.50"), ZoneId.of("Europe/Berlin")));
  }

  @Test
  void aBindBeyondLoopbackWithoutAReadToken_isAProblemNamingTheSetting() {
    for (String bind : List.of("0.0.0.0", "192.0.2.10", "::")) {
      List<String> problems = new ArrayList<>();
      ServerConfig.fromEnv(
          Map.of("HOME", "/home/ada", "AUTOFIX_BIND", bind, "AUTOFIX_ADMIN_TOKEN", "t0ken"),
          problems);

      assertThat(problems)
          .as("bind %s", bind)
          .singleElement()
          .asString()
          .startsWith("AUTOFIX_READ_TOKEN is required when AUTOFIX_BIND is not a loopback address")
          .contains(bind)
          .doesNotContain("t0ken");
    }
  }

  @Test
  void aLoopbackBindNeedsNoReadToken_andAReadTokenOpensAnyBind() {
    for (String bind : List.of("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost")) {
      List<String> problems = new ArrayList<>();
      ServerConfig.fromEnv(Map.of("HOME", "/home/ada", "AUTOFIX_BIND", bind), problems);
      assertThat(problems).as("bind %s", bind).isEmpty();
    }
    List<String> problems = new ArrayList<>();
    ServerConfig config =
        ServerConfig.fromEnv(
            Map.of("HOME", "/home/ada", "AUTOFIX_BIND", "0.0.0.0", "AUTOFIX_READ_TOKEN", "r3ad"),
            problems);
    assertThat(problems).isEmpty();
    assertThat(config.readToken()).contains("r3ad");
  }

  @Test
  void aNonLoopbackBindWithoutAReadToken_stopsMainWithStatus2() {
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    int code =
        Main.run(
            List.of(),
            Map.of("HOME", "/home/ada", "AUTOFIX_BIND", "0.0.0.0"),
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
            new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("AUTOFIX_READ_TOKEN is required when AUTOFIX_BIND is not a loopback address");
  }

  @Test
  void fromEnv_reportsEveryProblemAtOnce_namingTheKey() {
    List<String> problems = new ArrayList<>();
    ServerConfig.fromEnv(
        Map.of(
            "AUTOFIX_PORT", "eighty",
            "AUTOFIX_MAX_CONCURRENT", "0",
            "AUTOFIX_TIME_ZONE", "Mars/Olympus",
            "AUTOFIX_LEASE", "soon",
            "AUTOFIX_PUBLISH_UNVERIFIED", "maybe",
            "AUTOFIX_MAX_SPEND_PER_DAY_USD", "-5"),
        problems);

    assertThat(problems)
        .hasSize(6)
        .anyMatch(p -> p.startsWith("AUTOFIX_MAX_SPEND_PER_DAY_USD must be a positive amount"))
        .anyMatch(p -> p.startsWith("AUTOFIX_PORT must be a whole number"))
        .anyMatch(p -> p.startsWith("AUTOFIX_MAX_CONCURRENT must be a whole number from 1 to 64"))
        .anyMatch(p -> p.startsWith("AUTOFIX_TIME_ZONE must be a time zone"))
        .anyMatch(p -> p.startsWith("AUTOFIX_LEASE must be a positive duration"))
        .anyMatch(p -> p.startsWith("AUTOFIX_PUBLISH_UNVERIFIED must be true or false"));
  }

  @Test
  void fromEnv_namesABadClientLimit_andKeepsItsDefault() {
    List<String> problems = new ArrayList<>();
    ServerConfig config =
        ServerConfig.fromEnv(
            Map.of("AUTOFIX_HTTP_BODY_TIMEOUT", "0s", "AUTOFIX_HTTP_MAX_PER_CLIENT", "many"),
            problems);

    assertThat(problems)
        .hasSize(2)
        .anyMatch(p -> p.startsWith("AUTOFIX_HTTP_BODY_TIMEOUT must be a positive duration"))
        .anyMatch(p -> p.startsWith("AUTOFIX_HTTP_MAX_PER_CLIENT must be a whole number"));
    assertThat(config.clientLimits()).isEqualTo(AutofixServer.ClientLimits.defaults());
  }
}
