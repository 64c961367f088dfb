package dev.autofix.core.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What makes two issues one bug: the exception type and the innermost frame of the application's
 * own code (its module, or its file, and its function), normalised so that what differs between two
 * surfacings of one bug does not count. Line numbers are left out (a deploy moves them), and so are
 * ids and hashes: build hashes and versions in file names, numbered lambdas and anonymous classes,
 * query strings, the host of a script's URL. An error with no frame of the application's own has no
 * key: it is never grouped.
 *
 * @param value the key, for example {@code ZeroDivisionError|app/billing.py|compute_total}
 */
public record RootCauseKey(String value) {
  private static final Pattern SCHEME_AND_HOST = Pattern.compile("^[a-z][a-z0-9+.-]*://[^/]*");
  private static final Pattern WEBPACK = Pattern.compile("^(webpack|app|file):/{2,3}(\\./)?");
  private static final Pattern QUERY = Pattern.compile("[?#].*$");
  // a build hash (runner.3f2a9c1e.js), a uuid, or a version (runner-4.1.7.min.js)
  // (at least one digit in it: facade.py is no hash)
  private static final Pattern HASH =
      Pattern.compile("(?i)(?<![a-z0-9])(?=[a-f]*[0-9])[0-9a-f]{6,}(?![a-z0-9])");
  private static final Pattern VERSION = Pattern.compile("(?<=[-_.@])\\d+(\\.\\d+)+");
  private static final Pattern NUMBER = Pattern.compile("\\d+");
  // Java's lambda$run$0 and Outer$1, Python's <lambda>, JavaScript's anonymous functions
  private static final Pattern NUMBERED = Pattern.compile("\\$\\d+");
  private static final int MAX_PART = 200;

  public RootCauseKey {
    Objects.requireNonNull(value, "value == null");
  }

  /** The key of {@code details}, or empty when no exception has a frame in the app's own code. */
  public static Optional<RootCauseKey> of(ErrorDetails details) {
    Objects.requireNonNull(details, "details == null");
    for (ExceptionInfo exception : details.exceptions()) {
      List<StackFrame> inApp = exception.inAppFrames();
      if (inApp.isEmpty()) {
        continue;
      }
      // frames run oldest first: the innermost, where it went wrong, is the last
      StackFrame innermost = inApp.getLast();
      String where =
          innermost.module() != null && !innermost.module().isBlank()
              ? module(innermost.module())
              : file(innermost.file());
      if (where.isEmpty() && function(innermost.function()).isEmpty()) {
        continue;
      }
      return Optional.of(
          new RootCauseKey(
              part(type(exception.type()))
                  + "|"
                  + part(where)
                  + "|"
                  + part(function(innermost.function()))));
    }
    return Optional.empty();
  }

  /** {@code java.lang.NullPointerException} and {@code NullPointerException} alike: the name. */
  static String type(String type) {
    String name = type == null ? "" : type.strip();
    int dot = name.lastIndexOf('.');
    return dot >= 0 && dot < name.length() - 1 ? name.substring(dot + 1) : name;
  }

  static String module(String module) {
    return ids(NUMBERED.matcher(module.strip()).replaceAll(""));
  }

  static String file(String file) {
    if (file == null) {
      return "";
    }
    String path = file.strip().toLowerCase(Locale.ROOT);
    path = WEBPACK.matcher(path).replaceFirst("");
    path = SCHEME_AND_HOST.matcher(path).replaceFirst("");
    path = QUERY.matcher(path).replaceFirst("");
    while (path.startsWith("/") || path.startsWith("./")) {
      path = path.substring(path.startsWith("/") ? 1 : 2);
    }
    return ids(path);
  }

  static String function(String function) {
    if (function == null || function.isBlank() || function.strip().equals("?")) {
      return "";
    }
    String name = function.strip();
    if (name.equals("<anonymous>") || name.equals("<lambda>")) {
      return "?";
    }
    return NUMBER.matcher(NUMBERED.matcher(name).replaceAll("")).replaceAll("#");
  }

  /** Versions, hashes and numbers replaced by one mark each. */
  private static String ids(String text) {
    String out = VERSION.matcher(text).replaceAll("*");
    out = HASH.matcher(out).replaceAll("*");
    return NUMBER.matcher(out).replaceAll("#");
  }

  private static String part(String text) {
    String clean = text.replace('|', '/');
    return clean.length() <= MAX_PART ? clean : clean.substring(0, MAX_PART);
  }
}
