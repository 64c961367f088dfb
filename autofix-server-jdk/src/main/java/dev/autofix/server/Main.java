package dev.autofix.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code autofix-server} command line: reads the configuration (an optional YAML file, then
 * {@code AUTOFIX_*} environment variables), reports every problem at once, starts the server on the
 * embedded PostgreSQL unless a database URL is given, and stops cleanly on SIGTERM or SIGINT: a
 * running agent is stopped after the grace period, its run queued again, the database stopped last,
 * and the process exits with status 0.
 */
public final class Main {
  /** Not a static field: the demo sets the log level before logging starts (see main). */
  private static Logger log() {
    return LoggerFactory.getLogger(Main.class);
  }

  static final String VERSION =
      Main.class.getPackage().getImplementationVersion() == null
          ? "development"
          : Main.class.getPackage().getImplementationVersion();

  private Main() {}

  public static void main(String[] args) {
    // autofix binds no method interceptors; without Guice's class generation, its
    // sun.misc.Unsafe warnings do not print at every start on JDK 24 and newer.
    if (System.getProperty("guice_bytecode_gen_option") == null) {
      System.setProperty("guice_bytecode_gen_option", "DISABLED");
    }
    // The commands print their own steps; the server's INFO lines would drown them.
    if (args.length > 0
        && List.of("demo", "trigger", "doctor").contains(args[0])
        && System.getenv("AUTOFIX_LOG_LEVEL") == null
        && System.getProperty("AUTOFIX_LOG_LEVEL") == null) {
      System.setProperty("AUTOFIX_LOG_LEVEL", "WARN");
    }
    int code = run(List.of(args), System.getenv(), System.out, System.err);
    // After a handled stop too: a thread nobody stopped (a client library's) must not keep the
    // process alive.
    System.exit(code);
  }

  /** Runs the command line; returns the exit code once the server stopped (or failed to start). */
  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (!args.isEmpty() && args.get(0).equals("demo")) {
      return DemoCommand.run(args.subList(1, args.size()), env, out, err);
    }
    if (!args.isEmpty() && args.get(0).equals("doctor")) {
      return DoctorCommand.run(args.subList(1, args.size()), env, out, err);
    }
    if (!args.isEmpty() && args.get(0).equals("trigger")) {
      return TriggerCommand.run(args.subList(1, args.size()), env, out, err);
    }
    Path config = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--version" -> {
          out.println("autofix " + VERSION);
          return 0;
        }
        case "--help", "-h" -> {
          out.print(usage());
          return 0;
        }
        case "--config" -> {
          if (i + 1 >= args.size()) {
            err.println("autofix: --config needs a file path");
            return 2;
          }
          config = Path.of(args.get(++i));
        }
        default -> {
          if (arg.startsWith("--config=")) {
            config = Path.of(arg.substring("--config=".length()));
          } else {
            err.println("autofix: unknown argument '" + arg + "'");
            err.print(usage());
            return 2;
          }
        }
      }
    }
    Assembly.Settings settings;
    try {
      settings = Assembly.settings(ConfigSource.load(config, env));
    } catch (IOException e) {
      err.println("autofix cannot start: " + e.getMessage());
      return 2;
    } catch (Assembly.ConfigurationException e) {
      err.println("autofix cannot start; fix the configuration:");
      for (String problem : e.problems()) {
        err.println("  - " + problem);
      }
      err.println("See --help for every setting and its default.");
      return 2;
    }
    // Before the start, so that a SIGTERM arriving while it starts stops it as soon as it is up.
    CountDownLatch stopRequested = new CountDownLatch(1);
    AtomicReference<String> signal = new AtomicReference<>();
    List<String> handled =
        StopSignals.install(
            name -> {
              if (signal.compareAndSet(null, name)) {
                stopRequested.countDown();
              } else {
                log().info("{} received; autofix is already stopping", name);
              }
            });
    Assembly assembly;
    try {
      assembly = Assembly.start(settings, Clock.systemUTC());
    } catch (RuntimeException e) {
      err.println("autofix cannot start: " + oneLine(e));
      return 1;
    }
    // Any other way out of the JVM (SIGHUP, or a signal the handler could not take) stops it the
    // same way; close() is idempotent, so a hook that runs after a handled stop does nothing.
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("autofix-shutdown")
                .unstarted(
                    () -> {
                      if (assembly.stop()) {
                        log().info("autofix stopped by the JVM's shutdown");
                      }
                    }));
    out.println(
        "autofix is running on http://" + settings.server().bind() + ":" + assembly.port() + "/");
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log()
        .info(
            "{} received: stopping (a running agent gets {} to finish)",
            signal.get() == null ? "stop" : signal.get(),
            settings.server().shutdownGrace());
    assembly.close();
    log().info("autofix stopped{}", handled.isEmpty() ? "" : "; exit status 0");
    return 0;
  }

  static String oneLine(Throwable e) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = e; t != null && messages.size() < 3; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && messages.stream().noneMatch(m -> m.contains(message))) {
        messages.add(message);
      }
    }
    return messages.isEmpty() ? e.toString() : String.join(": ", messages).replace('\n', ' ');
  }

  /** The usage, with every setting from the key table. */
  static String usage() {
    return """
        Usage: autofix-server [--config PATH] [--help] [--version]
               autofix-server demo [--exit] [--agent demo|claude|codex] [--keep]
               autofix-server doctor [--config PATH]
               autofix-server trigger [--config PATH] <Sentry issue URL | id | short id>

        Turns a new Sentry issue into one coding-agent run and one draft pull request.
        `demo` shows the whole loop on this machine with no account (demo --help).
        `doctor` checks a configuration and all it points at, one line each (doctor --help).
        `trigger` records an existing Sentry issue now, as its webhook would (trigger --help).

        Options:
          --config PATH   a YAML configuration file; AUTOFIX_* environment variables override it
          --help          print this help and exit
          --version       print the version and exit

        Settings (environment variables; YAML keys are the same without AUTOFIX_, in lower
        case; [per project] ones may also be set under projects.<slug> in the YAML file):
        """
        + SettingsTable.help();
  }
}
