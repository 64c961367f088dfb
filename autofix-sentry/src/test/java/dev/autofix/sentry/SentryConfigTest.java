package dev.autofix.sentry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autofix.core.model.Level;
import dev.autofix.core.settings.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SentryConfigTest {

  @Test
  void fromEnv_appliesDefaults_whenOnlyClientSecretSet() {
    SentryConfig config = SentryConfig.fromEnv(Map.of("AUTOFIX_SENTRY_CLIENT_SECRET", "s3cret"));

    assertThat(config.clientSecret().value()).isEqualTo("s3cret");
    assertThat(config.apiUrl()).isEqualTo(URI.create("https://sentry.io"));
    assertThat(config.token()).isNull();
    assertThat(config.hasToken()).isFalse();
    assertThat(config.org()).isNull();
    assertThat(config.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(config.legacyEnabled()).isFalse();
    assertThat(config.legacySecret()).isNull();
    assertThat(config.projects()).isEmpty();
    assertThat(config.minimumLevel()).isEqualTo(Level.DEBUG);
    assertThat(config.environments()).isEmpty();
    assertThat(config.pollInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.pollLookback()).isEqualTo(Duration.ofHours(1));
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.maxAttempts()).isEqualTo(3);
    assertThat(config.maxRetryWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.installationUuid()).isNull();
  }

  @Test
  void fromEnv_mapsEveryVariable() {
    SentryConfig config =
        SentryConfig.fromEnv(
            Map.ofEntries(
                Map.entry("AUTOFIX_SENTRY_CLIENT_SECRET", "s3cret"),
                Map.entry("AUTOFIX_SENTRY_API_URL", "https://sentry.example.com/"),
                Map.entry("AUTOFIX_SENTRY_TOKEN", "tok"),
                Map.entry("AUTOFIX_SENTRY_ORG", "acme"),
                Map.entry("AUTOFIX_SENTRY_MAX_BODY_BYTES", "2048"),
                Map.entry("AUTOFIX_SENTRY_LEGACY_ENABLED", "yes"),
                Map.entry("AUTOFIX_SENTRY_LEGACY_SECRET", "shared"),
                Map.entry("AUTOFIX_SENTRY_PROJECTS", "backend, front-end,"),
                Map.entry("AUTOFIX_SENTRY_MIN_LEVEL", "warning"),
                Map.entry("AUTOFIX_SENTRY_ENVIRONMENTS", "production"),
                Map.entry("AUTOFIX_SENTRY_POLL_INTERVAL", "PT2M"),
                Map.entry("AUTOFIX_SENTRY_POLL_LOOKBACK", "600"),
                Map.entry("AUTOFIX_SENTRY_TIMEOUT", "PT3S"),
                Map.entry("AUTOFIX_SENTRY_MAX_ATTEMPTS", "5"),
                Map.entry("AUTOFIX_SENTRY_MAX_RETRY_WAIT", "PT1M"),
                Map.entry("AUTOFIX_SENTRY_INSTALLATION_UUID", "a8e5d37a")));

    assertThat(config.apiUrl()).isEqualTo(URI.create("https://sentry.example.com"));
    assertThat(config.token().value()).isEqualTo("tok");
    assertThat(config.org()).isEqualTo("acme");
    assertThat(config.maxBodyBytes()).isEqualTo(2048);
    assertThat(config.legacyEnabled()).isTrue();
    assertThat(config.legacySecret().value()).isEqualTo("shared");
    assertThat(config.projects()).isEqualTo(Set.of("backend", "front-end"));
    assertThat(config.minimumLevel()).isEqualTo(Level.WARNING);
    assertThat(config.environments()).isEqualTo(Set.of("production"));
    assertThat(config.pollInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.pollLookback()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.maxAttempts()).isEqualTo(5);
    assertThat(config.maxRetryWait()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.installationUuid()).isEqualTo("a8e5d37a");
  }

  @Test
  void toString_hidesSecrets() {
    SentryConfig config =
        SentryConfig.fromEnv(
            Map.of(
                "AUTOFIX_SENTRY_CLIENT_SECRET", "s3cret",
                "AUTOFIX_SENTRY_TOKEN", "tok3n",
                "AUTOFIX_SENTRY_ORG", "acme"));

    assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("tok3n").contains("****");
  }

  @Test
  void fromEnv_rejectsMissingOrInvalidValues() {
    assertThatThrownBy(() -> SentryConfig.fromEnv(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "AUTOFIX_SENTRY_CLIENT_SECRET is required (the HMAC key of Sentry-Hook-Signature)");
    assertThatThrownBy(() -> withClientSecretAnd("AUTOFIX_SENTRY_TOKEN", "t"))
        .hasMessage("AUTOFIX_SENTRY_ORG is required when AUTOFIX_SENTRY_TOKEN is set");
    assertThatThrownBy(() -> withClientSecretAnd("AUTOFIX_SENTRY_LEGACY_ENABLED", "true"))
        .hasMessage(
            "AUTOFIX_SENTRY_LEGACY_SECRET is required when AUTOFIX_SENTRY_LEGACY_ENABLED is true");
    assertThatThrownBy(() -> withClientSecretAnd("AUTOFIX_SENTRY_TIMEOUT", "soon"))
        .hasMessageContaining("AUTOFIX_SENTRY_TIMEOUT must be a positive duration");
    assertThatThrownBy(() -> withClientSecretAnd("AUTOFIX_SENTRY_LEGACY_ENABLED", "ture"))
        .hasMessageContaining("AUTOFIX_SENTRY_LEGACY_ENABLED must be true or false");
    assertThatThrownBy(() -> withClientSecretAnd("AUTOFIX_SENTRY_API_URL", "sentry.example.com"))
        .hasMessage(
            "AUTOFIX_SENTRY_API_URL must be an http(s) URL such as https://sentry.io, not"
                + " 'sentry.example.com'");
  }

  @Test
  void read_reportsEveryProblemAtOnce_eachNamingItsKey_withTheSecretsMasked() {
    Settings settings =
        Settings.of(
            Map.of(
                "AUTOFIX_SENTRY_TOKEN", "tok3n",
                "AUTOFIX_SENTRY_LEGACY_ENABLED", "maybe",
                "AUTOFIX_SENTRY_MIN_LEVEL", "loud",
                "AUTOFIX_SENTRY_MAX_ATTEMPTS", "0",
                "AUTOFIX_SENTRY_POLL_INTERVAL", "often",
                "AUTOFIX_SENTRY_MAX_BODY_BYTES", "huge"));

    assertThat(SentryConfig.read(settings)).as("no client secret: nothing to build").isNull();
    assertThat(settings.problems())
        .extracting(Settings.Problem::key)
        .containsExactlyInAnyOrder(
            "AUTOFIX_SENTRY_CLIENT_SECRET",
            "AUTOFIX_SENTRY_ORG",
            "AUTOFIX_SENTRY_LEGACY_ENABLED",
            "AUTOFIX_SENTRY_MIN_LEVEL",
            "AUTOFIX_SENTRY_MAX_ATTEMPTS",
            "AUTOFIX_SENTRY_POLL_INTERVAL",
            "AUTOFIX_SENTRY_MAX_BODY_BYTES");
    assertThat(settings.problems().toString())
        .contains(
            "AUTOFIX_SENTRY_MIN_LEVEL must be one of debug, info, warning, error, fatal (also warn,"
                + " critical), not 'loud'")
        .contains("AUTOFIX_SENTRY_MAX_ATTEMPTS must be a whole number from 1 to 100, not '0'")
        .doesNotContain("tok3n");
    assertThat(SentryConfig.TABLE)
        .filteredOn(s -> s.type().masked())
        .extracting(dev.autofix.core.settings.Setting::key)
        .containsExactly(
            "AUTOFIX_SENTRY_CLIENT_SECRET", "AUTOFIX_SENTRY_TOKEN", "AUTOFIX_SENTRY_LEGACY_SECRET");
  }

  /** {@code fromEnv} with a client secret and one more key. */
  private static SentryConfig withClientSecretAnd(String key, String value) {
    return SentryConfig.fromEnv(Map.of("AUTOFIX_SENTRY_CLIENT_SECRET", "s", key, value));
  }
}
