package dev.autofix.agents;

import dev.autofix.agents.internal.AgentFiles;
import dev.autofix.agents.internal.Bubblewrap;
import dev.autofix.agents.internal.ClaudeStream;
import dev.autofix.agents.internal.Egress;
import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.core.model.AgentReport;
import dev.autofix.core.port.AgentRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link AgentRunner} for Claude Code: {@code claude -p} in the worktree with the prompt on stdin,
 * {@code --output-format stream-json --verbose} (the transcript streams into the run's log), every
 * tool ({@code --dangerously-skip-permissions}: the sandbox is the boundary, and the agent needs
 * its shell to reproduce and test) or, when {@code --allowedTools} are configured, {@code
 * --permission-mode acceptEdits} with only those, plus {@code --max-turns}, {@code
 * --max-budget-usd} and {@code --append-system-prompt}.
 *
 * <p>In the sandbox its home is the run's scratch home, seeded with copies of the user's login
 * ({@code ~/.claude.json}, {@code ~/.claude/.credentials.json}, {@code ~/.claude/settings.json});
 * it gets its own variables ({@code ANTHROPIC_*}, {@code CLAUDE_CODE_*}, {@code DISABLE_*}) and
 * reaches {@code ANTHROPIC_BASE_URL} (or {@code api.anthropic.com}) and {@code platform.claude.com}
 * (token refresh) only.
 *
 * <p>Success is read from the final {@code result} line: exit 0, {@code is_error} false and {@code
 * terminal_reason} {@code completed}. Never from the exit code or {@code subtype} alone, since API
 * errors print {@code subtype: success}. {@code CLAUDE_CODE_MAX_RETRIES} and {@code API_TIMEOUT_MS}
 * are set so a bad key fails in seconds rather than after ten retries.
 */
final class ClaudeCodeAgentRunner implements AgentRunner {
  static final String DEFAULT_SYSTEM_PROMPT =
      "You run unattended inside autofix, on a git worktree made for this fix. Never commit,"
          + " push or switch branches: autofix commits your changes itself. Before you finish,"
          + " write your summary (root cause, fix, how you verified it) to "
          + AgentFiles.SUMMARY
          + ".";
  private static final int MESSAGE_TAIL = 2_000;

  private final AgentSupport support;

  private ClaudeCodeAgentRunner(AgentSupport support) {
    this.support = support;
  }

  /**
   * A runner for {@code config.claude()}.
   *
   * @param environment the user's environment (their Claude login or {@code ANTHROPIC_API_KEY});
   *     autofix's secrets are removed from it
   */
  public static AgentRunner create(AgentsConfig config, Map<String, String> environment) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(environment, "environment == null");
    return new ClaudeCodeAgentRunner(new AgentSupport(config, environment));
  }

  @Override
  public String name() {
    return "claude";
  }

  @Override
  public java.util.Optional<java.math.BigDecimal> budgetPerRunUsd() {
    return java.util.Optional.of(support.config().claude().maxBudgetUsd());
  }

  /** The variables that log Claude Code in without a login file. */
  static final List<String> LOGIN_VARIABLES =
      List.of(
          "ANTHROPIC_API_KEY",
          "ANTHROPIC_AUTH_TOKEN",
          "CLAUDE_CODE_OAUTH_TOKEN",
          "CLAUDE_CODE_USE_BEDROCK",
          "CLAUDE_CODE_USE_VERTEX",
          "CLAUDE_CODE_USE_FOUNDRY");

  /**
   * Not logged in: none of {@link #LOGIN_VARIABLES} is set (in the environment or its settings'
   * {@code env} block), there is no {@code .credentials.json} in its config dir, and no {@code
   * apiKeyHelper} or stored API key in its settings. Links are followed. (On macOS the login lives
   * in the Keychain, which autofix does not read: there it is assumed.)
   */
  @Override
  public java.util.Optional<String> unavailable() {
    Map<String, String> env = support.userEnvironment();
    if (LOGIN_VARIABLES.stream().anyMatch(k -> loginValue(env.get(k)))
        || System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac")) {
      return java.util.Optional.empty();
    }
    Map<String, Path> files = login(support.userHome(), env);
    String settings = AgentSupport.readUserFile(files.get(".claude/settings.json"));
    String configDir = env.get("CLAUDE_CONFIG_DIR");
    List<Path> states = new ArrayList<>(List.of(files.get(".claude.json")));
    if (configDir != null && !configDir.isBlank()) {
      states.add(Path.of(configDir, ".claude.json"));
    }
    boolean storedKey =
        states.stream()
            .map(AgentSupport::readUserFile)
            .anyMatch(state -> state != null && state.contains("\"primaryApiKey\""));
    if (AgentSupport.hasContent(files.get(".claude/.credentials.json"))
        || storedKey
        || (settings != null
            && (settings.contains("\"apiKeyHelper\"")
                // its "env" block can log it in too (a key, Bedrock, Vertex)
                || LOGIN_VARIABLES.stream().anyMatch(k -> settings.contains("\"" + k + "\""))))) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        "claude is not logged in: no ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN,"
            + " CLAUDE_CODE_OAUTH_TOKEN) in autofix's environment and no login in "
            + files.get(".claude/.credentials.json")
            + "; run `claude` once and /login as the user autofix runs as, or set"
            + " ANTHROPIC_API_KEY");
  }

  /** A key, or a CLAUDE_CODE_USE_* switch that is on ({@code 0} and {@code false} are off). */
  private static boolean loginValue(String value) {
    return value != null
        && !value.isBlank()
        && !value.strip().equals("0")
        && !value.strip().equalsIgnoreCase("false");
  }

  /** The variables of the user's the agent gets in the sandbox: its credentials and settings. */
  static final List<String> ALLOW = List.of("ANTHROPIC_*", "CLAUDE_CODE_*", "DISABLE_*");

  /** The hosts besides the API: where a subscription login refreshes its token. */
  static final List<String> LOGIN_HOSTS = List.of("platform.claude.com:443");

  /** The argv, without the prompt (it goes on stdin). */
  static List<String> command(AgentsConfig.ClaudeOptions options) {
    List<String> argv = new ArrayList<>();
    argv.add(options.binary());
    argv.add("-p");
    argv.addAll(List.of("--output-format", "stream-json", "--verbose"));
    if (options.allowedTools().isEmpty()) {
      argv.add("--dangerously-skip-permissions");
    } else {
      argv.addAll(List.of("--permission-mode", "acceptEdits"));
    }
    argv.addAll(List.of("--max-turns", Integer.toString(options.maxTurns())));
    argv.addAll(List.of("--max-budget-usd", options.maxBudgetUsd().toPlainString()));
    argv.add("--append-system-prompt");
    argv.add(
        options.appendSystemPrompt() != null
            ? options.appendSystemPrompt()
            : DEFAULT_SYSTEM_PROMPT);
    argv.add("--no-session-persistence");
    if (options.model() != null) {
      argv.addAll(List.of("--model", options.model()));
    }
    if (!options.allowedTools().isEmpty()) {
      // Last, because the option takes every following argument as one more tool.
      argv.add("--allowedTools");
      argv.addAll(options.allowedTools());
    }
    return argv;
  }

  /**
   * The variables autofix sets on top of the user's environment. {@code IS_SANDBOX=1} lets {@code
   * --dangerously-skip-permissions} start as root: true in the sandbox, and needed trusted as root.
   */
  static Map<String, String> environment(
      AgentsConfig.ClaudeOptions options, boolean sandboxed, boolean root) {
    Map<String, String> env = new java.util.TreeMap<>();
    env.put("CLAUDE_CODE_MAX_RETRIES", Integer.toString(options.maxRetries()));
    env.put("API_TIMEOUT_MS", Long.toString(options.apiTimeout().toMillis()));
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    if (options.allowedTools().isEmpty() && (sandboxed || root)) {
      env.put("IS_SANDBOX", "1");
    }
    return env;
  }

  /** The API (from {@code ANTHROPIC_BASE_URL}, else api.anthropic.com) and the login host. */
  static List<Egress.Destination> destinations(Map<String, String> userEnvironment) {
    List<Egress.Destination> hosts = new ArrayList<>();
    String base = userEnvironment.get("ANTHROPIC_BASE_URL");
    if (base != null && !base.isBlank()) {
      UntrustedProcesses.destinationOf(base).ifPresent(hosts::add);
    } else {
      hosts.add(new Egress.Destination("api.anthropic.com", 443));
    }
    LOGIN_HOSTS.forEach(h -> hosts.add(Egress.Destination.parse(h)));
    return hosts;
  }

  /** The login files copied into the sandbox's home: readable, and what Claude rewrites stays. */
  static Map<String, Path> login(Path userHome, Map<String, String> userEnvironment) {
    String configDir = userEnvironment.get("CLAUDE_CONFIG_DIR");
    Path dir =
        configDir != null && !configDir.isBlank()
            ? Path.of(configDir)
            : userHome.resolve(".claude");
    Map<String, Path> files = new java.util.TreeMap<>();
    files.put(".claude/.credentials.json", dir.resolve(".credentials.json"));
    files.put(".claude/settings.json", dir.resolve("settings.json"));
    files.put(".claude.json", userHome.resolve(".claude.json"));
    return files;
  }

  @Override
  public AgentResult run(AgentTask task) {
    String prompt = support.prepare(task);
    Path dir = task.workspace().directory();
    AgentsConfig.ClaudeOptions options = support.config().claude();
    ClaudeStream stream = new ClaudeStream();
    Map<String, String> variables =
        new java.util.TreeMap<>(environment(options, support.sandboxed(), isRoot()));
    if (support.sandboxed()) {
      // The copied config dir, when the user keeps it elsewhere.
      String configDir = support.userEnvironment().get("CLAUDE_CONFIG_DIR");
      if (configDir != null && !configDir.isBlank()) {
        variables.put("CLAUDE_CONFIG_DIR", Bubblewrap.HOME.resolve(".claude").toString());
      }
    }
    ProcessRunner.Result result =
        support.run(
            task,
            "claude",
            command(options),
            variables,
            ALLOW,
            login(support.userHome(), support.userEnvironment()),
            destinations(support.userEnvironment()),
            prompt,
            stream::accept);
    ClaudeStream.Result line = stream.result();
    if (line != null) {
      task.log()
          .append(
              "claude: "
                  + (line.succeeded() ? "completed" : line.describeFailure())
                  + ", turns "
                  + line.turns()
                  + ", cost $"
                  + line.costUsd()
                  + (line.permissionDenials() > 0
                      ? ", " + line.permissionDenials() + " tool uses refused"
                      : ""));
    }
    return decide(result, line, AgentSupport.readSummary(dir));
  }

  /** The outcome from the process's end, the result line (or {@code null}) and the summary. */
  static AgentResult decide(
      ProcessRunner.Result process, ClaudeStream.Result line, String summaryFile) {
    return switch (process.outcome()) {
      case ProcessRunner.TimedOut timedOut ->
          new TimedOut(timedOut.after(), AgentSupport.tail(process.outputTail(), MESSAGE_TAIL));
      case ProcessRunner.NotStarted notStarted -> new Failed(127, notStarted.message());
      case ProcessRunner.Exited exited -> {
        if (line == null) {
          String why =
              process.stderrTail().isBlank()
                  ? "claude printed no result line"
                  : AgentSupport.tail(process.stderrTail(), MESSAGE_TAIL);
          yield new Failed(exited.code() == 0 ? 1 : exited.code(), why);
        }
        if (exited.code() == 0 && line.succeeded()) {
          yield new Completed(
              new AgentReport(
                  summaryFile != null ? summaryFile : blankToNull(line.text()),
                  line.costUsd(),
                  line.turns(),
                  line.sessionId(),
                  line.inputTokens(),
                  line.outputTokens()));
        }
        // max turns, max budget, an API error: what it spent still counts
        yield new Failed(
            exited.code() == 0 ? 1 : exited.code(),
            AgentSupport.tail(line.describeFailure(), MESSAGE_TAIL),
            line.costUsd());
      }
    };
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }
}
