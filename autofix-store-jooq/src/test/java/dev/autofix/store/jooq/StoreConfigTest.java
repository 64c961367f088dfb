package dev.autofix.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autofix.core.settings.Settings;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

  @Test
  void fromEnv_usesTheEmbeddedDefaults_whenNothingIsSet() {
    StoreConfig config = StoreConfig.fromEnv(Map.of("HOME", "/home/me"));

    assertThat(config)
        .isEqualTo(
            new StoreConfig(
                null, null, null, Path.of("/home/me/.autofix"), 0, 10, ZoneId.of("UTC"), 10));
    assertThat(config.isEmbedded()).isTrue();
    assertThat(config.embeddedDataDir()).isEqualTo(Path.of("/home/me/.autofix/postgres"));
    assertThat(StoreConfig.embedded(Path.of("/home/me/.autofix"))).isEqualTo(config);
  }

  @Test
  void fromEnv_mapsEveryKey() {
    StoreConfig config =
        StoreConfig.fromEnv(
            Map.of(
                "AUTOFIX_DATABASE_URL", "jdbc:postgresql://db.internal:5432/autofix",
                "AUTOFIX_DATABASE_USER", "autofix",
                "AUTOFIX_DATABASE_PASSWORD", "s3cret",
                "AUTOFIX_DATA_DIR", "/var/lib/autofix",
                "AUTOFIX_EMBEDDED_DATABASE_PORT", "15432",
                "AUTOFIX_DATABASE_POOL_SIZE", "4",
                "AUTOFIX_TIME_ZONE", "Europe/Berlin",
                "AUTOFIX_MAX_FIXES_PER_DAY", "7"));

    assertThat(config)
        .isEqualTo(
            new StoreConfig(
                "jdbc:postgresql://db.internal:5432/autofix",
                "autofix",
                new StoreConfig.Secret("s3cret"),
                Path.of("/var/lib/autofix"),
                15432,
                4,
                ZoneId.of("Europe/Berlin"),
                7));
    assertThat(config.isEmbedded()).isFalse();
  }

  @Test
  void toString_hidesThePassword() {
    StoreConfig config =
        StoreConfig.fromEnv(
            Map.of(
                "AUTOFIX_DATABASE_URL", "jdbc:postgresql://db/autofix",
                "AUTOFIX_DATABASE_PASSWORD", "s3cret"));

    assertThat(config.toString()).doesNotContain("s3cret").contains("****");
  }

  @Test
  void fromEnv_rejectsBadValues_namingTheKey() {
    assertThatThrownBy(
            () -> StoreConfig.fromEnv(Map.of("AUTOFIX_DATABASE_URL", "jdbc:mysql://db/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("AUTOFIX_DATABASE_URL must be a jdbc:postgresql: URL, not 'jdbc:mysql://db/x'");
    assertThatThrownBy(() -> StoreConfig.fromEnv(Map.of("AUTOFIX_DATABASE_POOL_SIZE", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("AUTOFIX_DATABASE_POOL_SIZE must be a whole number from 1 to 200, not '0'");
    assertThatThrownBy(() -> StoreConfig.fromEnv(Map.of("AUTOFIX_MAX_FIXES_PER_DAY", "many")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_MAX_FIXES_PER_DAY");
    assertThatThrownBy(() -> StoreConfig.fromEnv(Map.of("AUTOFIX_TIME_ZONE", "Mars/Olympus")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_TIME_ZONE");
    assertThatThrownBy(() -> StoreConfig.fromEnv(Map.of("AUTOFIX_DATABASE_PASSWORD", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "AUTOFIX_DATABASE_URL is required when AUTOFIX_DATABASE_PASSWORD is set");
  }

  @Test
  void constructor_rejectsBadValues() {
    assertThatThrownBy(
            () ->
                new StoreConfig(
                    "jdbc:mysql://db/x?password=s3cret",
                    null,
                    null,
                    Path.of("/data"),
                    0,
                    10,
                    ZoneId.of("UTC"),
                    10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:")
        .message()
        .doesNotContain("s3cret");
    assertThatThrownBy(
            () -> new StoreConfig(null, null, null, Path.of("/data"), 0, 0, ZoneId.of("UTC"), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("poolSize");
  }

  @Test
  void read_reportsEveryProblemAtOnce_eachNamingItsKey_withTheSecretMasked() {
    Settings settings =
        Settings.of(
            Map.of(
                "AUTOFIX_DATABASE_URL", "jdbc:mysql://db/x?password=hunter2",
                "AUTOFIX_DATABASE_PASSWORD", "hunter2",
                "AUTOFIX_EMBEDDED_DATABASE_PORT", "70000",
                "AUTOFIX_DATABASE_POOL_SIZE", "lots",
                "AUTOFIX_TIME_ZONE", "Mars/Olympus",
                "AUTOFIX_MAX_FIXES_PER_DAY", "-1"));

    assertThat(StoreConfig.read(settings)).as("not a PostgreSQL URL: nothing to build").isNull();
    assertThat(settings.problems())
        .extracting(Settings.Problem::key)
        .containsExactlyInAnyOrder(
            "AUTOFIX_DATABASE_URL",
            "AUTOFIX_EMBEDDED_DATABASE_PORT",
            "AUTOFIX_DATABASE_POOL_SIZE",
            "AUTOFIX_TIME_ZONE",
            "AUTOFIX_MAX_FIXES_PER_DAY");
    assertThat(settings.problems().toString())
        .contains("AUTOFIX_DATABASE_URL must be a jdbc:postgresql: URL, not")
        .contains("AUTOFIX_EMBEDDED_DATABASE_PORT must be a whole number from 0 to 65535")
        .doesNotContain("hunter2");
  }

  @Test
  void read_neverQuotesThePassword_whenItHasNoUrl() {
    Settings settings = Settings.of(Map.of("AUTOFIX_DATABASE_PASSWORD", "hunter2"));

    assertThat(StoreConfig.read(settings)).isNull();
    assertThat(settings.problems())
        .containsExactly(
            new Settings.Problem(
                "AUTOFIX_DATABASE_URL",
                "is required when AUTOFIX_DATABASE_PASSWORD is set (the embedded server has no"
                    + " users)"));
  }

  @Test
  void table_holdsEveryKeyFromEnvReads() {
    assertThat(StoreConfig.TABLE)
        .extracting(dev.autofix.core.settings.Setting::key)
        .containsExactly(
            "AUTOFIX_DATABASE_URL",
            "AUTOFIX_DATABASE_USER",
            "AUTOFIX_DATABASE_PASSWORD",
            "AUTOFIX_DATA_DIR",
            "AUTOFIX_EMBEDDED_DATABASE_PORT",
            "AUTOFIX_DATABASE_POOL_SIZE",
            "AUTOFIX_TIME_ZONE",
            "AUTOFIX_MAX_FIXES_PER_DAY");
    assertThat(StoreConfig.DATABASE_PASSWORD.type().masked()).isTrue();
  }
}
