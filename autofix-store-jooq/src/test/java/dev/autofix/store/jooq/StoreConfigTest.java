package dev.autofix.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

  @Test
  void fromEnv_usesTheEmbeddedDefaults_whenNothingIsSet() {
    StoreConfig config = StoreConfig.fromEnv(Map.of());

    assertThat(config)
        .isEqualTo(
            new StoreConfig(null, null, null, Path.of("autofix-data"), 0, 10, ZoneOffset.UTC, 10));
    assertThat(config.isEmbedded()).isTrue();
    assertThat(config.embeddedDataDir()).isEqualTo(Path.of("autofix-data", "postgres"));
    assertThat(StoreConfig.embedded(Path.of("autofix-data"))).isEqualTo(config);
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
  void constructor_rejectsBadValues() {
    assertThatThrownBy(
            () -> StoreConfig.fromEnv(Map.of("AUTOFIX_DATABASE_URL", "jdbc:mysql://db/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:");
    assertThatThrownBy(() -> StoreConfig.fromEnv(Map.of("AUTOFIX_DATABASE_POOL_SIZE", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("poolSize");
    assertThatThrownBy(() -> StoreConfig.fromEnv(Map.of("AUTOFIX_MAX_FIXES_PER_DAY", "many")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_MAX_FIXES_PER_DAY");
    assertThatThrownBy(() -> StoreConfig.fromEnv(Map.of("AUTOFIX_TIME_ZONE", "Mars/Olympus")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_TIME_ZONE");
    assertThatThrownBy(() -> StoreConfig.fromEnv(Map.of("AUTOFIX_DATABASE_PASSWORD", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_DATABASE_URL");
  }
}
