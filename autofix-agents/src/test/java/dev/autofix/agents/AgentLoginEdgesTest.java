package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins kept the ways users keep them (links, settings env blocks, config dirs, providers of their
 * own), and the settings edges of the agents module.
 */
class AgentLoginEdgesTest {
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
  void claude_settingsJsonKeptAsASymlink_byADotfileManager_isSeen() throws Exception {
    Path dotfiles = Files.createDirectories(home.resolve("dotfiles"));
    Files.writeString(dotfiles.resolve("settings.json"), "{\"apiKeyHelper\": \"pass anthropic\"}");
    Files.createDirectories(home.resolve(".claude"));
    Files.createSymbolicLink(
        home.resolve(".claude/settings.json"), dotfiles.resolve("settings.json"));
    assertThat(unavailable(env("claude"))).isEmpty();
  }

  @Test
  void claude_aKeyInTheSettingsEnvBlock_logsIn() throws Exception {
    Files.createDirectories(home.resolve(".claude"));
    Files.writeString(
        home.resolve(".claude/settings.json"),
        "{\"env\": {\"CLAUDE_CODE_USE_BEDROCK\": \"1\", \"AWS_REGION\": \"us-east-1\"}}");
    assertThat(unavailable(env("claude"))).isEmpty();
  }

  @Test
  void claude_withAConfigDir_readsItsOwnClaudeJson() throws Exception {
    // With CLAUDE_CONFIG_DIR, Claude Code keeps .claude.json inside that directory.
    Path dir = Files.createDirectories(home.resolve("cfg"));
    Files.writeString(dir.resolve(".claude.json"), "{\"primaryApiKey\": \"sk-ant-x\"}");
    assertThat(unavailable(env("claude", "CLAUDE_CONFIG_DIR", dir.toString()))).isEmpty();
  }

  @Test
  void codex_aKeylessActiveProvider_isNotBlockedByAnotherProvidersKey() throws Exception {
    Path codexHome = Files.createDirectories(home.resolve(".codex"));
    Files.writeString(
        codexHome.resolve("config.toml"),
        """
        model_provider = "ollama-local"

        [model_providers.ollama-local]
        name = "local"
        base_url = "http://127.0.0.1:11434/v1"

        [model_providers.azure]
        name = "azure"
        base_url = "https://x.openai.azure.com/openai"
        env_key = "AZURE_OPENAI_API_KEY"
        """);
    assertThat(unavailable(env("codex", "AUTOFIX_CODEX_HOME", codexHome.toString()))).isEmpty();
  }

  @Test
  void codex_anUnquotedProviderOverride_isSeen() {
    // codex -c takes a value that does not parse as TOML as a literal string
    assertThat(unavailable(env("codex", "AUTOFIX_CODEX_CONFIG", "model_provider=oss"))).isEmpty();
  }

  @Test
  void codexConfig_theOldSemicolonSeparatedForm_isNotSilentlyOneOverride() {
    Map<String, String> e =
        env("codex", "AUTOFIX_CODEX_CONFIG", "model=\"o3\";model_reasoning_effort=\"high\"");
    dev.autofix.core.settings.Settings s = dev.autofix.core.settings.Settings.of(e);
    AgentsConfig config = AgentsConfig.read(s);
    assertThat(config.codex().configOverrides().size() == 2 || !s.problems().isEmpty())
        .as("overrides " + config.codex().configOverrides() + ", problems " + s.problems())
        .isTrue();
  }

  @Test
  void agentHidden_setToEmpty_stillMeansHideNothing_asBefore() {
    Map<String, String> e = env("claude", "AUTOFIX_AGENT_HIDDEN", "");
    assertThat(AgentsConfig.fromEnv(e).access().hidden()).isEmpty();
  }

  @Test
  void aRefusedAccessValue_isReportedUnderItsOwnKey() {
    Map<String, String> e = env("claude", "AUTOFIX_AGENT_WRITABLE", "relative/dir");
    dev.autofix.core.settings.Settings s = dev.autofix.core.settings.Settings.of(e);
    AgentsConfig.read(s);
    assertThat(s.problems())
        .extracting(dev.autofix.core.settings.Settings.Problem::key)
        .containsExactly("AUTOFIX_AGENT_WRITABLE");
  }
}
