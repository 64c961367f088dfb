package dev.autofix.agents;

import dev.autofix.core.Durations;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
          base.dataDir,
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
      String binary, String model, List<String> configOverrides, String sandbox, Path codexHome) {
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

  /**
   * Reads the configuration from environment variables; see the module README for every key.
   *
   * @throws IllegalArgumentException when {@code AUTOFIX_REPO_PATH} is missing or a value is bad
   */
  public static AgentsConfig fromEnv(Map<String, String> env) {
    String repo = get(env, "AUTOFIX_REPO_PATH", null);
    if (repo == null) {
      throw new IllegalArgumentException("AUTOFIX_REPO_PATH is not set (the checkout to fix)");
    }
    String data = get(env, "AUTOFIX_DATA_DIR", null);
    Path dataDir = data != null ? Path.of(data) : defaultDataDir(env);
    AgentsConfig d = of(Path.of(repo), dataDir);
    ClaudeOptions dc = d.claude();
    CodexOptions dx = d.codex();
    String template = get(env, "AUTOFIX_PROMPT_TEMPLATE", null);
    String codexHome = get(env, "AUTOFIX_CODEX_HOME", null);
    return new AgentsConfig(
        Agent.fromWire(get(env, "AUTOFIX_AGENT", d.agent().wireName())),
        get(env, "AUTOFIX_AGENT_COMMAND", null),
        duration(env, "AUTOFIX_AGENT_TIMEOUT", d.agentTimeout()),
        get(env, "AUTOFIX_TEST_COMMAND", null),
        duration(env, "AUTOFIX_TEST_TIMEOUT", d.testTimeout()),
        get(env, "AUTOFIX_SETUP_COMMAND", null),
        duration(env, "AUTOFIX_SETUP_TIMEOUT", d.setupTimeout()),
        d.repoPath(),
        get(env, "AUTOFIX_BASE_BRANCH", d.baseBranch()),
        get(env, "AUTOFIX_GIT_REMOTE", d.remote()),
        d.dataDir(),
        list(env, "AUTOFIX_AGENT_ENV_DENY", ","),
        template == null ? null : Path.of(template),
        get(env, "AUTOFIX_GIT_AUTHOR_NAME", d.gitAuthorName()),
        get(env, "AUTOFIX_GIT_AUTHOR_EMAIL", d.gitAuthorEmail()),
        number(env, "AUTOFIX_AGENT_LOG_LIMIT_BYTES", d.logLimitBytes()),
        new ClaudeOptions(
            get(env, "AUTOFIX_CLAUDE_BIN", dc.binary()),
            list(env, "AUTOFIX_CLAUDE_ALLOWED_TOOLS", ","),
            (int) number(env, "AUTOFIX_CLAUDE_MAX_TURNS", dc.maxTurns()),
            new BigDecimal(
                get(env, "AUTOFIX_CLAUDE_MAX_BUDGET_USD", dc.maxBudgetUsd().toPlainString())),
            get(env, "AUTOFIX_CLAUDE_MODEL", null),
            get(env, "AUTOFIX_CLAUDE_APPEND_SYSTEM_PROMPT", null),
            (int) number(env, "AUTOFIX_CLAUDE_MAX_RETRIES", dc.maxRetries()),
            duration(env, "AUTOFIX_CLAUDE_API_TIMEOUT", dc.apiTimeout())),
        new CodexOptions(
            get(env, "AUTOFIX_CODEX_BIN", dx.binary()),
            get(env, "AUTOFIX_CODEX_MODEL", null),
            list(env, "AUTOFIX_CODEX_CONFIG", ";"),
            get(env, "AUTOFIX_CODEX_SANDBOX", null),
            codexHome == null ? null : Path.of(codexHome)),
        new AgentAccess(
            AgentAccess.Mode.fromWire(
                get(env, "AUTOFIX_AGENT_ACCESS", AgentAccess.Mode.SANDBOXED.wireName())),
            list(env, "AUTOFIX_AGENT_WRITABLE", ","),
            list(env, "AUTOFIX_AGENT_READABLE", ","),
            env.containsKey("AUTOFIX_AGENT_HIDDEN")
                ? list(env, "AUTOFIX_AGENT_HIDDEN", ",")
                : AgentAccess.DEFAULT_HIDDEN,
            list(env, "AUTOFIX_AGENT_ALLOWED_HOSTS", ","),
            list(env, "AUTOFIX_AGENT_ENV_ALLOW", ","),
            List.of()));
  }

  /** {@code codex.codexHome()}, or {@code <dataDir>/codex-home} when that is not set. */
  public Path codexHome() {
    return codex.codexHome() != null ? codex.codexHome() : dataDir.resolve("codex-home");
  }

  /** Parses a duration the way every autofix setting does: see {@link Durations#parse}. */
  public static Duration parseDuration(String text) {
    return Durations.parse(text);
  }

  private static Path defaultDataDir(Map<String, String> env) {
    String xdg = get(env, "XDG_DATA_HOME", null);
    if (xdg != null) {
      return Path.of(xdg, "autofix");
    }
    String home = get(env, "HOME", System.getProperty("user.home"));
    return Path.of(home, ".local", "share", "autofix");
  }

  private static String get(Map<String, String> env, String key, String fallback) {
    String value = env.get(key);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static Duration duration(Map<String, String> env, String key, Duration fallback) {
    String value = get(env, key, null);
    if (value == null) {
      return fallback;
    }
    try {
      return parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  private static long number(Map<String, String> env, String key, long fallback) {
    String value = get(env, key, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a number: " + value, e);
    }
  }

  private static List<String> list(Map<String, String> env, String key, String separator) {
    String value = get(env, key, null);
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(Pattern.quote(separator)))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
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
