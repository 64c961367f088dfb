package dev.autofix.agents;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an agent and the commands that run its code (setup, tests) can reach.
 *
 * <p>{@link Mode#SANDBOXED}, the default, runs their whole process tree in a bubblewrap sandbox:
 * writes only to the worktree, a per-run scratch home and temp directory and autofix's own build
 * caches; the rest of the file system read-only, with {@code hidden} not there at all; no other
 * process visible; the network only to the model API and {@code allowedHosts}; an environment made
 * from an allow list. {@link Mode#TRUSTED} runs them as the user, with everything the user's
 * account can reach.
 *
 * @param mode sandboxed or trusted
 * @param writable further paths the sandbox may write ({@code ~} is the user's home)
 * @param readable paths the sandbox may read although they lie in a hidden place (a tool under
 *     {@code /tmp}, say)
 * @param hidden paths the sandbox cannot read at all ({@code ~} is the user's home); autofix's data
 *     directory is always hidden, but for the run's own worktree and folder
 * @param allowedHosts further {@code host} or {@code host:port} destinations (a package registry,
 *     say); a bare host allows ports 443 and 80, {@code *.example.com} its subdomains
 * @param envAllow further environment variable names or {@code *} globs the sandbox gets
 * @param alsoHidden paths the embedding application hides too (its configuration file, say)
 */
public record AgentAccess(
    Mode mode,
    List<String> writable,
    List<String> readable,
    List<String> hidden,
    List<String> allowedHosts,
    List<String> envAllow,
    List<Path> alsoHidden) {

  /**
   * The paths hidden by default: the user's keys, cloud, registry and database credentials, and the
   * agents' own login tokens (each agent gets a copy of its own in its scratch home, so no agent
   * reads another's, and none can change the user's).
   */
  public static final List<String> DEFAULT_HIDDEN =
      List.of(
          "~/.ssh",
          "~/.aws",
          "~/.config/gh",
          "~/.git-credentials",
          "~/.netrc",
          "~/.docker",
          "~/.kube",
          "~/.gnupg",
          "~/.config/gcloud",
          "~/.azure",
          "~/.npmrc",
          "~/.pypirc",
          "~/.m2/settings.xml",
          "~/.m2/settings-security.xml",
          "~/.gradle/gradle.properties",
          "~/.cargo/credentials",
          "~/.cargo/credentials.toml",
          "~/.pgpass",
          "~/.password-store",
          "~/.local/share/keyrings",
          "~/.claude/.credentials.json",
          "~/.codex/auth.json");

  private static final Pattern HOST =
      Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?");

  public AgentAccess {
    Objects.requireNonNull(mode, "mode == null");
    writable = clean(writable);
    for (String path : writable) {
      requirePath(path, "AUTOFIX_AGENT_WRITABLE");
    }
    readable = clean(readable);
    for (String path : readable) {
      requirePath(path, "AUTOFIX_AGENT_READABLE");
    }
    hidden = clean(hidden);
    for (String path : hidden) {
      requirePath(path, "AUTOFIX_AGENT_HIDDEN");
    }
    allowedHosts = clean(allowedHosts);
    for (String host : allowedHosts) {
      if (!HOST.matcher(host).matches() || port(host) > 65_535 || port(host) == 0) {
        throw new IllegalArgumentException(
            "AUTOFIX_AGENT_ALLOWED_HOSTS: not a host or host:port: " + host);
      }
    }
    envAllow = clean(envAllow);
    alsoHidden = alsoHidden == null ? List.of() : List.copyOf(alsoHidden);
  }

  /** The default: sandboxed, with the default hidden paths and nothing added. */
  public static AgentAccess sandboxed() {
    return new AgentAccess(
        Mode.SANDBOXED, List.of(), List.of(), DEFAULT_HIDDEN, List.of(), List.of(), null);
  }

  /** No sandbox: the agent runs with the user's account, minus autofix's secrets. */
  public static AgentAccess trusted() {
    return new AgentAccess(
        Mode.TRUSTED, List.of(), List.of(), DEFAULT_HIDDEN, List.of(), List.of(), null);
  }

  /** This access with {@code paths} hidden as well. */
  public AgentAccess alsoHiding(List<Path> paths) {
    List<Path> all = new java.util.ArrayList<>(alsoHidden);
    all.addAll(paths);
    return new AgentAccess(mode, writable, readable, hidden, allowedHosts, envAllow, all);
  }

  /** This access with {@code hosts} allowed as well. */
  public AgentAccess alsoAllowing(List<String> hosts) {
    List<String> all = new java.util.ArrayList<>(allowedHosts);
    all.addAll(hosts);
    return new AgentAccess(mode, writable, readable, hidden, all, envAllow, alsoHidden);
  }

  /** This access with {@code paths} readable as well. */
  public AgentAccess alsoReading(List<String> paths) {
    List<String> all = new java.util.ArrayList<>(readable);
    all.addAll(paths);
    return new AgentAccess(mode, writable, all, hidden, allowedHosts, envAllow, alsoHidden);
  }

  /** Whether the agent runs in the OS sandbox. */
  public boolean isSandboxed() {
    return mode == Mode.SANDBOXED;
  }

  /** The two access profiles. */
  public enum Mode {
    /** Inside a bubblewrap sandbox (the default). */
    SANDBOXED,
    /** As the user, with every tool and everything the account can reach. */
    TRUSTED;

    /** The setting's value, for example {@code sandboxed}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code sandboxed} or {@code trusted}. */
    public static Mode fromWire(String value) {
      for (Mode mode : values()) {
        if (mode.wireName().equalsIgnoreCase(value.strip())) {
          return mode;
        }
      }
      throw new IllegalArgumentException(
          "AUTOFIX_AGENT_ACCESS: unknown access (sandboxed|trusted): " + value);
    }
  }

  private static List<String> clean(List<String> values) {
    return values == null
        ? List.of()
        : values.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static void requirePath(String path, String key) {
    if (!(path.startsWith("/") || path.equals("~") || path.startsWith("~/"))) {
      throw new IllegalArgumentException(key + ": not an absolute path or ~/path: " + path);
    }
  }

  private static int port(String host) {
    int colon = host.lastIndexOf(':');
    return colon < 0 ? 443 : Integer.parseInt(host.substring(colon + 1));
  }
}
