package dev.autofix.core.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  enum Agent {
    CLAUDE,
    CODEX
  }

  static final Setting<Integer> PORT =
      Setting.of("AUTOFIX_PORT", SettingType.integer(0, 65535), 8080, "server", "the port");
  static final Setting<Duration> LEASE =
      Setting.of("AUTOFIX_LEASE", SettingType.duration(), Duration.ofMinutes(2), "server", "lease");
  static final Setting<Boolean> UNVERIFIED =
      Setting.of("AUTOFIX_PUBLISH_UNVERIFIED", SettingType.bool(), false, "server", "drafts");
  static final Setting<Agent> AGENT =
      Setting.of("AUTOFIX_AGENT", SettingType.oneOf(Agent.class), Agent.CLAUDE, "agents", "agent");
  static final Setting<String> TOKEN =
      Setting.of("AUTOFIX_GITHUB_TOKEN", SettingType.secret(), null, "github", "token");
  static final Setting<List<String>> HOSTS =
      Setting.of("AUTOFIX_AGENT_ALLOWED_HOSTS", SettingType.list(), List.of(), "agents", "hosts");
  static final Setting<BigDecimal> SPEND =
      Setting.of("AUTOFIX_MAX_SPEND_PER_DAY_USD", SettingType.dollars(), null, "server", "spend");

  @Test
  void reportsEveryProblemAtOnce_eachNamingItsKeyAndValue_andGivesTheDefaultsBack() {
    Settings settings =
        Settings.of(
            Map.of(
                "AUTOFIX_PORT", "eighty",
                "AUTOFIX_LEASE", "soon",
                "AUTOFIX_PUBLISH_UNVERIFIED", "maybe",
                "AUTOFIX_AGENT", "bogus"));

    assertThat(settings.get(PORT)).isEqualTo(8080);
    assertThat(settings.get(LEASE)).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.get(UNVERIFIED)).isFalse();
    assertThat(settings.get(AGENT)).isEqualTo(Agent.CLAUDE);
    assertThat(settings.problems())
        .extracting(Settings.Problem::toString)
        .containsExactly(
            "AUTOFIX_PORT must be a whole number from 0 to 65535, not 'eighty'",
            "AUTOFIX_LEASE must be a positive duration such as 500ms, 90s, 30m, 2h or PT30M, not"
                + " 'soon'",
            "AUTOFIX_PUBLISH_UNVERIFIED must be true or false (also yes/no, on/off, 1/0), not"
                + " 'maybe'",
            "AUTOFIX_AGENT must be one of claude, codex, not 'bogus'");
  }

  @Test
  void oneDialect_forBooleansDurationsListsAndDollars() {
    Settings settings =
        Settings.of(
            Map.of(
                "AUTOFIX_PUBLISH_UNVERIFIED", "On",
                "AUTOFIX_LEASE", "90s",
                "AUTOFIX_AGENT", "Codex",
                "AUTOFIX_AGENT_ALLOWED_HOSTS",
                    "a.example:443, model_providers.x={name=\"x\",base_url=\"http://h\"} ,,'b,c'",
                "AUTOFIX_MAX_SPEND_PER_DAY_USD", "$7.50"));

    assertThat(settings.get(UNVERIFIED)).isTrue();
    assertThat(settings.get(LEASE)).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.get(AGENT)).isEqualTo(Agent.CODEX);
    assertThat(settings.get(HOSTS))
        .containsExactly(
            "a.example:443", "model_providers.x={name=\"x\",base_url=\"http://h\"}", "'b,c'");
    assertThat(settings.get(SPEND)).isEqualByComparingTo("7.50");
    assertThat(settings.problems()).isEmpty();
  }

  @Test
  void masksSecrets_andNamesTheProjectOfAScopedReader() {
    Settings all = Settings.of(Map.of());
    Settings backEnd =
        all.scoped(
            Map.of("AUTOFIX_PORT", "-1", "AUTOFIX_GITHUB_TOKEN", "x"), "projects.back-end: ");

    backEnd.get(PORT);
    backEnd.problem(TOKEN, "has no access to acme/back");
    all.require(TOKEN, "to open pull requests");

    assertThat(all.problems())
        .extracting(Settings.Problem::toString)
        .containsExactly(
            "projects.back-end: AUTOFIX_PORT must be a whole number from 0 to 65535, not '-1'",
            "projects.back-end: AUTOFIX_GITHUB_TOKEN has no access to acme/back",
            "AUTOFIX_GITHUB_TOKEN is required to open pull requests");
    assertThat(Settings.shown(TOKEN, "ghp_secret")).isEqualTo("'***' (10 characters)");
  }

  @Test
  void unknownKeys_andTheirClosestSetting() {
    List<Setting<?>> table = List.of(PORT, LEASE, UNVERIFIED, AGENT, TOKEN, HOSTS, SPEND);

    assertThat(
            Settings.unknownKeys(
                Map.of("AUTOFIX_PORT", "1", "AUTOFIX_LAESE", "2m", "PATH", "/bin"), table))
        .containsExactly("AUTOFIX_LAESE");
    assertThat(Settings.closest("AUTOFIX_LAESE", table)).contains(LEASE);
    assertThat(Settings.closest("AUTOFIX_MAX_SPEND_PER_DYA_USD", table)).contains(SPEND);
    assertThat(Settings.closest("AUTOFIX_SOMETHING_ELSE_ENTIRELY", table)).isEmpty();
  }

  @Test
  void aSettingsYamlKey_andItsShownDefault() {
    assertThat(SPEND.yamlKey()).isEqualTo("max_spend_per_day_usd");
    assertThat(SPEND.describeDefault()).isEqualTo("none");
    assertThat(AGENT.describeDefault()).isEqualTo("claude");
    assertThat(LEASE.shownAs("2m").describeDefault()).isEqualTo("2m");
    assertThat(HOSTS.forProjects().perProject()).isTrue();
  }

  @Test
  void theDataDir_isUnderHome_byDefault_andATildeMeansHomeWhereverItIsGiven() {
    Settings settings = Settings.of(Map.of("HOME", "/home/me"));
    assertThat(settings.get(Common.DATA_DIR)).isEqualTo(java.nio.file.Path.of("/home/me/.autofix"));

    Settings given = Settings.of(Map.of("HOME", "/home/me", "AUTOFIX_DATA_DIR", "~/data/af"));
    assertThat(given.get(Common.DATA_DIR)).isEqualTo(java.nio.file.Path.of("/home/me/data/af"));
    assertThat(Settings.of(Map.of("AUTOFIX_DATA_DIR", "/srv/af")).get(Common.DATA_DIR))
        .isEqualTo(java.nio.file.Path.of("/srv/af"));
    assertThat(Common.DATA_DIR.describeDefault()).isEqualTo("~/.autofix");
  }

  @Test
  void aListGivenAsEmpty_isNone_notItsDefault() {
    Setting<List<String>> labels =
        Setting.of("AUTOFIX_GITHUB_LABELS", SettingType.list(), List.of("autofix"), "github", "l");

    assertThat(Settings.of(Map.of()).get(labels)).containsExactly("autofix");
    assertThat(Settings.of(Map.of("AUTOFIX_GITHUB_LABELS", "")).get(labels)).isEmpty();
  }

  @Test
  void readOrThrow_throwsEveryProblemJoined_orGivesWhatWasRead() {
    java.util.function.Function<Settings, Integer> read =
        settings -> {
          settings.get(LEASE);
          return settings.get(PORT);
        };

    assertThat(Settings.readOrThrow(Map.of("AUTOFIX_PORT", "9090"), read)).isEqualTo(9090);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Settings.readOrThrow(Map.of("AUTOFIX_PORT", "high", "AUTOFIX_LEASE", "soon"), read))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("AUTOFIX_LEASE must be a positive duration")
        .hasMessageContaining("; AUTOFIX_PORT must be a whole number from 0 to 65535, not 'high'");
  }
}
