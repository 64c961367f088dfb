package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users who are logged in (the agent would run) must not be called logged out: the server's gate
 * would claim nothing, forever. And a switch that is off is not a login.
 */
class AgentLoginMoreEdgesTest {
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
  void claude_symlinkedSettingsWithAKeyHelper_isLoggedIn() throws Exception {
    // dotfiles managers (stow, home-manager) make ~/.claude/settings.json a symlink
    Path dotfiles = Files.createDirectories(home.resolve("dotfiles"));
    Path real =
        Files.writeString(dotfiles.resolve("settings.json"), "{\"apiKeyHelper\": \"pass x\"}");
    Files.createDirectories(home.resolve(".claude"));
    Files.createSymbolicLink(home.resolve(".claude/settings.json"), real);
    assertThat(unavailable(env("claude"))).isEmpty();
  }

  @Test
  void claude_keyInSettingsEnvBlock_isLoggedIn() throws Exception {
    // settings.json "env" is applied to every Claude Code session
    Files.createDirectories(home.resolve(".claude"));
    Files.writeString(
        home.resolve(".claude/settings.json"), "{\"env\": {\"ANTHROPIC_API_KEY\": \"sk-ant-x\"}}");
    assertThat(unavailable(env("claude"))).isEmpty();
  }

  @Test
  void claude_largeStateFileWithPrimaryApiKey_isLoggedIn() throws Exception {
    // ~/.claude.json keeps per-project history and routinely passes 1 MiB
    String padding = "x".repeat(1_200_000);
    Files.writeString(
        home.resolve(".claude.json"),
        "{\"primaryApiKey\": \"sk-ant-x\", \"projects\": {\"p\": \"" + padding + "\"}}");
    assertThat(unavailable(env("claude"))).isEmpty();
  }

  @Test
  void claude_configDirHoldsItsOwnStateFile_isLoggedIn() throws Exception {
    // with CLAUDE_CONFIG_DIR, Claude Code keeps .claude.json inside that dir, not in $HOME
    Path dir = Files.createDirectories(home.resolve("cfg"));
    Files.writeString(dir.resolve(".claude.json"), "{\"primaryApiKey\": \"sk-ant-x\"}");
    assertThat(unavailable(env("claude", "CLAUDE_CONFIG_DIR", dir.toString()))).isEmpty();
  }

  @Test
  void codex_localProvider_withACommentedOutEnvKey_needsNoLogin() throws Exception {
    Path codexHome = Files.createDirectories(home.resolve(".codex"));
    Files.writeString(
        codexHome.resolve("config.toml"),
        """
        model_provider = "local"
        [model_providers.local]
        name = "local"
        base_url = "http://127.0.0.1:11434/v1"
        # env_key = "LOCAL_KEY"   (not needed on localhost)
        """);
    assertThat(unavailable(env("codex", "AUTOFIX_CODEX_HOME", codexHome.toString()))).isEmpty();
  }

  @Test
  void codex_localProvider_besideAnUnselectedKeyedProvider_needsNoLogin() throws Exception {
    Path codexHome = Files.createDirectories(home.resolve(".codex"));
    Files.writeString(
        codexHome.resolve("config.toml"),
        """
        model_provider = "local"
        [model_providers.local]
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
  void codex_unquotedProviderOverride_needsNoLogin() {
    // codex -c takes a value that is not valid TOML as a literal string: model_provider=oss works
    assertThat(unavailable(env("codex", "AUTOFIX_CODEX_CONFIG", "model_provider=oss"))).isEmpty();
  }

  @Test
  void codex_symlinkedConfigNamingAKeyThatIsSet_isLoggedIn() throws Exception {
    Path codexHome = Files.createDirectories(home.resolve(".codex"));
    Path real =
        Files.writeString(
            home.resolve("config.toml"),
            """
            model_provider = "azure"
            [model_providers.azure]
            name = "azure"
            base_url = "https://x.openai.azure.com/openai"
            env_key = "AZURE_OPENAI_API_KEY"
            """);
    Files.createSymbolicLink(codexHome.resolve("config.toml"), real);
    assertThat(
            unavailable(
                env(
                    "codex",
                    "AUTOFIX_CODEX_HOME",
                    codexHome.toString(),
                    "AZURE_OPENAI_API_KEY",
                    "k")))
        .isEmpty();
  }

  @Test
  void claude_bedrockSwitchedOff_isNotALogin() {
    // false positive: CLAUDE_CODE_USE_BEDROCK=0 means "not Bedrock"
    assertThat(unavailable(env("claude", "CLAUDE_CODE_USE_BEDROCK", "0"))).isPresent();
  }
}
