package dev.autofix.server;

import java.io.PrintStream;
import java.util.List;

/** The {@code autofix-server} command line. */
public final class Main {
  static final String VERSION =
      Main.class.getPackage().getImplementationVersion() == null
          ? "development"
          : Main.class.getPackage().getImplementationVersion();

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  /** Runs the command line; returns the exit code. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--version")) {
      out.println("autofix " + VERSION);
      return 0;
    }
    if (args.contains("--help") || args.contains("-h")) {
      out.print(usage());
      return 0;
    }
    err.println("autofix: the server is not assembled yet (issue 8); see --help");
    err.print(usage());
    return 2;
  }

  static String usage() {
    return """
        Usage: autofix-server [--config PATH] [--help] [--version]

        Turns a new Sentry issue into one coding-agent run and one draft pull request.

        Options:
          --config PATH   a YAML configuration file; AUTOFIX_* environment variables override it
          --help          print this help and exit
          --version       print the version and exit
        """;
  }
}
