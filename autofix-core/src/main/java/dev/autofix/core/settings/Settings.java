package dev.autofix.core.settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads settings from one map of {@code AUTOFIX_*} names (the environment, with a YAML file merged
 * in) and collects every problem instead of stopping at the first: a bad value gives its default
 * back and adds a {@link Problem} naming the key and what it was given (masked for a secret), so
 * one start-up reports every mistake across every module at once.
 */
public final class Settings {
  private final Map<String, String> values;
  private final String where;
  private final List<Problem> problems;

  private Settings(Map<String, String> values, String where, List<Problem> problems) {
    this.values = values;
    this.where = where;
    this.problems = problems;
  }

  /** A reader over {@code values} with its own list of problems. */
  public static Settings of(Map<String, String> values) {
    return new Settings(Objects.requireNonNull(values, "values == null"), "", new ArrayList<>());
  }

  /**
   * What a config's {@code fromEnv} does for embedders: reads {@code values} with {@code read} (a
   * config's {@code read(Settings)}) and returns what it built.
   *
   * @throws IllegalArgumentException naming every problem, each with its key, joined with {@code ";
   *     "}
   */
  public static <T> T readOrThrow(Map<String, String> values, Function<Settings, T> read) {
    Settings settings = of(values);
    T config = read.apply(settings);
    if (!settings.problems.isEmpty()) {
      throw new IllegalArgumentException(
          String.join("; ", settings.problems.stream().map(Problem::toString).toList()));
    }
    return config;
  }

  /**
   * A reader over {@code values} whose problems go to this reader's list, each prefixed with {@code
   * where} ({@code projects.back-end: }).
   */
  public Settings scoped(Map<String, String> values, String where) {
    return new Settings(
        Objects.requireNonNull(values, "values == null"), this.where + where, problems);
  }

  /** The value of {@code setting}, or its default when it is unset, blank or invalid. */
  public <T> T get(Setting<T> setting) {
    return find(setting).orElseGet(() -> home(setting.defaultValue()));
  }

  /**
   * The value of {@code setting} when it is set and valid; a problem is added when it is invalid.
   */
  public <T> Optional<T> find(Setting<T> setting) {
    String text = values.get(setting.key());
    if (text != null && text.isBlank() && setting.type().name().equals("list")) {
      // a list given as empty means none (no labels, nothing hidden), not the default
      return Optional.of(setting.type().parser().apply(text));
    }
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(home(setting.type().parser().apply(text)));
    } catch (IllegalArgumentException e) {
      problem(setting, "must be " + setting.type().expected() + ", not " + shown(setting, text));
      return Optional.empty();
    }
  }

  /** The value of a setting that has no default; a problem is added when it is missing. */
  public <T> Optional<T> require(Setting<T> setting, String why) {
    Optional<T> value = find(setting);
    if (value.isEmpty() && !isSet(setting)) {
      problem(setting, "is required" + (why == null || why.isBlank() ? "" : " " + why));
    }
    return value;
  }

  /** Whether {@code setting} has a non-blank value, valid or not. */
  public boolean isSet(Setting<?> setting) {
    String text = values.get(setting.key());
    return text != null && !text.isBlank();
  }

  /** The raw text of any name in the map ({@code PATH}, {@code HOME}), if set. */
  public Optional<String> raw(String name) {
    return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
  }

  /**
   * Adds a problem found beyond the value's own type (two settings that contradict each other, a
   * path that does not exist), naming {@code setting}.
   */
  public void problem(Setting<?> setting, String message) {
    problems.add(new Problem(where + setting.key(), message));
  }

  /**
   * Adds a problem about a key that is not a setting of the table (a typo in a file), written as
   * the user wrote it.
   */
  public void problem(String key, String message) {
    problems.add(new Problem(where + key, message));
  }

  /**
   * Adds the refusal of a value object built from the settings: its message when it already starts
   * with the key it is about, else {@code setting}'s key before it.
   */
  public void problem(IllegalArgumentException refused, Setting<?> setting) {
    String message = String.valueOf(refused.getMessage());
    int space = message.indexOf(' ');
    if (message.startsWith("AUTOFIX_") && space > 0) {
      String key = message.substring(0, space);
      problems.add(
          new Problem(
              where + (key.endsWith(":") ? key.substring(0, key.length() - 1) : key),
              message.substring(space + 1)));
    } else {
      problem(setting, message);
    }
  }

  /** Every problem so far, across every scoped reader, in the order found. */
  public List<Problem> problems() {
    return List.copyOf(problems);
  }

  /** A path under {@code ~} is under the home directory ({@code HOME}, else the JVM's). */
  @SuppressWarnings("unchecked")
  private <T> T home(T value) {
    if (value instanceof Path path
        && !path.isAbsolute()
        && path.getNameCount() > 0
        && path.getName(0).toString().equals("~")) {
      Path home = Path.of(raw("HOME").orElse(System.getProperty("user.home", ".")));
      return (T)
          (path.getNameCount() == 1 ? home : home.resolve(path.subpath(1, path.getNameCount())));
    }
    return value;
  }

  /** How a value is quoted in a problem: secrets are masked. */
  static String shown(Setting<?> setting, String text) {
    if (setting.type().masked()) {
      return "'***' (" + text.length() + " characters)";
    }
    return "'" + text + "'";
  }

  /** The keys of {@code table} in {@code values} that none of its settings has. */
  public static List<String> unknownKeys(Map<String, String> values, Collection<Setting<?>> table) {
    List<String> unknown = new ArrayList<>();
    for (String name : values.keySet()) {
      if (name.startsWith("AUTOFIX_") && table.stream().noneMatch(s -> s.key().equals(name))) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  /** The setting of {@code table} closest to {@code key}, if one is close enough to be a typo. */
  public static Optional<Setting<?>> closest(String key, Collection<Setting<?>> table) {
    Setting<?> best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Setting<?> candidate : table) {
      int d = distance(key, candidate.key());
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    // a typo: a few edits, and less than a third of the key
    return bestDistance <= Math.max(2, key.length() / 6)
        ? Optional.ofNullable(best)
        : Optional.empty();
  }

  /** Levenshtein distance, with a swap of two neighbours counted as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /**
   * One mistake in the configuration.
   *
   * @param key the key, with its project when it is one project's ({@code projects.back-end:
   *     AUTOFIX_REPO_PATH})
   * @param message what is wrong, completing the key: "must be ..., not '...'"
   */
  public record Problem(String key, String message) {
    public Problem {
      Objects.requireNonNull(key, "key == null");
      Objects.requireNonNull(message, "message == null");
    }

    @Override
    public String toString() {
      return key + " " + message;
    }
  }
}
