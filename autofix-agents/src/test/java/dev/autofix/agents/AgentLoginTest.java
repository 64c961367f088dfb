package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether an agent is logged in is known before a run takes its permit. */
class AgentLoginTest {
  @TempDir Path home;

  private Map<String, String> env(String agent, String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("AUTOFIX_REPO_PATH", home.resolve("repo").toString());
    env.put("AUTOFIX_DATA_DIR", home.resolve("data").toString());
    env.put("AUTOFIX_AGENT", agent);
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  private static java.util.Optional<String> unavailable(Map<String, String> env) {
    return Agents.runner(AgentsConfig.fromEnv(env), env).unavailable();
  }

  @Test
  void claude_isNotLoggedIn_withoutAKeyOrALoginFile() {
    assertThat(unavailable(env("claude")))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("claude is not logged in")
                    .contains(home.resolve(".claude/.credentials.json").toString())
                    .contains("ANTHROPIC_API_KEY"));
  }

  @Test
  void claude_isLoggedIn_byAKey_byItsLoginFile_orByAKeyHelper() throws Exception {
    assertThat(unavailable(env("claude", "ANTHROPIC_API_KEY", "sk-ant-x"))).isEmpty();
    assertThat(unavailable(env("claude", "CLAUDE_CODE_OAUTH_TOKEN", "t"))).isEmpty();
    assertThat(unavailable(env("claude", "ANTHROPIC_API_KEY", " "))).as("blank").isPresent();

    Path credentials = home.resolve(".claude/.credentials.json");
    Files.createDirectories(credentials.getParent());
    Files.writeString(credentials, "");
    assertThat(unavailable(env("claude"))).as("an empty login file").isPresent();
    Files.writeString(credentials, "{\"claudeAiOauth\":{}}");
    assertThat(unavailable(env("claude"))).isEmpty();

    Files.delete(credentials);
    Files.writeString(home.resolve(".claude/settings.json"), "{\"apiKeyHelper\": \"pass x\"}");
    assertThat(unavailable(env("claude"))).isEmpty();
  }

  @Test
  void claude_looksInItsConfigDir_whenOneIsSet() throws Exception {
    Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve(".credentials.json"), "{}");

    assertThat(unavailable(env("claude", "CLAUDE_CONFIG_DIR", elsewhere.toString()))).isEmpty();
  }

  @Test
  void codex_isNotLoggedIn_withoutAKeyOrAnAuthFileInItsHome() {
    assertThat(unavailable(env("codex")))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("codex is not logged in")
                    .contains(home.resolve("data/codex-home/auth.json").toString())
                    .contains("AUTOFIX_CODEX_HOME"));
  }

  @Test
  void codex_isLoggedIn_byAKey_byAuthJson_orByItsProvidersKey() throws Exception {
    assertThat(unavailable(env("codex", "OPENAI_API_KEY", "sk-x"))).isEmpty();

    Path codexHome = Files.createDirectories(home.resolve(".codex"));
    Files.writeString(codexHome.resolve("auth.json"), "{\"tokens\":{}}");
    assertThat(unavailable(env("codex", "AUTOFIX_CODEX_HOME", codexHome.toString()))).isEmpty();

    String provider =
        "model_provider=\"fake\",model_providers.fake={name=\"fake\","
            + "base_url=\"http://127.0.0.1:1/v1\",env_key=\"FAKE_KEY\"}";
    assertThat(unavailable(env("codex", "AUTOFIX_CODEX_CONFIG", provider))).isPresent();
    assertThat(unavailable(env("codex", "AUTOFIX_CODEX_CONFIG", provider, "FAKE_KEY", "k")))
        .isEmpty();
  }

  @Test
  void codex_needsNoLogin_forAProviderOfItsOwnWithoutAKey() {
    assertThat(
            unavailable(
                env(
                    "codex",
                    "AUTOFIX_CODEX_CONFIG",
                    "model_provider=\"local\",model_providers.local={name=\"local\","
                        + "base_url=\"http://127.0.0.1:11434/v1\"}")))
        .isEmpty();
  }

  @Test
  void theCommandAgent_needsNoLogin() {
    assertThat(unavailable(env("command", "AUTOFIX_AGENT_COMMAND", "true"))).isEmpty();
  }
}
