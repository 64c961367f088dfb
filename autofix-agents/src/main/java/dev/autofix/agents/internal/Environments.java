package dev.autofix.agents.internal;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds the environment of an agent or test process: the user's own environment (their CLIs,
 * logins and toolchain) minus autofix's secrets.
 */
public final class Environments {
  /** Autofix's own secrets, never handed to an agent, whatever the deny list says. */
  public static final List<String> ALWAYS_DENIED =
      List.of(
          "AUTOFIX_GITHUB_TOKEN",
          "AUTOFIX_SENTRY_TOKEN",
          "AUTOFIX_SENTRY_CLIENT_SECRET",
          "AUTOFIX_ADMIN_TOKEN",
          "GITHUB_TOKEN",
          "GH_TOKEN");

  private Environments() {}

  /**
   * {@code base} without {@link #ALWAYS_DENIED}, without any {@code AUTOFIX_*} variable (database
   * and Redis URLs carry passwords too), and without the names matching {@code denied}: exact names
   * or globs with {@code *}, compared case-insensitively.
   */
  public static Map<String, String> clean(Map<String, String> base, Collection<String> denied) {
    List<Pattern> patterns = denied.stream().map(Environments::glob).toList();
    Map<String, String> result = new TreeMap<>();
    base.forEach(
        (name, value) -> {
          if (!isDenied(name, patterns)) {
            result.put(name, value);
          }
        });
    return result;
  }

  /**
   * Only the variables of {@code base} whose names match {@code allowed} (exact names or {@code *}
   * globs, case-sensitive as the environment is), and never one that {@link #clean} would remove.
   */
  public static Map<String, String> allowed(
      Map<String, String> base, Collection<String> allowed, Collection<String> denied) {
    List<Pattern> allow = allowed.stream().map(g -> Pattern.compile(globRegex(g))).toList();
    Map<String, String> result = new TreeMap<>();
    clean(base, denied)
        .forEach(
            (name, value) -> {
              if (allow.stream().anyMatch(p -> p.matcher(name).matches())) {
                result.put(name, value);
              }
            });
    return result;
  }

  private static boolean isDenied(String name, List<Pattern> patterns) {
    String upper = name.toUpperCase(Locale.ROOT);
    if (ALWAYS_DENIED.contains(upper) || upper.startsWith("AUTOFIX_")) {
      return true;
    }
    for (Pattern pattern : patterns) {
      if (pattern.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }

  private static Pattern glob(String glob) {
    return Pattern.compile(globRegex(glob), Pattern.CASE_INSENSITIVE);
  }

  private static String globRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    String[] parts = glob.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(parts[i]));
    }
    return regex.toString();
  }
}
