package dev.autofix.agents;

import dev.autofix.core.Durations;
import dev.autofix.core.settings.Common;
import dev.autofix.core.settings.Setting;
import dev.autofix.core.settings.SettingType;
import dev.autofix.core.settings.Settings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which agent runs, where, and for how long: the repository checkout, its base branch, the data
 * directory for worktrees, the setup and test commands, and each agent's own options.
 *
 * @param agent which agent runs
 * @param command the command line of the {@code command} agent (run with {@code /bin/sh -c}), or
 *     {@code null} for the others
 * @param agentTimeout the agent's wall-clock timeout
 * @param testCommand the command that verifies a fix (run with {@code /bin/sh -c} in the worktree),
 *     or {@code null} for none
 * @param testTimeout the test command's own timeout
 * @param setupCommand a command run in each new worktree before the agent (for example {@code npm
 *     ci}), or {@code null}
 * @param setupTimeout the setup command's timeout
 * @param repoPath the user's checkout; never modified, worktrees are added from it
 * @param baseBranch the branch fixes start from
 * @param remote the remote the base branch is fetched from when it is reachable
 * @param dataDir where autofix keeps worktrees, agent homes and per-run files; must lie outside the
 *     checkout
 * @param envDenyList further environment variables (names or {@code *} globs) kept from agents, on
 *     top of autofix's own secrets
 * @param promptTemplate a file overriding the prompt template, or {@code null} to use the
 *     checkout's {@code .autofix/prompt.md} when present, else the built-in one
 * @param gitAuthorName the author and committer name of autofix's commits
 * @param gitAuthorEmail the author and committer e-mail of autofix's commits
 * @param logLimitBytes how much of one process's output goes into the run's log
 * @param claude the options of the {@code claude} agent
 * @param codex the options of the {@code codex} agent
 * @param access what the agent, the setup command and the test command can reach: inside an OS
 *     sandbox (the default) or trusted with the user's whole account
 */
public record AgentsConfig(
    Agent agent,
    String command,
    Duration agentTimeout,
    String testCommand,
    Duration testTimeout,
    String setupCommand,
    Duration setupTimeout,
    Path repoPath,
    String baseBranch,
    String remote,
    Path dataDir,
    List<String> envDenyList,
    Path promptTemplate,
    String gitAuthorName,
    String gitAuthorEmail,
    long logLimitBytes,
    ClaudeOptions claude,
    CodexOptions codex,
    AgentAccess access) {

  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/-]+");

  /** An override list in the old ';'-separated form: {@code a="x";b="y"}. */
  private static final Pattern OLD_SEPARATOR = Pattern.compile(";\\s*[A-Za-z0-9_.-]+\\s*=");

  public AgentsConfig {
    Objects.requireNonNull(agent, "agent == null");
    command = blankToNull(command);
    if (agent == Agent.COMMAND && command == null) {
      throw new IllegalArgumentException("the command agent needs a command");
    }
    requirePositive(agentTimeout, "agentTimeout");
    testCommand = blankToNull(testCommand);
    requirePositive(testTimeout, "testTimeout");
    setupCommand = blankToNull(setupCommand);
    requirePositive(setupTimeout, "setupTimeout");
    Objects.requireNonNull(repoPath, "repoPath == null");
    repoPath = repoPath.toAbsolutePath().normalize();
    requireRef(baseBranch, "baseBranch");
    requireRef(remote, "remote");
    Objects.requireNonNull(dataDir, "dataDir == null");
    dataDir = dataDir.toAbsolutePath().normalize();
    if (dataDir.startsWith(repoPath)) {
      // Worktrees inside the checkout would show up in the user's own `git status`.
      throw new IllegalArgumentException(
          "dataDir " + dataDir + " must lie outside the checkout " + repoPath);
    }
    envDenyList =
        envDenyList == null
            ? List.of()
            : envDenyList.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (gitAuthorName == null || gitAuthorName.isBlank()) {
      throw new IllegalArgumentException("gitAuthorName is blank");
    }
    if (gitAuthorEmail == null || !gitAuthorEmail.contains("@")) {
      throw new IllegalArgumentException("not an e-mail address: " + gitAuthorEmail);
    }
    if (logLimitBytes < 0) {
      throw new IllegalArgumentException("logLimitBytes < 0: " + logLimitBytes);
    }
    Objects.requireNonNull(claude, "claude == null");
    Objects.requireNonNull(codex, "codex == null");
    Objects.requireNonNull(access, "access == null");
    if (agent == Agent.CODEX
        && access.isSandboxed()
        && codex.sandbox() != null
        && !codex.sandbox().equals("danger-full-access")) {
      // Measured: its bubblewrap cannot map uid 0 into a user namespace without capabilities, so
      // every command the model runs fails ("setting up uid map: Operation not permitted").
      throw new IllegalArgumentException(
          "AUTOFIX_CODEX_SANDBOX="
              + codex.sandbox()
              + " cannot run inside autofix's sandbox: leave it unset (Codex then runs"
              + " danger-full-access inside autofix's), or set AUTOFIX_AGENT_ACCESS=trusted");
    }
  }

  /** This configuration with {@code access} instead of its own. */
  public AgentsConfig withAccess(AgentAccess access) {
    return toBuilder().access(access).build();
  }

  /** A builder starting from this configuration, to change a few of its values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some values of a configuration; {@link #build} validates the result. */
  public static final class Builder {
    private Agent agent;
    private String command;
    private Duration agentTimeout;
    private String testCommand;
    private String setupCommand;
    private ClaudeOptions claude;
    private CodexOptions codex;
    private AgentAccess access;
    private Path dataDir;
    private final AgentsConfig base;

    private Builder(AgentsConfig base) {
      this.base = base;
      this.agent = base.agent;
      this.command = base.command;
      this.agentTimeout = base.agentTimeout;
      this.testCommand = base.testCommand;
      this.setupCommand = base.setupCommand;
      this.claude = base.claude;
      this.codex = base.codex;
      this.access = base.access;
      this.dataDir = base.dataDir;
    }

    /** The agent, and the command line of the {@code command} agent ({@code null} otherwise). */
    public Builder agent(Agent agent, String command) {
      this.agent = agent;
      this.command = command;
      return this;
    }

    public Builder agentTimeout(Duration agentTimeout) {
      this.agentTimeout = agentTimeout;
      return this;
    }

    public Builder testCommand(String testCommand) {
      this.testCommand = testCommand;
      return this;
    }

    public Builder setupCommand(String setupCommand) {
      this.setupCommand = setupCommand;
      return this;
    }

    public Builder claude(ClaudeOptions claude) {
      this.claude = claude;
      return this;
    }

    public Builder codex(CodexOptions codex) {
      this.codex = codex;
      return this;
    }

    /** Where autofix keeps its worktrees and git state for these runs. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir == null");
      return this;
    }

    public Builder access(AgentAccess access) {
      this.access = access;
      return this;
    }

    /** The configuration; throws as the constructor does for a bad combination. */
    public AgentsConfig build() {
      return new AgentsConfig(
          agent,
          command,
          agentTimeout,
          testCommand,
          base.testTimeout,
          setupCommand,
          base.setupTimeout,
          base.repoPath,
          base.baseBranch,
          base.remote,
          dataDir,
          base.envDenyList,
          base.promptTemplate,
          base.gitAuthorName,
          base.gitAuthorEmail,
          base.logLimitBytes,
          claude,
          codex,
          access);
    }
  }

  /** The agents autofix can run. */
  public enum Agent {
    /** Anthropic's Claude Code CLI, {@code claude -p}. */
    CLAUDE,
    /** OpenAI's Codex CLI, {@code codex exec}. */
    CODEX,
    /** Any command line that takes the prompt on stdin and edits its working directory. */
    COMMAND;

    /** The name runs record, for example {@code claude}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code claude}, {@code codex} or {@code command}. */
    public static Agent fromWire(String value) {
      for (Agent agent : values()) {
        if (agent.wireName().equalsIgnoreCase(value.strip())) {
          return agent;
        }
      }
      throw new IllegalArgumentException("unknown agent (claude|codex|command): " + value);
    }
  }

  /**
   * Options of {@code claude -p}.
   *
   * @param binary the CLI to run, a name on PATH or a path
   * @param allowedTools the {@code --allowedTools} entries, for example {@code Bash(mvn -q test:*)}
   * @param maxTurns {@code --max-turns}
   * @param maxBudgetUsd {@code --max-budget-usd}
   * @param model {@code --model}, or {@code null} for the CLI's default
   * @param appendSystemPrompt {@code --append-system-prompt}, or {@code null} for autofix's own
   * @param maxRetries {@code CLAUDE_CODE_MAX_RETRIES}, so a bad key fails in seconds
   * @param apiTimeout {@code API_TIMEOUT_MS}, one API request's timeout
   */
  public record ClaudeOptions(
      String binary,
      List<String> allowedTools,
      int maxTurns,
      BigDecimal maxBudgetUsd,
      String model,
      String appendSystemPrompt,
      int maxRetries,
      Duration apiTimeout) {
    public ClaudeOptions {
      requireBinary(binary);
      allowedTools = allowedTools == null ? List.of() : List.copyOf(allowedTools);
      if (maxTurns < 1) {
        throw new IllegalArgumentException("maxTurns < 1: " + maxTurns);
      }
      Objects.requireNonNull(maxBudgetUsd, "maxBudgetUsd == null");
      if (maxBudgetUsd.signum() <= 0) {
        throw new IllegalArgumentException("maxBudgetUsd must be positive: " + maxBudgetUsd);
      }
      model = blankToNull(model);
      appendSystemPrompt = blankToNull(appendSystemPrompt);
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries < 0: " + maxRetries);
      }
      requirePositive(apiTimeout, "apiTimeout");
    }

    /** {@code claude} on PATH, 40 turns, $3, 3 retries, 5-minute API timeout. */
    public static ClaudeOptions defaults() {
      return new ClaudeOptions(
          "claude", List.of(), 40, new BigDecimal("3"), null, null, 3, Duration.ofMinutes(5));
    }
  }

  /**
   * Options of {@code codex exec}.
   *
   * @param binary the CLI to run, a name on PATH or a path
   * @param model {@code -m}, or {@code null} for the CLI's default
   * @param configOverrides {@code -c key=value} overrides, values in TOML
   * @param sandbox {@code --sandbox} ({@code read-only}, {@code workspace-write}, {@code
   *     danger-full-access}), or {@code null} for the access profile's own: no sandbox of Codex's
   *     inside autofix's ({@code danger-full-access}), {@code
   *     --dangerously-bypass-approvals-and-sandbox} when trusted
   * @param codexHome {@code CODEX_HOME}, or {@code null} for {@code <dataDir>/codex-home}
   */
  public record CodexOptions(
      String binary,
      String model,
      List<String> configOverrides,
      String sandbox,
      Path codexHome,
      BigDecimal inputUsdPerMillionTokens,
      BigDecimal outputUsdPerMillionTokens) {
    public CodexOptions(
        String binary, String model, List<String> configOverrides, String sandbox, Path codexHome) {
      this(binary, model, configOverrides, sandbox, codexHome, null, null);
    }

    /**
     * What {@code inputTokens} and {@code outputTokens} cost at the configured prices; empty unless
     * both prices are set (Codex reports tokens, not dollars).
     */
    public java.util.Optional<BigDecimal> cost(long inputTokens, long outputTokens) {
      if (inputUsdPerMillionTokens == null || outputUsdPerMillionTokens == null) {
        return java.util.Optional.empty();
      }
      BigDecimal million = BigDecimal.valueOf(1_000_000);
      return java.util.Optional.of(
          inputUsdPerMillionTokens
              .multiply(BigDecimal.valueOf(inputTokens))
              .add(outputUsdPerMillionTokens.multiply(BigDecimal.valueOf(outputTokens)))
              .divide(million, 6, java.math.RoundingMode.HALF_UP));
    }

    public CodexOptions {
      requireBinary(binary);
      model = blankToNull(model);
      configOverrides = configOverrides == null ? List.of() : List.copyOf(configOverrides);
      for (String override : configOverrides) {
        if (!override.contains("=")) {
          throw new IllegalArgumentException("not a key=value override: " + override);
        }
      }
      sandbox = blankToNull(sandbox);
      if (sandbox != null
          && !List.of("read-only", "workspace-write", "danger-full-access").contains(sandbox)) {
        throw new IllegalArgumentException(
            "AUTOFIX_CODEX_SANDBOX: unknown codex sandbox (read-only|workspace-write|"
                + "danger-full-access): "
                + sandbox);
      }
      codexHome = codexHome == null ? null : codexHome.toAbsolutePath().normalize();
    }

    /** {@code codex} on PATH, the access profile's own sandbox flags. */
    public static CodexOptions defaults() {
      return new CodexOptions("codex", null, List.of(), null, null);
    }
  }

  /**
   * The defaults for a checkout: Claude Code, 30-minute timeout, no test or setup command, base
   * {@code main} from {@code origin}.
   */
  public static AgentsConfig of(Path repoPath, Path dataDir) {
    return new AgentsConfig(
        Agent.CLAUDE,
        null,
        Duration.ofMinutes(30),
        null,
        Duration.ofMinutes(10),
        null,
        Duration.ofMinutes(10),
        repoPath,
        "main",
        "origin",
        dataDir,
        List.of(),
        null,
        "autofix",
        "autofix@localhost",
        1L << 20,
        ClaudeOptions.defaults(),
        CodexOptions.defaults(),
        AgentAccess.sandboxed());
  }

  private static final String M = "agents";

  public static final Setting<Path> REPO_PATH =
      Setting.of(
              "AUTOFIX_REPO_PATH",
              SettingType.path(),
              null,
              M,
              "your local checkout; never touched, work happens in worktrees")
          .shownAs("required")
          .forProjects();
  public static final Setting<Agent> AGENT =
      Setting.of(
              "AUTOFIX_AGENT",
              SettingType.oneOf(Agent.class),
              Agent.CLAUDE,
              M,
              "the agent: claude, codex or command")
          .forProjects();
  public static final Setting<String> AGENT_COMMAND =
      Setting.of(
              "AUTOFIX_AGENT_COMMAND",
              SettingType.string(),
              null,
              M,
              "the command agent's command line; it gets the prompt on stdin")
          .forProjects();
  public static final Setting<Duration> AGENT_TIMEOUT =
      Setting.of(
              "AUTOFIX_AGENT_TIMEOUT",
              SettingType.duration(),
              Duration.ofMinutes(30),
              M,
              "the agent's wall clock; its whole process tree is killed after")
          .shownAs("30m")
          .forProjects();
  public static final Setting<String> TEST_COMMAND =
      Setting.of(
              "AUTOFIX_TEST_COMMAND",
              SettingType.string(),
              null,
              M,
              "autofix's own verification, run in the worktree after the agent")
          .forProjects();
  public static final Setting<Duration> TEST_TIMEOUT =
      Setting.of(
              "AUTOFIX_TEST_TIMEOUT",
              SettingType.duration(),
              Duration.ofMinutes(10),
              M,
              "the test command's timeout")
          .shownAs("10m")
          .forProjects();
  public static final Setting<String> SETUP_COMMAND =
      Setting.of(
              "AUTOFIX_SETUP_COMMAND",
              SettingType.string(),
              null,
              M,
              "run in each new worktree before the agent, for example npm ci")
          .forProjects();
  public static final Setting<Duration> SETUP_TIMEOUT =
      Setting.of(
              "AUTOFIX_SETUP_TIMEOUT",
              SettingType.duration(),
              Duration.ofMinutes(10),
              M,
              "the setup command's timeout")
          .shownAs("10m")
          .forProjects();
  public static final Setting<String> BASE_BRANCH = Common.BASE_BRANCH;
  public static final Setting<String> GIT_REMOTE =
      Setting.of(
              "AUTOFIX_GIT_REMOTE",
              SettingType.string(),
              "origin",
              M,
              "the remote the base branch is fetched from when reachable")
          .forProjects();
  public static final Setting<List<String>> AGENT_ENV_DENY =
      Setting.of(
              "AUTOFIX_AGENT_ENV_DENY",
              SettingType.list(),
              List.of(),
              M,
              "further variables (names or * globs) kept from agents")
          .forProjects();
  public static final Setting<Path> PROMPT_TEMPLATE =
      Setting.of(
              "AUTOFIX_PROMPT_TEMPLATE",
              SettingType.path(),
              null,
              M,
              "a file overriding the prompt template")
          .shownAs("the checkout's .autofix/prompt.md, else the built-in one")
          .forProjects();
  public static final Setting<String> GIT_AUTHOR_NAME =
      Setting.of(
          "AUTOFIX_GIT_AUTHOR_NAME",
          SettingType.string(),
          "autofix",
          M,
          "the author and committer name of autofix's commits");
  public static final Setting<String> GIT_AUTHOR_EMAIL =
      Setting.of(
          "AUTOFIX_GIT_AUTHOR_EMAIL",
          SettingType.string(),
          "autofix@localhost",
          M,
          "the author and committer e-mail of autofix's commits");
  public static final Setting<Integer> AGENT_LOG_LIMIT_BYTES =
      Setting.of(
          "AUTOFIX_AGENT_LOG_LIMIT_BYTES",
          SettingType.integer(0, Integer.MAX_VALUE),
          1 << 20,
          M,
          "how much of one process's output goes into the run's log");
  public static final Setting<String> CLAUDE_BIN =
      Setting.of("AUTOFIX_CLAUDE_BIN", SettingType.string(), "claude", M, "the claude CLI")
          .forProjects();
  public static final Setting<List<String>> CLAUDE_ALLOWED_TOOLS =
      Setting.of(
              "AUTOFIX_CLAUDE_ALLOWED_TOOLS",
              SettingType.list(),
              List.of(),
              M,
              "--allowedTools entries; none: every tool, without permission prompts")
          .forProjects();
  public static final Setting<Integer> CLAUDE_MAX_TURNS =
      Setting.of(
              "AUTOFIX_CLAUDE_MAX_TURNS",
              SettingType.integer(1, 10_000),
              40,
              M,
              "claude's --max-turns")
          .forProjects();
  public static final Setting<BigDecimal> CLAUDE_MAX_BUDGET_USD =
      Setting.of(
              "AUTOFIX_CLAUDE_MAX_BUDGET_USD",
              SettingType.dollars(),
              new BigDecimal("3"),
              M,
              "claude's --max-budget-usd for one run")
          .forProjects();
  public static final Setting<String> CLAUDE_MODEL =
      Setting.of("AUTOFIX_CLAUDE_MODEL", SettingType.string(), null, M, "claude's --model")
          .shownAs("the CLI's default")
          .forProjects();
  public static final Setting<String> CLAUDE_APPEND_SYSTEM_PROMPT =
      Setting.of(
              "AUTOFIX_CLAUDE_APPEND_SYSTEM_PROMPT",
              SettingType.string(),
              null,
              M,
              "claude's --append-system-prompt")
          .shownAs("autofix's own")
          .forProjects();
  public static final Setting<Integer> CLAUDE_MAX_RETRIES =
      Setting.of(
          "AUTOFIX_CLAUDE_MAX_RETRIES",
          SettingType.integer(0, 100),
          3,
          M,
          "CLAUDE_CODE_MAX_RETRIES, so a bad key fails in seconds");
  public static final Setting<Duration> CLAUDE_API_TIMEOUT =
      Setting.of(
              "AUTOFIX_CLAUDE_API_TIMEOUT",
              SettingType.duration(),
              Duration.ofMinutes(5),
              M,
              "API_TIMEOUT_MS: one API request's timeout")
          .shownAs("5m");
  public static final Setting<String> CODEX_BIN =
      Setting.of("AUTOFIX_CODEX_BIN", SettingType.string(), "codex", M, "the codex CLI")
          .forProjects();
  public static final Setting<String> CODEX_MODEL =
      Setting.of("AUTOFIX_CODEX_MODEL", SettingType.string(), null, M, "codex's -m")
          .shownAs("the CLI's default")
          .forProjects();
  public static final Setting<List<String>> CODEX_CONFIG =
      Setting.of(
              "AUTOFIX_CODEX_CONFIG",
              SettingType.list(),
              List.of(),
              M,
              "codex -c key=value overrides, values in TOML (a comma inside {} or quotes does"
                  + " not split)")
          .forProjects();
  public static final Setting<String> CODEX_SANDBOX =
      Setting.of(
              "AUTOFIX_CODEX_SANDBOX",
              SettingType.string(),
              null,
              M,
              "codex's --sandbox: read-only, workspace-write or danger-full-access")
          .shownAs("the access profile's own")
          .forProjects();
  public static final Setting<Path> CODEX_HOME =
      Setting.of("AUTOFIX_CODEX_HOME", SettingType.path(), null, M, "CODEX_HOME: its login")
          .shownAs("<data dir>/codex-home")
          .forProjects();
  public static final Setting<BigDecimal> CODEX_INPUT_PRICE =
      Setting.of(
              "AUTOFIX_CODEX_INPUT_USD_PER_MTOK",
              SettingType.dollars(),
              null,
              M,
              "the model's price per million input tokens, for codex's cost (it reports tokens)")
          .shownAs("none: cost unknown")
          .forProjects();
  public static final Setting<BigDecimal> CODEX_OUTPUT_PRICE =
      Setting.of(
              "AUTOFIX_CODEX_OUTPUT_USD_PER_MTOK",
              SettingType.dollars(),
              null,
              M,
              "the model's price per million output tokens, for codex's cost")
          .shownAs("none: cost unknown")
          .forProjects();
  public static final Setting<AgentAccess.Mode> AGENT_ACCESS =
      Setting.of(
              "AUTOFIX_AGENT_ACCESS",
              SettingType.oneOf(AgentAccess.Mode.class),
              AgentAccess.Mode.SANDBOXED,
              M,
              "sandboxed (bubblewrap) or trusted (the agent has your whole account)")
          .forProjects();
  public static final Setting<List<String>> AGENT_WRITABLE =
      Setting.of(
              "AUTOFIX_AGENT_WRITABLE",
              SettingType.list(),
              List.of(),
              M,
              "further paths the sandbox may write")
          .forProjects();
  public static final Setting<List<String>> AGENT_READABLE =
      Setting.of(
              "AUTOFIX_AGENT_READABLE",
              SettingType.list(),
              List.of(),
              M,
              "further paths the sandbox may read, under a hidden place such as /tmp")
          .forProjects();
  public static final Setting<List<String>> AGENT_HIDDEN =
      Setting.of(
              "AUTOFIX_AGENT_HIDDEN",
              SettingType.list(),
              AgentAccess.DEFAULT_HIDDEN,
              M,
              "the paths the sandbox hides (replaces the list)")
          .shownAs("keys, cloud and registry credentials, logins")
          .forProjects();
  public static final Setting<List<String>> AGENT_ALLOWED_HOSTS =
      Setting.of(
              "AUTOFIX_AGENT_ALLOWED_HOSTS",
              SettingType.list(),
              List.of(),
              M,
              "further host[:port]s the sandbox may reach, such as a package registry")
          .shownAs("the model API")
          .forProjects();
  public static final Setting<List<String>> AGENT_ENV_ALLOW =
      Setting.of(
              "AUTOFIX_AGENT_ENV_ALLOW",
              SettingType.list(),
              List.of(),
              M,
              "further variables (names or * globs) the sandboxed agent gets")
          .forProjects();

  /** This module's rows of the key table. */
  public static final List<Setting<?>> TABLE =
      List.of(
          REPO_PATH,
          Common.DATA_DIR,
          AGENT,
          AGENT_COMMAND,
          AGENT_TIMEOUT,
          TEST_COMMAND,
          TEST_TIMEOUT,
          SETUP_COMMAND,
          SETUP_TIMEOUT,
          BASE_BRANCH,
          GIT_REMOTE,
          AGENT_ENV_DENY,
          PROMPT_TEMPLATE,
          GIT_AUTHOR_NAME,
          GIT_AUTHOR_EMAIL,
          AGENT_LOG_LIMIT_BYTES,
          CLAUDE_BIN,
          CLAUDE_ALLOWED_TOOLS,
          CLAUDE_MAX_TURNS,
          CLAUDE_MAX_BUDGET_USD,
          CLAUDE_MODEL,
          CLAUDE_APPEND_SYSTEM_PROMPT,
          CLAUDE_MAX_RETRIES,
          CLAUDE_API_TIMEOUT,
          CODEX_BIN,
          CODEX_MODEL,
          CODEX_CONFIG,
          CODEX_SANDBOX,
          CODEX_HOME,
          CODEX_INPUT_PRICE,
          CODEX_OUTPUT_PRICE,
          AGENT_ACCESS,
          AGENT_WRITABLE,
          AGENT_READABLE,
          AGENT_HIDDEN,
          AGENT_ALLOWED_HOSTS,
          AGENT_ENV_ALLOW);

  /**
   * Reads the configuration from environment variables; see the module README for every key.
   *
   * @throws IllegalArgumentException naming every problem, each with its key
   */
  public static AgentsConfig fromEnv(Map<String, String> env) {
    return Settings.readOrThrow(env, AgentsConfig::read);
  }

  /**
   * Reads the configuration through {@code settings}, which collects every problem, each naming its
   * key; {@code null} when there is none to build (no checkout, or a combination that cannot be).
   */
  public static AgentsConfig read(Settings settings) {
    // Every value is read once, first, so that every mistake is reported, whatever else is wrong.
    Optional<Path> repo = settings.require(REPO_PATH, "(the checkout to fix)");
    Path dataDir = settings.get(Common.DATA_DIR);
    Agent agent = settings.get(AGENT);
    String command = settings.find(AGENT_COMMAND).orElse(null);
    Duration agentTimeout = settings.get(AGENT_TIMEOUT);
    String testCommand = settings.find(TEST_COMMAND).orElse(null);
    Duration testTimeout = settings.get(TEST_TIMEOUT);
    String setupCommand = settings.find(SETUP_COMMAND).orElse(null);
    Duration setupTimeout = settings.get(SETUP_TIMEOUT);
    String baseBranch = ref(settings, BASE_BRANCH);
    String remote = ref(settings, GIT_REMOTE);
    List<String> envDeny = settings.get(AGENT_ENV_DENY);
    Path promptTemplate = settings.find(PROMPT_TEMPLATE).orElse(null);
    String authorName = settings.get(GIT_AUTHOR_NAME);
    String email = settings.get(GIT_AUTHOR_EMAIL);
    if (!email.contains("@")) {
      settings.problem(GIT_AUTHOR_EMAIL, "must be an e-mail address, not '" + email + "'");
      email = GIT_AUTHOR_EMAIL.defaultValue();
    }
    int logLimit = settings.get(AGENT_LOG_LIMIT_BYTES);
    ClaudeOptions claude =
        new ClaudeOptions(
            binary(settings, CLAUDE_BIN),
            settings.get(CLAUDE_ALLOWED_TOOLS),
            settings.get(CLAUDE_MAX_TURNS),
            settings.get(CLAUDE_MAX_BUDGET_USD),
            settings.find(CLAUDE_MODEL).orElse(null),
            settings.find(CLAUDE_APPEND_SYSTEM_PROMPT).orElse(null),
            settings.get(CLAUDE_MAX_RETRIES),
            settings.get(CLAUDE_API_TIMEOUT));
    List<String> overrides = new ArrayList<>();
    for (String override : settings.get(CODEX_CONFIG)) {
      if (OLD_SEPARATOR.matcher(override).find()) {
        settings.problem(
            CODEX_CONFIG,
            "holds '"
                + override
                + "': overrides are separated by commas now, not ';' (a comma inside {} or quotes"
                + " does not split)");
      } else if (override.contains("=")) {
        overrides.add(override);
      } else {
        settings.problem(CODEX_CONFIG, "holds '" + override + "', which is not a key=value");
      }
    }
    String sandbox = settings.find(CODEX_SANDBOX).orElse(null);
    if (sandbox != null
        && !List.of("read-only", "workspace-write", "danger-full-access").contains(sandbox)) {
      settings.problem(
          CODEX_SANDBOX,
          "must be read-only, workspace-write or danger-full-access, not '" + sandbox + "'");
      sandbox = null;
    }
    CodexOptions codex =
        new CodexOptions(
            binary(settings, CODEX_BIN),
            settings.find(CODEX_MODEL).orElse(null),
            overrides,
            sandbox,
            settings.find(CODEX_HOME).orElse(null),
            settings.find(CODEX_INPUT_PRICE).orElse(null),
            settings.find(CODEX_OUTPUT_PRICE).orElse(null));
    AgentAccess.Mode mode = settings.get(AGENT_ACCESS);
    List<List<String>> lists =
        List.of(
            settings.get(AGENT_WRITABLE),
            settings.get(AGENT_READABLE),
            settings.get(AGENT_HIDDEN),
            settings.get(AGENT_ALLOWED_HOSTS),
            settings.get(AGENT_ENV_ALLOW));
    boolean usable = true;
    if (agent == Agent.COMMAND && command == null) {
      settings.problem(AGENT_COMMAND, "is required when AUTOFIX_AGENT is command");
      usable = false;
    }
    if (agent == Agent.CODEX
        && mode == AgentAccess.Mode.SANDBOXED
        && sandbox != null
        && !sandbox.equals("danger-full-access")) {
      // Measured: its bubblewrap cannot map uid 0 into a user namespace without capabilities, so
      // every command the model runs fails ("setting up uid map: Operation not permitted").
      settings.problem(
          CODEX_SANDBOX,
          "="
              + sandbox
              + " cannot run inside autofix's sandbox: leave it unset (Codex then runs"
              + " danger-full-access inside autofix's), or set AUTOFIX_AGENT_ACCESS=trusted");
      usable = false;
    }
    if (repo.isPresent()
        && dataDir
            .toAbsolutePath()
            .normalize()
            .startsWith(repo.get().toAbsolutePath().normalize())) {
      // Worktrees inside the checkout would show up in the user's own `git status`.
      settings.problem(Common.DATA_DIR, dataDir + " must lie outside the checkout " + repo.get());
      usable = false;
    }
    AgentAccess access;
    try {
      access =
          new AgentAccess(
              mode,
              lists.get(0),
              lists.get(1),
              lists.get(2),
              lists.get(3),
              lists.get(4),
              List.of());
    } catch (IllegalArgumentException refused) {
      // the access profile's own checks (a relative writable path, a URL for a host) name their key
      settings.problem(refused, AGENT_ACCESS);
      return null;
    }
    if (repo.isEmpty() || !usable) {
      return null;
    }
    return new AgentsConfig(
        agent,
        command,
        agentTimeout,
        testCommand,
        testTimeout,
        setupCommand,
        setupTimeout,
        repo.get(),
        baseBranch,
        remote,
        dataDir,
        envDeny,
        promptTemplate,
        authorName,
        email,
        logLimit,
        claude,
        codex,
        access);
  }

  /** A branch or remote name git takes as one, else a problem and the default. */
  private static String ref(Settings settings, Setting<String> setting) {
    String value = settings.get(setting);
    if (!REF.matcher(value).matches() || value.startsWith("-") || value.contains("..")) {
      settings.problem(
          setting,
          "must be a git name such as " + setting.defaultValue() + ", not '" + value + "'");
      return setting.defaultValue();
    }
    return value;
  }

  /** A program to run: not an option. */
  private static String binary(Settings settings, Setting<String> setting) {
    String value = settings.get(setting);
    if (value.startsWith("-")) {
      settings.problem(setting, "must be a program, not '" + value + "'");
      return setting.defaultValue();
    }
    return value;
  }

  /** {@code codex.codexHome()}, or {@code <dataDir>/codex-home} when that is not set. */
  public Path codexHome() {
    return codex.codexHome() != null ? codex.codexHome() : dataDir.resolve("codex-home");
  }

  /** Parses a duration the way every autofix setting does: see {@link Durations#parse}. */
  public static Duration parseDuration(String text) {
    return Durations.parse(text);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name + " == null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  private static void requireRef(String value, String name) {
    Objects.requireNonNull(value, name + " == null");
    if (!REF.matcher(value).matches() || value.startsWith("-") || value.contains("..")) {
      throw new IllegalArgumentException("not a valid " + name + ": " + value);
    }
  }

  private static void requireBinary(String binary) {
    if (binary == null || binary.isBlank() || binary.startsWith("-")) {
      throw new IllegalArgumentException("not a program: " + binary);
    }
  }
}
