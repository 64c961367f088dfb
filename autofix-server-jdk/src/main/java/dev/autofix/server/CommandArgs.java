package dev.autofix.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line the subcommands share ({@code doctor}, {@code trigger}): {@code --help}, {@code
 * --config PATH} (or {@code --config=PATH}), and their positional arguments.
 *
 * @param help whether {@code --help} or {@code -h} was given
 * @param config the YAML file, or {@code null}
 * @param positional the other arguments, in order
 */
record CommandArgs(boolean help, Path config, List<String> positional) {
  /** A usage mistake; its message says which, for {@code autofix <command>: <message>}. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static CommandArgs parse(List<String> args) throws UsageException {
    boolean help = false;
    Path config = null;
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
      } else if (arg.equals("--config")) {
        if (i + 1 >= args.size()) {
          throw new UsageException("--config needs a file path");
        }
        config = Path.of(args.get(++i));
      } else if (arg.startsWith("--config=")) {
        config = Path.of(arg.substring("--config=".length()));
      } else if (arg.startsWith("--")) {
        throw new UsageException("unknown option '" + arg + "'");
      } else {
        positional.add(arg);
      }
    }
    return new CommandArgs(help, config, List.copyOf(positional));
  }
}
