package dev.autofix.core.settings;

import java.nio.file.Path;

/** Settings that several modules read, declared once so each has one default everywhere. */
public final class Common {
  private Common() {}

  /**
   * The one data directory: the embedded database, worktrees, run logs, the agents' scratch homes.
   */
  public static final Setting<Path> DATA_DIR =
      Setting.of(
          "AUTOFIX_DATA_DIR",
          SettingType.path(),
          Path.of("~", ".autofix"),
          "server",
          "where the embedded database, worktrees, run logs and the agents' scratch homes live");

  /** The zone whose midnight starts a new day of the daily cap and the spend ceiling. */
  public static final Setting<java.time.ZoneId> TIME_ZONE =
      Setting.of(
          "AUTOFIX_TIME_ZONE",
          SettingType.zone(),
          java.time.ZoneId.of("UTC"),
          "server",
          "where the day of the daily cap and the spend ceiling starts and ends");

  /** The branch fixes start from (the agents' worktrees) and target (the pull request). */
  public static final Setting<String> BASE_BRANCH =
      Setting.of(
              "AUTOFIX_BASE_BRANCH",
              SettingType.string(),
              "main",
              "agents",
              "the branch fixes start from and their pull requests target")
          .forProjects();

  /**
   * The daily cap on agent starts, which the server and whichever rate limiter counts it (the
   * store's, Redis') all read.
   */
  public static final Setting<Integer> MAX_FIXES_PER_DAY =
      Setting.of(
          "AUTOFIX_MAX_FIXES_PER_DAY",
          SettingType.integer(0, 100_000),
          10,
          "server",
          "the daily cap on agent starts");
}
