package dev.autofix.agents.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The bubblewrap command line that confines one untrusted process tree (an agent, a setup or test
 * command).
 *
 * <p>Every namespace is new ({@code --unshare-all}): its own PID namespace, so no other process is
 * visible and every descendant dies with it; its own network namespace, so nothing but the
 * forwarders of {@link Egress} leaves it; no capabilities, a new session (no terminal injection),
 * and {@code --die-with-parent}. The file system is the host's, read-only, with these changes in
 * this order: a fresh {@code /dev} and {@code /proc}; an empty {@code /run} (the sockets of
 * PostgreSQL, D-Bus, ssh and gpg agents live there); the run's scratch directory as {@code /tmp}
 * and {@code /var/tmp}; the checkout and the readable paths bound read-only again (they may lie in
 * {@code /tmp}); each hidden path replaced by an empty directory or file; the writable paths; the
 * hidden paths inside any of those hidden again; the worktree's {@code .git} file read-only on top,
 * so it can be neither written nor replaced; the egress sockets.
 */
public final class Bubblewrap {
  /** Where the sandbox's home is mounted inside it: not under /tmp, where Codex refuses helpers. */
  public static final Path HOME = Path.of("/run/autofix/home");

  /** Where the egress sockets are inside the sandbox. */
  public static final Path NET = Path.of("/run/autofix/net");

  /** The loopback port of the proxy inside the sandbox when no forwarded port takes it. */
  static final int PROXY_PORT = 3128;

  private Bubblewrap() {}

  /** A bind of a host path at a path inside the sandbox. */
  public record Bind(Path host, Path inside) {
    public Bind {
      Objects.requireNonNull(host, "host == null");
      Objects.requireNonNull(inside, "inside == null");
    }

    /** A bind at the same path inside as outside. */
    public static Bind same(Path path) {
      return new Bind(path, path);
    }
  }

  /**
   * Everything one sandboxed process needs.
   *
   * @param bwrap the bubblewrap binary
   * @param socat the socat binary, needed when {@code egress} forwards anything
   * @param workdir where the command starts (the worktree)
   * @param scratchTmp the run's own directory that becomes {@code /tmp}
   * @param home the run's own directory that becomes {@link #HOME}
   * @param hidden paths that must not be readable (absent ones are skipped)
   * @param readOnly paths made read-only again after the hidden ones (the checkout)
   * @param writable further paths the command may write, bound at the same path
   * @param caches per-project cache directories, bound at paths under the home
   * @param protectedFiles files inside writable paths that stay read-only (the worktree's {@code
   *     .git})
   * @param egress the sockets to the allowed destinations, or {@code null} for no network at all
   */
  public record Plan(
      Path bwrap,
      Path socat,
      Path workdir,
      Path scratchTmp,
      Path home,
      List<Path> hidden,
      List<Path> readOnly,
      List<Path> writable,
      List<Bind> caches,
      List<Path> protectedFiles,
      Egress egress) {
    public Plan {
      Objects.requireNonNull(bwrap, "bwrap == null");
      Objects.requireNonNull(workdir, "workdir == null");
      Objects.requireNonNull(scratchTmp, "scratchTmp == null");
      Objects.requireNonNull(home, "home == null");
      hidden = List.copyOf(hidden);
      readOnly = List.copyOf(readOnly);
      writable = List.copyOf(writable);
      caches = List.copyOf(caches);
      protectedFiles = List.copyOf(protectedFiles);
      if (egress != null && needsForwarders(egress) && socat == null) {
        throw new IllegalArgumentException("socat is needed to reach the allowed destinations");
      }
    }
  }

  private static boolean needsForwarders(Egress egress) {
    return egress.hasProxy() || !egress.forwardedPorts().isEmpty();
  }

  /** The proxy's port inside the sandbox: 3128, or the next one no forwarded port takes. */
  public static int proxyPort(Egress egress) {
    int port = PROXY_PORT;
    while (egress.forwardedPorts().contains(port)) {
      port++;
    }
    return port;
  }

  /** The whole argv: bubblewrap, its mounts, then {@code command} behind the forwarders. */
  public static List<String> argv(Plan plan, List<String> command) {
    List<String> argv = new ArrayList<>(base(plan.bwrap()));
    add(argv, "--tmpfs", "/run");
    add(argv, "--bind", plan.scratchTmp().toString(), "/tmp");
    if (Files.isDirectory(Path.of("/var/tmp"), LinkOption.NOFOLLOW_LINKS)) {
      add(argv, "--bind", plan.scratchTmp().toString(), "/var/tmp");
    }
    List<Path> hidden = new ArrayList<>();
    for (Path path : plan.hidden()) {
      Path real = realOrNull(path);
      if (real != null) {
        // Even in /tmp: a read-only bind of the checkout from there would bring it back.
        hidden.add(real);
      }
    }
    List<Path> binds = new ArrayList<>();
    for (Path path : plan.readOnly()) {
      Path real = realOrNull(path);
      if (real != null) {
        add(argv, "--ro-bind", real.toString(), real.toString());
        binds.add(real);
      }
    }
    // After the read-only binds, which take their content from the host's tree as it is: a
    // hidden file inside the checkout (the configuration file, say) must stay hidden.
    hidden.forEach(real -> hide(argv, real));
    for (Path path : plan.writable()) {
      Path real = realOrNull(path);
      if (real != null) {
        add(argv, "--bind", real.toString(), real.toString());
        binds.add(real);
      }
    }
    add(argv, "--bind", plan.home().toString(), HOME.toString());
    for (Bind cache : plan.caches()) {
      add(argv, "--bind", cache.host().toString(), cache.inside().toString());
    }
    for (Path path : plan.readOnly()) {
      // Again after the writable paths: a writable parent must not make the checkout writable.
      Path real = realOrNull(path);
      if (real != null && plan.writable().stream().anyMatch(real::startsWith)) {
        add(argv, "--ro-bind", real.toString(), real.toString());
      }
    }
    // And a hidden path inside a path bound since then is hidden again.
    for (Path real : hidden) {
      if (binds.stream().anyMatch(b -> real.startsWith(b) && !real.equals(b))) {
        hide(argv, real);
      }
    }
    for (Path file : plan.protectedFiles()) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        add(argv, "--ro-bind", file.toString(), file.toString());
      }
    }
    if (plan.egress() != null) {
      add(argv, "--ro-bind", plan.egress().directory().toString(), NET.toString());
    }
    add(argv, "--chdir", plan.workdir().toString());
    argv.add("--");
    if (plan.egress() != null && needsForwarders(plan.egress())) {
      argv.add("/bin/sh");
      argv.add("-c");
      argv.add(prelude(plan.socat(), plan.egress()));
      argv.add("autofix-sandbox");
    }
    argv.addAll(command);
    return argv;
  }

  /** The namespaces and the read-only root, shared by every sandboxed process and the probe. */
  public static List<String> base(Path bwrap) {
    List<String> argv = new ArrayList<>();
    argv.add(bwrap.toString());
    argv.add("--unshare-all");
    argv.add("--die-with-parent");
    argv.add("--new-session");
    add(argv, "--cap-drop", "ALL");
    add(argv, "--ro-bind", "/", "/");
    add(argv, "--dev", "/dev");
    add(argv, "--proc", "/proc");
    return argv;
  }

  /**
   * Starts one socat per forwarded port (and one for the proxy) on the sandbox's own loopback,
   * waits until each listens, then runs the command in their place.
   */
  static String prelude(Path socat, Egress egress) {
    StringBuilder sh = new StringBuilder();
    List<String> hexPorts = new ArrayList<>();
    List<Integer> ports = new ArrayList<>(egress.forwardedPorts());
    for (int port : egress.forwardedPorts()) {
      forwarder(sh, socat, port, "port-" + port + ".sock");
    }
    if (egress.hasProxy()) {
      int port = proxyPort(egress);
      ports.add(port);
      forwarder(sh, socat, port, Egress.PROXY_SOCKET);
    }
    for (int port : ports) {
      hexPorts.add(String.format(Locale.ROOT, "%04X", port));
    }
    // /proc/net/tcp6 lists the dual-stack listeners, state 0A is LISTEN.
    sh.append("i=0; while [ $i -lt 300 ]; do ok=1; for p in ")
        .append(String.join(" ", hexPorts))
        .append("; do grep -q \":$p 0\\{32\\}:0000 0A\\|:$p 00000000:0000 0A\" /proc/net/tcp6")
        .append(" /proc/net/tcp 2>/dev/null || ok=0; done; [ $ok = 1 ] && break;")
        .append(" i=$((i+1)); sleep 0.01; done; exec \"$@\"");
    return sh.toString();
  }

  private static void forwarder(StringBuilder sh, Path socat, int port, String socket) {
    sh.append(socat)
        .append(" TCP6-LISTEN:")
        .append(port)
        .append(",ipv6only=0,reuseaddr,fork UNIX-CONNECT:")
        .append(NET.resolve(socket))
        .append(" </dev/null >/dev/null 2>&1 & ");
  }

  private static void hide(List<String> argv, Path real) {
    if (Files.isDirectory(real)) {
      add(argv, "--tmpfs", real.toString());
    } else {
      add(argv, "--ro-bind", "/dev/null", real.toString());
    }
  }

  private static Path realOrNull(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return null;
    }
  }

  private static void add(List<String> argv, String... args) {
    argv.addAll(List.of(args));
  }
}
