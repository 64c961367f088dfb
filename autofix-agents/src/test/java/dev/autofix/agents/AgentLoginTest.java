package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether an agent is logged in is known before a run takes its permit: never calling a logged-in
 * user logged out (links, settings env blocks, config dirs, providers of their own), since the
 * server would then claim nothing.
 */
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

  @Test
  void codex_withItsLoginInTheKeyring_isTrusted_sinceNoAuthJsonIsLeft() throws Exception {
    Path codexHome = Files.createDirectories(home.resolve(".codex"));
    Files.writeString(
        codexHome.resolve("config.toml"), "cli_auth_credentials_store = \"keyring\"\n");

    assertThat(unavailable(env("codex", "AUTOFIX_CODEX_HOME", codexHome.toString()))).isEmpty();
  }
}
