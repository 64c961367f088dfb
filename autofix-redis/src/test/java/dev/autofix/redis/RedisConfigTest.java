package dev.autofix.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autofix.core.settings.Settings;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisConfigTest {

  @Test
  void fromEnv_usesDefaults_whenNothingIsSet() {
    RedisConfig config = RedisConfig.fromEnv(Map.of());

    assertThat(config)
        .isEqualTo(
            new RedisConfig(
                "localhost",
                6379,
                false,
                null,
                null,
                0,
                8,
                Duration.ofSeconds(2),
                "autofix:fixes",
                10,
                ZoneId.of("UTC")));
  }

  @Test
  void fromEnv_mapsEveryVariable() {
    RedisConfig config =
        RedisConfig.fromEnv(
            Map.of(
                "AUTOFIX_REDIS_URL", "rediss://autofix:p%40ss@redis.example.com:6380/3",
                "AUTOFIX_REDIS_POOL_SIZE", "4",
                "AUTOFIX_REDIS_TIMEOUT", "PT0.5S",
                "AUTOFIX_REDIS_KEY_PREFIX", "acme:autofix",
                "AUTOFIX_MAX_FIXES_PER_DAY", "25",
                "AUTOFIX_TIME_ZONE", "Europe/Berlin"));

    assertThat(config)
        .isEqualTo(
            new RedisConfig(
                "redis.example.com",
                6380,
                true,
                "autofix",
                new RedisConfig.Secret("p@ss"),
                3,
                4,
                Duration.ofMillis(500),
                "acme:autofix",
                25,
                ZoneId.of("Europe/Berlin")));
  }

  @Test
  void fromEnv_takesThePasswordVariable_overTheUrlsPassword() {
    RedisConfig config =
        RedisConfig.fromEnv(
            Map.of(
                "AUTOFIX_REDIS_URL", "redis://:in-url@10.0.0.5",
                "AUTOFIX_REDIS_PASSWORD", "from-env",
                "AUTOFIX_REDIS_TIMEOUT", "5"));

    assertThat(config.password()).isEqualTo(new RedisConfig.Secret("from-env"));
    assertThat(config.user()).isNull();
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void fromUrl_readsAUserInfoWithoutColon_asThePassword() {
    RedisConfig config = RedisConfig.fromUrl("redis://only-password@127.0.0.1:7000/1");

    assertThat(config.user()).isNull();
    assertThat(config.password()).isEqualTo(new RedisConfig.Secret("only-password"));
    assertThat(config.endpoint()).isEqualTo("127.0.0.1:7000");
    assertThat(config.database()).isEqualTo(1);
  }

  @Test
  void fromUrl_readsAnIpv6Host() {
    RedisConfig config = RedisConfig.fromUrl("redis://[::1]:6390");

    assertThat(config.host()).isEqualTo("::1");
    assertThat(config.endpoint()).isEqualTo("[::1]:6390");
  }

  @Test
  void toString_hidesThePassword() {
    RedisConfig config = RedisConfig.fromUrl("rediss://autofix:hunter2@redis.example.com");

    assertThat(config.toString()).doesNotContain("hunter2").contains("password=****");
    assertThat(config.redactedUrl()).isEqualTo("rediss://autofix:****@redis.example.com:6379/0");
    assertThat(config.password().toString()).isEqualTo("****");
  }

  @Test
  void fromEnv_rejectsABadUrl_withoutEchoingThePassword() {
    assertThatThrownBy(() -> RedisConfig.fromUrl("redis://user:pa ss@host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_REDIS_URL is not a valid URL")
        .hasNoCause()
        .message()
        .doesNotContain("pa ss");
    assertThatThrownBy(() -> RedisConfig.fromUrl("http://localhost:6379"))
        .hasMessageContaining("must start with redis:// or rediss://");
    assertThatThrownBy(() -> RedisConfig.fromUrl("redis:///0"))
        .hasMessageContaining("AUTOFIX_REDIS_URL has no host");
    assertThatThrownBy(() -> RedisConfig.fromUrl("redis://localhost/zero"))
        .hasMessageContaining("database number");
    assertThatThrownBy(() -> RedisConfig.fromUrl("redis://localhost?ssl=true"))
        .hasMessageContaining("must not have a query");
    assertThatThrownBy(() -> RedisConfig.fromUrl("redis://localhost:70000"))
        .hasMessageContaining("port must be in 1..65535");
  }

  @Test
  void fromEnv_rejectsBadValues_namingTheVariable() {
    assertThatThrownBy(() -> RedisConfig.fromEnv(Map.of("AUTOFIX_MAX_FIXES_PER_DAY", "ten")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_MAX_FIXES_PER_DAY");
    assertThatThrownBy(() -> RedisConfig.fromEnv(Map.of("AUTOFIX_MAX_FIXES_PER_DAY", "-1")))
        .hasMessage("AUTOFIX_MAX_FIXES_PER_DAY must be a whole number from 0 to 100000, not '-1'");
    assertThatThrownBy(() -> RedisConfig.fromEnv(Map.of("AUTOFIX_REDIS_POOL_SIZE", "0")))
        .hasMessage("AUTOFIX_REDIS_POOL_SIZE must be a whole number from 1 to 1024, not '0'");
    assertThatThrownBy(() -> RedisConfig.fromEnv(Map.of("AUTOFIX_REDIS_TIMEOUT", "soon")))
        .hasMessageContaining("AUTOFIX_REDIS_TIMEOUT must be a positive duration");
    assertThatThrownBy(() -> RedisConfig.fromEnv(Map.of("AUTOFIX_REDIS_TIMEOUT", "PT0S")))
        .hasMessageContaining("AUTOFIX_REDIS_TIMEOUT must be a positive duration");
    assertThatThrownBy(() -> RedisConfig.fromEnv(Map.of("AUTOFIX_REDIS_KEY_PREFIX", "a b")))
        .hasMessage("AUTOFIX_REDIS_KEY_PREFIX must be a Redis key without whitespace, not 'a b'");
    assertThatThrownBy(() -> RedisConfig.fromEnv(Map.of("AUTOFIX_TIME_ZONE", "Mars/Olympus")))
        .hasMessageContaining("AUTOFIX_TIME_ZONE");
  }

  @Test
  void read_reportsEveryProblemAtOnce_eachNamingItsKey_withTheSecretsMasked() {
    Settings settings =
        Settings.of(
            Map.of(
                "AUTOFIX_REDIS_URL", "http://user:hunter2@localhost:6379",
                "AUTOFIX_REDIS_PASSWORD", "hunter2",
                "AUTOFIX_REDIS_POOL_SIZE", "many",
                "AUTOFIX_REDIS_TIMEOUT", "soon",
                "AUTOFIX_REDIS_KEY_PREFIX", "a b",
                "AUTOFIX_MAX_FIXES_PER_DAY", "ten",
                "AUTOFIX_TIME_ZONE", "Mars/Olympus"));

    assertThat(RedisConfig.read(settings)).as("not a Redis URL: nothing to build").isNull();
    assertThat(settings.problems())
        .extracting(Settings.Problem::key)
        .containsExactlyInAnyOrder(
            "AUTOFIX_REDIS_URL",
            "AUTOFIX_REDIS_POOL_SIZE",
            "AUTOFIX_REDIS_TIMEOUT",
            "AUTOFIX_REDIS_KEY_PREFIX",
            "AUTOFIX_MAX_FIXES_PER_DAY",
            "AUTOFIX_TIME_ZONE");
    assertThat(settings.problems())
        .contains(
            new Settings.Problem(
                "AUTOFIX_REDIS_URL", "must start with redis:// or rediss://, not http://"));
    assertThat(settings.problems().toString()).doesNotContain("hunter2");
    assertThat(RedisConfig.REDIS_URL.type().masked()).isTrue();
    assertThat(RedisConfig.REDIS_PASSWORD.type().masked()).isTrue();
    assertThat(RedisConfig.REDIS_URL.describeDefault()).isEqualTo("redis://localhost:6379");
  }

  @Test
  void table_holdsEveryKeyFromEnvReads() {
    assertThat(RedisConfig.TABLE)
        .extracting(dev.autofix.core.settings.Setting::key)
        .containsExactly(
            "AUTOFIX_REDIS_URL",
            "AUTOFIX_REDIS_PASSWORD",
            "AUTOFIX_REDIS_POOL_SIZE",
            "AUTOFIX_REDIS_TIMEOUT",
            "AUTOFIX_REDIS_KEY_PREFIX",
            "AUTOFIX_MAX_FIXES_PER_DAY",
            "AUTOFIX_TIME_ZONE");
  }
}
