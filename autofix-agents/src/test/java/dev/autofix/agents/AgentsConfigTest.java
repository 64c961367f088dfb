package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentsConfigTest {

  @Test
  void fromEnv_appliesTheDefaults_whenOnlyTheRepositoryIsSet() {
    AgentsConfig config =
        AgentsConfig.fromEnv(Map.of("AUTOFIX_REPO_PATH", "/srv/app", "HOME", "/home/me"));

    assertThat(config)
        .isEqualTo(
            new AgentsConfig(
                AgentsConfig.Agent.CLAUDE,
                null,
                Duration.ofMinutes(30),
                null,
                Duration.ofMinutes(10),
                null,
                Duration.ofMinutes(10),
                Path.of("/srv/app"),
                "main",
                "origin",
                Path.of("/home/me/.autofix"),
                List.of(),
                null,
                "autofix",
                "autofix@localhost",
                1L << 20,
                new AgentsConfig.ClaudeOptions(
                    "claude",
                    List.of(),
                    40,
                    new BigDecimal("3"),
                    null,
                    null,
                    3,
                    Duration.ofMinutes(5)),
                new AgentsConfig.CodexOptions("codex", null, List.of(), null, null),
                AgentAccess.sandboxed()));
    assertThat(config.codexHome()).isEqualTo(Path.of("/home/me/.autofix/codex-home"));
  }

  @Test
  void fromEnv_mapsEveryKey() {
    Map<String, String> env =
        Map.ofEntries(
            Map.entry("AUTOFIX_REPO_PATH", "/srv/app"),
            Map.entry("AUTOFIX_DATA_DIR", "/var/lib/autofix"),
            Map.entry("AUTOFIX_AGENT", "command"),
            Map.entry("AUTOFIX_AGENT_COMMAND", "aider --yes-always --message-file -"),
            Map.entry("AUTOFIX_AGENT_TIMEOUT", "45m"),
            Map.entry("AUTOFIX_TEST_COMMAND", "mvn -q test"),
            Map.entry("AUTOFIX_TEST_TIMEOUT", "PT20M"),
            Map.entry("AUTOFIX_SETUP_COMMAND", "npm ci"),
            Map.entry("AUTOFIX_SETUP_TIMEOUT", "90s"),
            Map.entry("AUTOFIX_BASE_BRANCH", "develop"),
            Map.entry("AUTOFIX_GIT_REMOTE", "upstream"),
            Map.entry("AUTOFIX_AGENT_ENV_DENY", "AWS_*, NPM_TOKEN"),
            Map.entry("AUTOFIX_PROMPT_TEMPLATE", "/etc/autofix/prompt.md"),
            Map.entry("AUTOFIX_GIT_AUTHOR_NAME", "Autofix Bot"),
            Map.entry("AUTOFIX_GIT_AUTHOR_EMAIL", "bot@example.com"),
            Map.entry("AUTOFIX_AGENT_LOG_LIMIT_BYTES", "5000"),
            Map.entry("AUTOFIX_CLAUDE_BIN", "/opt/claude/bin/claude"),
            Map.entry("AUTOFIX_CLAUDE_ALLOWED_TOOLS", "Bash(mvn -q test:*),Bash(git diff:*)"),
            Map.entry("AUTOFIX_CLAUDE_MAX_TURNS", "25"),
            Map.entry("AUTOFIX_CLAUDE_MAX_BUDGET_USD", "1.25"),
            Map.entry("AUTOFIX_CLAUDE_MODEL", "claude-sonnet-5-5"),
            Map.entry("AUTOFIX_CLAUDE_APPEND_SYSTEM_PROMPT", "Be brief."),
            Map.entry("AUTOFIX_CLAUDE_MAX_RETRIES", "1"),
            Map.entry("AUTOFIX_CLAUDE_API_TIMEOUT", "2m"),
            Map.entry("AUTOFIX_CODEX_BIN", "/opt/codex"),
            Map.entry("AUTOFIX_CODEX_MODEL", "gpt-5.5"),
            Map.entry("AUTOFIX_CODEX_CONFIG", "model_provider=\"corp\", features.plugins=false"),
            Map.entry("AUTOFIX_CODEX_SANDBOX", "danger-full-access"),
            Map.entry("AUTOFIX_CODEX_HOME", "/var/lib/codex"),
            Map.entry("AUTOFIX_AGENT_ACCESS", "Sandboxed"),
            Map.entry("AUTOFIX_AGENT_WRITABLE", "~/.cache/pip, /srv/shared"),
            Map.entry("AUTOFIX_AGENT_HIDDEN", "~/.ssh,/etc/app-secrets"),
            Map.entry("AUTOFIX_AGENT_ALLOWED_HOSTS", "registry.npmjs.org, 127.0.0.1:9000"),
            Map.entry("AUTOFIX_AGENT_ENV_ALLOW", "MAVEN_OPTS,NODE_*"));

    AgentsConfig config = AgentsConfig.fromEnv(env);

    assertThat(config)
        .isEqualTo(
            new AgentsConfig(
                AgentsConfig.Agent.COMMAND,
                "aider --yes-always --message-file -",
                Duration.ofMinutes(45),
                "mvn -q test",
                Duration.ofMinutes(20),
                "npm ci",
                Duration.ofSeconds(90),
                Path.of("/srv/app"),
                "develop",
                "upstream",
                Path.of("/var/lib/autofix"),
                List.of("AWS_*", "NPM_TOKEN"),
                Path.of("/etc/autofix/prompt.md"),
                "Autofix Bot",
                "bot@example.com",
                5000,
                new AgentsConfig.ClaudeOptions(
                    "/opt/claude/bin/claude",
                    List.of("Bash(mvn -q test:*)", "Bash(git diff:*)"),
                    25,
                    new BigDecimal("1.25"),
                    "claude-sonnet-5-5",
                    "Be brief.",
                    1,
                    Duration.ofMinutes(2)),
                new AgentsConfig.CodexOptions(
                    "/opt/codex",
                    "gpt-5.5",
                    List.of("model_provider=\"corp\"", "features.plugins=false"),
                    "danger-full-access",
                    Path.of("/var/lib/codex")),
                new AgentAccess(
                    AgentAccess.Mode.SANDBOXED,
                    List.of("~/.cache/pip", "/srv/shared"),
                    List.of(),
                    List.of("~/.ssh", "/etc/app-secrets"),
                    List.of("registry.npmjs.org", "127.0.0.1:9000"),
                    List.of("MAVEN_OPTS", "NODE_*"),
                    List.of())));
    assertThat(config.codexHome()).isEqualTo(Path.of("/var/lib/codex"));
  }

  @Test
  void fromEnv_rejectsMissingOrBadValues() {
    assertThatThrownBy(() -> AgentsConfig.fromEnv(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTOFIX_REPO_PATH");
    assertThatThrownBy(
            () ->
                AgentsConfig.fromEnv(
                    Map.of("AUTOFIX_REPO_PATH", "/srv/app", "AUTOFIX_AGENT", "command")))
        .hasMessageContaining("AUTOFIX_AGENT_COMMAND is required when AUTOFIX_AGENT is command");
    assertThatThrownBy(
            () ->
                AgentsConfig.fromEnv(
                    Map.of("AUTOFIX_REPO_PATH", "/srv/app", "AUTOFIX_AGENT_TIMEOUT", "soon")))
        .hasMessageContaining("AUTOFIX_AGENT_TIMEOUT");
    assertThatThrownBy(
            () ->
                AgentsConfig.fromEnv(
                    Map.of("AUTOFIX_REPO_PATH", "/srv/app", "AUTOFIX_DATA_DIR", "/srv/app/.af")))
        .hasMessageContaining("outside the checkout");
    assertThatThrownBy(
            () ->
                AgentsConfig.fromEnv(
                    Map.of("AUTOFIX_REPO_PATH", "/srv/app", "AUTOFIX_BASE_BRANCH", "--force")))
        .hasMessageContaining("AUTOFIX_BASE_BRANCH must be a git name");
    assertThatThrownBy(
            () ->
                AgentsConfig.fromEnv(
                    Map.of("AUTOFIX_REPO_PATH", "/srv/app", "AUTOFIX_AGENT_ACCESS", "open")))
        .hasMessageContaining("AUTOFIX_AGENT_ACCESS")
        .hasMessageContaining("one of sandboxed, trusted");
    assertThatThrownBy(
            () ->
                AgentsConfig.fromEnv(
                    Map.of(
                        "AUTOFIX_REPO_PATH", "/srv/app", "AUTOFIX_AGENT_WRITABLE", "relative/dir")))
        .hasMessageContaining("AUTOFIX_AGENT_WRITABLE");
    assertThatThrownBy(
            () ->
                AgentsConfig.fromEnv(
                    Map.of(
                        "AUTOFIX_REPO_PATH",
                        "/srv/app",
                        "AUTOFIX_AGENT_ALLOWED_HOSTS",
                        "http://registry.npmjs.org/")))
        .hasMessageContaining("AUTOFIX_AGENT_ALLOWED_HOSTS");
  }

  @Test
  void read_reportsEveryProblemAtOnce_eachNamingItsKey() {
    dev.autofix.core.settings.Settings settings =
        dev.autofix.core.settings.Settings.of(
            Map.of(
                "AUTOFIX_AGENT", "bogus",
                "AUTOFIX_AGENT_TIMEOUT", "soon",
                "AUTOFIX_CLAUDE_MAX_BUDGET_USD", "free",
                "AUTOFIX_GIT_AUTHOR_EMAIL", "nobody",
                "AUTOFIX_CODEX_CONFIG", "model_provider=\"x\", oops"));

    assertThat(AgentsConfig.read(settings)).as("no checkout: nothing to build").isNull();
    assertThat(settings.problems())
        .extracting(dev.autofix.core.settings.Settings.Problem::key)
        .containsExactlyInAnyOrder(
            "AUTOFIX_REPO_PATH",
            "AUTOFIX_AGENT",
            "AUTOFIX_AGENT_TIMEOUT",
            "AUTOFIX_CLAUDE_MAX_BUDGET_USD",
            "AUTOFIX_GIT_AUTHOR_EMAIL",
            "AUTOFIX_CODEX_CONFIG");
    assertThat(settings.problems().toString())
        .contains("AUTOFIX_AGENT must be one of claude, codex, command, not 'bogus'")
        .contains("AUTOFIX_CODEX_CONFIG holds 'oops', which is not a key=value");
  }

  @Test
  void fromEnv_defaultsToTheSandbox_withTheDefaultHiddenPaths() {
    AgentsConfig config = AgentsConfig.fromEnv(Map.of("AUTOFIX_REPO_PATH", "/srv/app"));

    assertThat(config.access().isSandboxed()).isTrue();
    assertThat(config.access().hidden())
        .containsAll(
            List.of("~/.gnupg", "~/.npmrc", "~/.claude/.credentials.json", "~/.codex/auth.json"))
        .startsWith(
            "~/.ssh",
            "~/.aws",
            "~/.config/gh",
            "~/.git-credentials",
            "~/.netrc",
            "~/.docker",
            "~/.kube");
    assertThat(
            AgentsConfig.fromEnv(
                    Map.of("AUTOFIX_REPO_PATH", "/srv/app", "AUTOFIX_AGENT_ACCESS", "trusted"))
                .access()
                .isSandboxed())
        .isFalse();
  }

  @Test
  void codexsOwnSandbox_isRefusedInsideAutofixs_becauseItCannotNestThere() {
    assertThatThrownBy(
            () ->
                AgentsConfig.fromEnv(
                    Map.of(
                        "AUTOFIX_REPO_PATH", "/srv/app",
                        "AUTOFIX_AGENT", "codex",
                        "AUTOFIX_CODEX_SANDBOX", "workspace-write")))
        .hasMessageContaining("AUTOFIX_CODEX_SANDBOX")
        .hasMessageContaining("AUTOFIX_AGENT_ACCESS=trusted");
    assertThat(
            AgentsConfig.fromEnv(
                    Map.of(
                        "AUTOFIX_REPO_PATH", "/srv/app",
                        "AUTOFIX_AGENT", "codex",
                        "AUTOFIX_AGENT_ACCESS", "trusted",
                        "AUTOFIX_CODEX_SANDBOX", "workspace-write"))
                .codex()
                .sandbox())
        .isEqualTo("workspace-write");
  }

  @Test
  void toBuilder_changesOnlyWhatItIsTold_andValidatesTheResult() {
    AgentsConfig config = AgentsConfig.fromEnv(Map.of("AUTOFIX_REPO_PATH", "/srv/app"));

    assertThat(config.toBuilder().build()).isEqualTo(config);
    AgentsConfig changed = config.toBuilder().testCommand("make test").build();
    assertThat(changed.testCommand()).isEqualTo("make test");
    assertThat(changed.toBuilder().testCommand(null).build()).isEqualTo(config);
    assertThatThrownBy(() -> config.toBuilder().agent(AgentsConfig.Agent.COMMAND, null).build())
        .hasMessageContaining("the command agent needs a command");
  }

  @Test
  void parseDuration_acceptsShortAndIsoForms() {
    assertThat(AgentsConfig.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(AgentsConfig.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(AgentsConfig.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(AgentsConfig.parseDuration("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
  }
}
