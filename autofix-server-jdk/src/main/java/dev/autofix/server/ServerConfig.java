package dev.autofix.server;

import dev.autofix.core.Durations;
import dev.autofix.core.usecase.AutofixPolicy;
import dev.autofix.core.usecase.SpendCeiling;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's own settings (the adapters read theirs with their own {@code fromEnv}).
 *
 * @param bind the address to listen on ({@code AUTOFIX_BIND}, 127.0.0.1)
 * @param port the port ({@code AUTOFIX_PORT}, 8080)
 * @param dataDir where the embedded database, worktrees and logs live ({@code AUTOFIX_DATA_DIR},
 *     {@code ~/.autofix})
 * @param adminToken the bearer token of the admin actions ({@code AUTOFIX_ADMIN_TOKEN}, none: the
 *     actions are refused)
 * @param maxConcurrent agents at once ({@code AUTOFIX_MAX_CONCURRENT}, 1)
 * @param maxFixesPerDay the daily cap ({@code AUTOFIX_MAX_FIXES_PER_DAY}, 10)
 * @param timeZone where the day starts and ends for the cap ({@code AUTOFIX_TIME_ZONE}, UTC)
 * @param lease a worker's claim on a run ({@code AUTOFIX_LEASE}, 2h; longer than the agent timeout)
 * @param maxAttempts attempts before an abandoned run fails ({@code AUTOFIX_MAX_ATTEMPTS}, 3)
 * @param publishUnverified open a draft even when verification failed ({@code
 *     AUTOFIX_PUBLISH_UNVERIFIED}, false)
 * @param pollInterval the worker's backstop poll ({@code AUTOFIX_POLL_INTERVAL}, 5s)
 * @param shutdownGrace how long a stop waits for a running agent ({@code AUTOFIX_SHUTDOWN_GRACE},
 *     30s)
 * @param maxBodyBytes the largest webhook body ({@code AUTOFIX_MAX_BODY_BYTES}, 1 MiB)
 * @param recoveryInterval how often runs abandoned by a dead worker are looked for ({@code
 *     AUTOFIX_RECOVERY_INTERVAL}, the lease)
 * @param maxSpendPerDayUsd a dollar ceiling on a day's agents beside the count ({@code
 *     AUTOFIX_MAX_SPEND_PER_DAY_USD}, none)
 */
record ServerConfig(
    String bind,
    int port,
    Path dataDir,
    Optional<String> adminToken,
    int maxConcurrent,
    int maxFixesPerDay,
    ZoneId timeZone,
    Duration lease,
    int maxAttempts,
    boolean publishUnverified,
    Duration pollInterval,
    Duration shutdownGrace,
    long maxBodyBytes,
    Duration recoveryInterval,
    Optional<BigDecimal> maxSpendPerDayUsd) {

  ServerConfig {
    Objects.requireNonNull(bind, "bind == null");
    Objects.requireNonNull(dataDir, "dataDir == null");
    Objects.requireNonNull(adminToken, "adminToken == null");
    Objects.requireNonNull(timeZone, "timeZone == null");
    Objects.requireNonNull(recoveryInterval, "recoveryInterval == null");
    Objects.requireNonNull(maxSpendPerDayUsd, "maxSpendPerDayUsd == null");
  }

  /** The use cases' policy. */
  AutofixPolicy policy() {
    return new AutofixPolicy(
        maxConcurrent,
        lease,
        maxAttempts,
        publishUnverified,
        maxSpendPerDayUsd.map(max -> new SpendCeiling(max, timeZone)));
  }

  /**
   * Reads the server's settings, adding every problem to {@code problems} (in plain words, naming
   * the key) instead of stopping at the first.
   */
  static ServerConfig fromEnv(Map<String, String> env, List<String> problems) {
    Reader r = new Reader(env, problems);
    Duration lease = r.duration("AUTOFIX_LEASE", Duration.ofMinutes(2));
    String home = env.getOrDefault("HOME", System.getProperty("user.home", "."));
    ServerConfig config =
        new ServerConfig(
            r.string("AUTOFIX_BIND", "127.0.0.1"),
            r.integer("AUTOFIX_PORT", 8080, 0, 65535),
            Path.of(r.string("AUTOFIX_DATA_DIR", Path.of(home, ".autofix").toString())),
            Optional.ofNullable(env.get("AUTOFIX_ADMIN_TOKEN")).filter(t -> !t.isBlank()),
            r.integer("AUTOFIX_MAX_CONCURRENT", 1, 1, 64),
            r.integer("AUTOFIX_MAX_FIXES_PER_DAY", 10, 0, 100_000),
            r.zone("AUTOFIX_TIME_ZONE", ZoneId.of("UTC")),
            lease,
            r.integer("AUTOFIX_MAX_ATTEMPTS", 3, 1, 100),
            r.bool("AUTOFIX_PUBLISH_UNVERIFIED", false),
            r.duration("AUTOFIX_POLL_INTERVAL", Duration.ofSeconds(5)),
            r.duration("AUTOFIX_SHUTDOWN_GRACE", Duration.ofSeconds(30)),
            r.integer("AUTOFIX_MAX_BODY_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
            r.duration("AUTOFIX_RECOVERY_INTERVAL", lease),
            r.dollars("AUTOFIX_MAX_SPEND_PER_DAY_USD"));
    return config;
  }

  /** Reads typed values, collecting problems. */
  static final class Reader {
    private final Map<String, String> env;
    private final List<String> problems;

    Reader(Map<String, String> env, List<String> problems) {
      this.env = env;
      this.problems = problems;
    }

    String string(String key, String fallback) {
      String value = env.get(key);
      return value == null || value.isBlank() ? fallback : value.trim();
    }

    int integer(String key, int fallback, int min, int max) {
      String value = env.get(key);
      if (value == null || value.isBlank()) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value.trim());
        if (parsed < min || parsed > max) {
          problems.add(key + " must be between " + min + " and " + max + ", not " + parsed);
          return fallback;
        }
        return parsed;
      } catch (NumberFormatException e) {
        problems.add(key + " must be a whole number, not '" + value + "'");
        return fallback;
      }
    }

    boolean bool(String key, boolean fallback) {
      String value = env.get(key);
      if (value == null || value.isBlank()) {
        return fallback;
      }
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1", "on" -> true;
        case "false", "no", "0", "off" -> false;
        default -> {
          problems.add(key + " must be true or false, not '" + value + "'");
          yield fallback;
        }
      };
    }

    Duration duration(String key, Duration fallback) {
      String value = env.get(key);
      if (value == null || value.isBlank()) {
        return fallback;
      }
      try {
        Duration parsed = Durations.parse(value);
        if (parsed.isNegative() || parsed.isZero()) {
          problems.add(key + " must be positive, not " + value);
          return fallback;
        }
        return parsed;
      } catch (IllegalArgumentException e) {
        problems.add(key + ": " + e.getMessage());
        return fallback;
      }
    }

    /** A positive amount of US dollars such as {@code 25} or {@code 7.50}, if set. */
    Optional<BigDecimal> dollars(String key) {
      String value = env.get(key);
      if (value == null || value.isBlank()) {
        return Optional.empty();
      }
      try {
        BigDecimal parsed = new BigDecimal(value.trim().replaceFirst("^\\$", ""));
        if (parsed.signum() > 0) {
          return Optional.of(parsed);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problems.add(
          key + " must be a positive amount of US dollars such as 25 or 7.50, not '" + value + "'");
      return Optional.empty();
    }

    ZoneId zone(String key, ZoneId fallback) {
      String value = env.get(key);
      if (value == null || value.isBlank()) {
        return fallback;
      }
      try {
        return ZoneId.of(value.trim());
      } catch (RuntimeException e) {
        problems.add(
            key + " must be a time zone such as UTC or Europe/Berlin, not '" + value + "'");
        return fallback;
      }
    }
  }
}
