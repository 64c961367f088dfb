package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a missing token quietly switches off is said at start-up, one line each. */
class FeaturesOffTest {
  @TempDir Path root;

  @Test
  void featuresOff_namesTheMissingTokens_andWhatEachSwitchesOff() throws Exception {
    try (E2eWorld world = new E2eWorld(root)) {
      Map<String, String> env = new HashMap<>(world.environment(0));
      env.remove("AUTOFIX_SENTRY_TOKEN");
      env.remove("AUTOFIX_SENTRY_ORG");
      env.remove("AUTOFIX_GITHUB_TOKEN");

      assertThat(Assembly.featuresOff(Assembly.settings(env)))
          .satisfiesExactly(
              sentry ->
                  assertThat(sentry)
                      .startsWith("no AUTOFIX_SENTRY_TOKEN")
                      .contains("no stack trace")
                      .contains("not polled"),
              github ->
                  assertThat(github)
                      .startsWith("no AUTOFIX_GITHUB_TOKEN")
                      .contains("no pull request without a token"));
    }
  }

  @Test
  void featuresOff_isEmpty_withBothTokens() throws Exception {
    try (E2eWorld world = new E2eWorld(root)) {
      assertThat(Assembly.featuresOff(Assembly.settings(world.environment(0)))).isEmpty();
    }
  }

  @Test
  void summary_saysWhereItListens_theEngineAndCap_andEachRepositorysAgent() throws Exception {
    try (E2eWorld world = new E2eWorld(root)) {
      Map<String, String> env = new HashMap<>(world.environment(0));
      env.put("AUTOFIX_MAX_SPEND_PER_DAY_USD", "12.50");
      Assembly.Settings settings = Assembly.settings(env);

      assertThat(Assembly.summary(settings, "embedded PostgreSQL in /data", 8123))
          .satisfiesExactly(
              listens ->
                  assertThat(listens)
                      .startsWith("autofix listens on http://127.0.0.1:8123")
                      .contains("embedded PostgreSQL in /data"),
              engine ->
                  assertThat(engine)
                      .contains("the PostgreSQL queue, 1 agent(s) at once")
                      .contains("kept in PostgreSQL")
                      .contains("spend ceiling $12.50 a day"),
              repository ->
                  assertThat(repository)
                      .startsWith(
                          "repository " + settings.repository().orElseThrow().agents().repoPath())
                      .contains("agent command")
                      .contains("test command"));
    }
  }
}
