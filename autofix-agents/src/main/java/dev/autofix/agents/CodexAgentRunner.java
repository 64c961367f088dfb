package dev.autofix.agents;

import dev.autofix.agents.internal.AgentFiles;
import dev.autofix.agents.internal.Bubblewrap;
import dev.autofix.agents.internal.CodexEvents;
import dev.autofix.agents.internal.Egress;
import dev.autofix.agents.internal.InsideFiles;
import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.core.model.AgentReport;
import dev.autofix.core.port.AgentRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link AgentRunner} for Codex: {@code codex exec --json --sandbox workspace-write -C <worktree>
 * -o <last message> --skip-git-repo-check -} with the prompt on stdin, {@code CODEX_HOME} in the
 * data directory, and the shell's environment filtered of keys, tokens and secrets.
 *
 * <p>Codex exits 0 even when its patch was rejected or nothing changed, and 1 after a {@code
 * turn.failed}: the run is {@link Completed} when it exited 0 with a completed turn and no failed
 * one, {@link Failed} otherwise; the diff is judged by {@code Workspaces.commit}. Codex cannot
 * write {@code .git} in its sandbox, which suits autofix: it commits itself.
 */
final class CodexAgentRunner implements AgentRunner {
  /** Keeps keys, tokens and secrets out of the shell the model's commands run in. */
  static final String SHELL_POLICY = "shell_environment_policy.ignore_default_excludes=false";

  private static final int MESSAGE_TAIL = 2_000;

  private final AgentSupport support;

  private CodexAgentRunner(AgentSupport support) {
    this.support = support;
  }

  /**
   * A runner for {@code config.codex()}.
   *
   * @param environment the user's environment (for example {@code CODEX_API_KEY}); autofix's
   *     secrets are removed from it
   */
  public static AgentRunner create(AgentsConfig config, Map<String, String> environment) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(environment, "environment == null");
    String sandbox = config.codex().sandbox();
    if (!config.access().isSandboxed()
        && sandbox != null
        && !sandbox.equals("danger-full-access")
        && insideTempDir(config.codexHome(), environment)) {
      // Codex creates no helper aliases in its temp dir; a system bubblewrap (no --argv0) then
      // cannot start its sandbox, and every command fails while codex still exits 0.
      throw new IllegalArgumentException(
          "AUTOFIX_CODEX_HOME "
              + config.codexHome()
              + " lies in the temp directory, where Codex's own sandbox ("
              + sandbox
              + ") cannot start: move it, or leave AUTOFIX_CODEX_SANDBOX unset");
    }
    return new CodexAgentRunner(new AgentSupport(config, environment));
  }

  /** Whether {@code home}, links resolved, lies in {@code $TMPDIR} (or /tmp), as Codex checks. */
  static boolean insideTempDir(Path home, Map<String, String> environment) {
    String tmp = environment.get("TMPDIR");
    Path temp = real(Path.of(tmp == null || tmp.isBlank() ? "/tmp" : tmp));
    return real(home).startsWith(temp);
  }

  /** The real path of {@code path}, or of its nearest existing parent with the rest appended. */
  private static Path real(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute));
    } catch (IOException e) {
      return absolute;
    }
  }

  @Override
  public String name() {
    return "codex";
  }

  /** The variables of the user's the agent gets in the sandbox, besides its provider's key. */
  static final List<String> ALLOW = List.of("OPENAI_*", "CODEX_API_KEY");

  /** The hosts besides the API: where a ChatGPT login refreshes its token and is served. */
  static final List<String> LOGIN_HOSTS = List.of("auth.openai.com:443", "chatgpt.com:443");

  private static final Pattern BASE_URL = Pattern.compile("base_url\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern ENV_KEY = Pattern.compile("env_key\\s*=\\s*\"([^\"]+)\"");

  /**
   * The argv; {@code -} makes codex read the prompt from stdin. Codex's own sandbox: the configured
   * one, else none inside autofix's ({@code danger-full-access}: its {@code workspace-write} would
   * take the network from the tests the agent runs, and nest a second bubblewrap), and {@code
   * --dangerously-bypass-approvals-and-sandbox} when trusted.
   */
  static List<String> command(
      AgentsConfig.CodexOptions options, boolean sandboxed, Path worktree, Path lastMessage) {
    List<String> argv = new ArrayList<>();
    argv.add(options.binary());
    argv.add("exec");
    argv.add("--json");
    if (options.sandbox() != null) {
      argv.addAll(List.of("--sandbox", options.sandbox()));
    } else if (sandboxed) {
      argv.addAll(List.of("--sandbox", "danger-full-access"));
    } else {
      argv.add("--dangerously-bypass-approvals-and-sandbox");
    }
    argv.add("--skip-git-repo-check");
    argv.add("--ephemeral");
    argv.addAll(List.of("-C", worktree.toString()));
    argv.addAll(List.of("-o", lastMessage.toString()));
    if (options.model() != null) {
      argv.addAll(List.of("-m", options.model()));
    }
    argv.addAll(List.of("-c", SHELL_POLICY));
    for (String override : options.configOverrides()) {
      argv.addAll(List.of("-c", override));
    }
    argv.add("-");
    return argv;
  }

  /** The provider settings: the overrides and {@code config.toml} of the configured home. */
  private static String settingsText(AgentsConfig config) {
    StringBuilder text = new StringBuilder(String.join("\n", config.codex().configOverrides()));
    String toml = AgentSupport.readCapped(config.codexHome().resolve("config.toml"));
    if (toml != null) {
      text.append('\n').append(toml);
    }
    return text.toString();
  }

  /** Every {@code base_url} the settings name, else api.openai.com; and the login hosts. */
  static List<Egress.Destination> destinations(String settings) {
    List<Egress.Destination> hosts = new ArrayList<>();
    Matcher urls = BASE_URL.matcher(settings);
    while (urls.find()) {
      UntrustedProcesses.destinationOf(urls.group(1)).ifPresent(hosts::add);
    }
    if (hosts.isEmpty() || !settings.contains("model_provider")) {
      hosts.add(new Egress.Destination("api.openai.com", 443));
    }
    LOGIN_HOSTS.forEach(h -> hosts.add(Egress.Destination.parse(h)));
    return hosts;
  }

  /** The provider's own key variables ({@code env_key}) and the usual ones. */
  static List<String> allowed(String settings) {
    List<String> names = new ArrayList<>(ALLOW);
    Matcher keys = ENV_KEY.matcher(settings);
    while (keys.find()) {
      names.add(keys.group(1));
    }
    return names;
  }

  private static final Pattern KEYRING =
      Pattern.compile("(?m)^\\s*cli_auth_credentials_store\\s*=\\s*\"?(keyring|auto)\"?");

  private static final Pattern MODEL_PROVIDER =
      Pattern.compile("(?m)^\\s*model_provider\\s*=\\s*\"?([A-Za-z0-9_.-]+)\"?");

  /**
   * Not logged in. Its active provider ({@code model_provider}, else OpenAI's) decides: OpenAI's
   * needs {@code OPENAI_API_KEY}, {@code CODEX_API_KEY} or an {@code auth.json} in its home; a
   * provider of its own needs its {@code env_key} when it names one, and nothing when it does not
   * (a local model server). Links are followed.
   */
  @Override
  public java.util.Optional<String> unavailable() {
    Map<String, String> env = support.userEnvironment();
    AgentsConfig config = support.config();
    String toml = AgentSupport.readUserFile(config.codexHome().resolve("config.toml"));
    String settings =
        (String.join("\n", config.codex().configOverrides()) + "\n" + (toml == null ? "" : toml))
            .replaceAll("(?m)^\\s*#.*$", ""); // a commented-out line says nothing
    Matcher active = MODEL_PROVIDER.matcher(settings);
    String provider = active.find() ? active.group(1) : "openai";
    if (!provider.equals("openai")) {
      java.util.Optional<String> key = providerKey(settings, provider);
      if (key.isEmpty() || isSet(env, key.get())) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(
          "codex is not logged in: its provider "
              + provider
              + " takes its key from "
              + key.get()
              + ", which is not set in autofix's environment");
    }
    Path auth = config.codexHome().resolve("auth.json");
    if (isSet(env, "OPENAI_API_KEY")
        || isSet(env, "CODEX_API_KEY")
        || AgentSupport.hasContent(auth)
        // a login kept in the OS keyring leaves no auth.json; autofix cannot see it, so trusts it
        || KEYRING.matcher(settings).find()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        "codex is not logged in: neither OPENAI_API_KEY nor CODEX_API_KEY is set in autofix's"
            + " environment and there is no "
            + auth
            + "; run `CODEX_HOME="
            + config.codexHome()
            + " codex login` as the user autofix runs as, point AUTOFIX_CODEX_HOME at a logged-in"
            + " home such as ~/.codex, or set OPENAI_API_KEY");
  }

  /** The {@code env_key} the settings give {@code provider}: inline, dotted, or in its table. */
  static java.util.Optional<String> providerKey(String settings, String provider) {
    String name = Pattern.quote(provider);
    List<Pattern> definitions =
        List.of(
            Pattern.compile("model_providers\\." + name + "\\s*=\\s*\\{([^}]*)\\}"),
            Pattern.compile("(?m)^\\s*\\[model_providers\\." + name + "\\]([^\\[]*)"),
            Pattern.compile("model_providers\\." + name + "\\.(env_key\\s*=\\s*\"[^\"]+\")"));
    for (Pattern definition : definitions) {
      Matcher found = definition.matcher(settings);
      while (found.find()) {
        Matcher key = ENV_KEY.matcher(found.group(1));
        if (key.find()) {
          return java.util.Optional.of(key.group(1));
        }
      }
    }
    return java.util.Optional.empty();
  }

  private static boolean isSet(Map<String, String> env, String name) {
    return env.get(name) != null && !env.get(name).isBlank();
  }

  @Override
  public AgentResult run(AgentTask task) {
    String prompt = support.prepare(task);
    Path dir = task.workspace().directory();
    AgentsConfig config = support.config();
    Path configured = config.codexHome();
    // Sandboxed, Codex gets a copy of its home's config and login in the run's scratch home.
    Path home = support.sandboxed() ? Bubblewrap.HOME.resolve(".codex") : configured;
    // The -o file is only written on success: a stale one must not pass for this run's answer.
    String lastMessageFile = AgentFiles.DIRECTORY + "/codex-last-message.txt";
    Path lastMessage = dir.resolve(lastMessageFile);
    try {
      if (!support.sandboxed()) {
        Files.createDirectories(home);
      }
      InsideFiles.delete(dir, lastMessageFile);
    } catch (IOException e) {
      throw new WorkspaceException("cannot prepare CODEX_HOME " + home, e);
    }
    String settings = settingsText(config);
    CodexEvents events = new CodexEvents();
    ProcessRunner.Result result =
        support.run(
            task,
            "codex",
            command(config.codex(), support.sandboxed(), dir, lastMessage),
            Map.of("CODEX_HOME", home.toString()),
            allowed(settings),
            Map.of(
                ".codex/config.toml", configured.resolve("config.toml"),
                ".codex/auth.json", configured.resolve("auth.json")),
            destinations(settings),
            prompt,
            events::accept);
    task.log()
        .append(
            "codex: "
                + events.turnsCompleted()
                + " turns completed, tokens in/out "
                + events.inputTokens()
                + "/"
                + events.outputTokens()
                + (events.failure() != null ? ", turn failed: " + events.failure() : ""));
    String summary = AgentSupport.readSummary(dir);
    if (summary == null) {
      summary = AgentSupport.readInside(dir, lastMessageFile);
    }
    return decide(result, events, summary, config.codex());
  }

  /** The outcome from the process's end, the events and the summary (or {@code null}). */
  static AgentResult decide(ProcessRunner.Result process, CodexEvents events, String summary) {
    return decide(process, events, summary, AgentsConfig.CodexOptions.defaults());
  }

  /**
   * As {@link #decide(ProcessRunner.Result, CodexEvents, String)}; the cost is the reported tokens
   * at {@code options}' prices, unknown without them.
   */
  static AgentResult decide(
      ProcessRunner.Result process,
      CodexEvents events,
      String summary,
      AgentsConfig.CodexOptions options) {
    java.math.BigDecimal cost =
        options.cost(events.inputTokens(), events.outputTokens()).orElse(null);
    return switch (process.outcome()) {
      case ProcessRunner.TimedOut timedOut ->
          new TimedOut(timedOut.after(), AgentSupport.tail(process.outputTail(), MESSAGE_TAIL));
      case ProcessRunner.NotStarted notStarted -> new Failed(127, notStarted.message());
      case ProcessRunner.Exited exited -> {
        if (events.failure() != null) {
          yield new Failed(exited.code() == 0 ? 1 : exited.code(), events.failure(), cost);
        }
        if (exited.code() != 0) {
          String why =
              events.lastError() != null
                  ? events.lastError()
                  : AgentSupport.tail(process.stderrTail(), MESSAGE_TAIL);
          yield new Failed(exited.code(), why, cost);
        }
        if (events.turnsCompleted() == 0) {
          yield new Failed(1, "codex exited 0 without completing a turn");
        }
        if (events.sandboxFailure() != null) {
          yield new Failed(
              1, "Codex's own sandbox could not run commands: " + events.sandboxFailure(), cost);
        }
        String text = summary != null ? summary : events.lastMessage();
        yield new Completed(
            new AgentReport(
                text,
                cost,
                events.turnsCompleted(),
                events.threadId(),
                events.inputTokens(),
                events.outputTokens()));
      }
    };
  }
}
