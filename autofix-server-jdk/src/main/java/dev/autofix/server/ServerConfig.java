package dev.autofix.server;

import dev.autofix.core.settings.Common;
import dev.autofix.core.settings.Setting;
import dev.autofix.core.settings.SettingType;
import dev.autofix.core.settings.Settings;
import dev.autofix.core.usecase.AutofixPolicy;
import dev.autofix.core.usecase.SpendCeiling;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
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
 * @param readToken the token the pages, {@code /api/*} and {@code /metrics} need ({@code
 *     AUTOFIX_READ_TOKEN}, none: they are open, which only a loopback bind allows)
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
 * @param clientLimits the limits on slow and greedy HTTP clients ({@code
 *     AUTOFIX_HTTP_REQUEST_TIMEOUT}, {@code AUTOFIX_HTTP_BODY_TIMEOUT}, {@code
 *     AUTOFIX_HTTP_MAX_PER_CLIENT}, {@code AUTOFIX_HTTP_MAX_CONNECTIONS})
 * @param publishRetryFor how long a verified fix is published again while GitHub is unavailable
 *     ({@code AUTOFIX_PUBLISH_RETRY_FOR}, 6h)
 * @param publishRetryFirst the first wait before that, doubled each time up to 32 times it ({@code
 *     AUTOFIX_PUBLISH_RETRY_FIRST}, 1m)
 */
record ServerConfig(
    String bind,
    int port,
    Path dataDir,
    Optional<String> adminToken,
    Optional<String> readToken,
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
    Optional<BigDecimal> maxSpendPerDayUsd,
    AutofixServer.ClientLimits clientLimits,
    Duration publishRetryFor,
    Duration publishRetryFirst) {

  ServerConfig {
    Objects.requireNonNull(bind, "bind == null");
    Objects.requireNonNull(dataDir, "dataDir == null");
    Objects.requireNonNull(adminToken, "adminToken == null");
    Objects.requireNonNull(readToken, "readToken == null");
    Objects.requireNonNull(timeZone, "timeZone == null");
    Objects.requireNonNull(recoveryInterval, "recoveryInterval == null");
    Objects.requireNonNull(maxSpendPerDayUsd, "maxSpendPerDayUsd == null");
    Objects.requireNonNull(clientLimits, "clientLimits == null");
  }

  /** The use cases' policy. */
  AutofixPolicy policy() {
    return new AutofixPolicy(
        maxConcurrent,
        lease,
        maxAttempts,
        publishUnverified,
        maxSpendPerDayUsd.map(max -> new SpendCeiling(max, timeZone)),
        AutofixPolicy.PublishRetry.of(publishRetryFirst, publishRetryFor));
  }

  private static final String M = "server";

  /**
   * Whether {@code bind} is a loopback address ({@code 127.0.0.1}, {@code ::1}, {@code localhost}):
   * only there may the read endpoints go without a token. A name that does not resolve is not.
   */
  static boolean isLoopback(String bind) {
    String host = bind.trim();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      for (InetAddress address : addresses) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return addresses.length > 0;
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
  }

  static final Setting<String> BIND =
      Setting.of("AUTOFIX_BIND", SettingType.string(), "127.0.0.1", M, "the address to listen on");
  static final Setting<Integer> PORT =
      Setting.of("AUTOFIX_PORT", SettingType.integer(0, 65535), 8080, M, "the port to listen on");
  static final Setting<Path> DATA_DIR = Common.DATA_DIR;
  static final Setting<String> ADMIN_TOKEN =
      Setting.of(
              "AUTOFIX_ADMIN_TOKEN",
              SettingType.secret(),
              null,
              M,
              "the bearer token of the admin actions (retry, cancel)")
          .shownAs("none: the actions are refused");
  static final Setting<String> READ_TOKEN =
      Setting.of(
              "AUTOFIX_READ_TOKEN",
              SettingType.secret(),
              null,
              M,
              "the token the status page, /api/* and /metrics need (bearer or the login form's"
                  + " cookie; the admin token works too); required unless AUTOFIX_BIND is"
                  + " loopback")
          .shownAs("none: open, on loopback only");
  static final Setting<Integer> MAX_CONCURRENT =
      Setting.of(
          "AUTOFIX_MAX_CONCURRENT", SettingType.integer(1, 64), 1, M, "agents running at once");
  static final Setting<Integer> MAX_FIXES_PER_DAY = Common.MAX_FIXES_PER_DAY;
  static final Setting<ZoneId> TIME_ZONE = Common.TIME_ZONE;
  static final Setting<Duration> LEASE =
      Setting.of(
              "AUTOFIX_LEASE",
              SettingType.duration(),
              Duration.ofMinutes(2),
              M,
              "a worker's claim on a run without renewal; a dead worker's run is recovered"
                  + " after it")
          .shownAs("2m");
  static final Setting<Integer> MAX_ATTEMPTS =
      Setting.of(
          "AUTOFIX_MAX_ATTEMPTS",
          SettingType.integer(1, 100),
          3,
          M,
          "attempts before a run abandoned by a dead worker fails");
  static final Setting<Boolean> PUBLISH_UNVERIFIED =
      Setting.of(
          "AUTOFIX_PUBLISH_UNVERIFIED",
          SettingType.bool(),
          false,
          M,
          "open a draft, marked as such, even when verification failed");
  static final Setting<Duration> POLL_INTERVAL =
      Setting.of(
              "AUTOFIX_POLL_INTERVAL",
              SettingType.duration(),
              Duration.ofSeconds(5),
              M,
              "the worker's backstop poll when nothing wakes it")
          .shownAs("5s");
  static final Setting<Duration> SHUTDOWN_GRACE =
      Setting.of(
              "AUTOFIX_SHUTDOWN_GRACE",
              SettingType.duration(),
              Duration.ofSeconds(30),
              M,
              "how long a stop waits for a running agent")
          .shownAs("30s");
  static final Setting<Integer> MAX_BODY_BYTES =
      Setting.of(
              "AUTOFIX_MAX_BODY_BYTES",
              SettingType.integer(1024, 64 * 1024 * 1024),
              1024 * 1024,
              M,
              "the largest webhook body")
          .shownAs("1048576 (1 MiB)");
  static final Setting<Duration> RECOVERY_INTERVAL =
      Setting.of(
              "AUTOFIX_RECOVERY_INTERVAL",
              SettingType.duration(),
              null,
              M,
              "how often runs abandoned by a dead worker are looked for")
          .shownAs("the lease");
  static final Setting<BigDecimal> MAX_SPEND_PER_DAY_USD =
      Setting.of(
          "AUTOFIX_MAX_SPEND_PER_DAY_USD",
          SettingType.dollars(),
          null,
          M,
          "a dollar ceiling on a day's agents beside the count");

  static final Setting<Duration> HTTP_REQUEST_TIMEOUT =
      Setting.of(
              "AUTOFIX_HTTP_REQUEST_TIMEOUT",
              SettingType.duration(),
              AutofixServer.ClientLimits.defaults().requestTimeout(),
              M,
              "a request must arrive whole, headers and body, within this of its first byte, else"
                  + " its connection is closed (whole seconds; the JDK server has no separate"
                  + " header limit)")
          .shownAs("10s");
  static final Setting<Duration> HTTP_BODY_TIMEOUT =
      Setting.of(
              "AUTOFIX_HTTP_BODY_TIMEOUT",
              SettingType.duration(),
              AutofixServer.ClientLimits.defaults().bodyTimeout(),
              M,
              "a webhook body must arrive within this once its headers are in, else 408 and the"
                  + " connection is closed")
          .shownAs("5s");
  static final Setting<Integer> HTTP_MAX_PER_CLIENT =
      Setting.of(
          "AUTOFIX_HTTP_MAX_PER_CLIENT",
          SettingType.integer(0, 100_000),
          AutofixServer.ClientLimits.defaults().maxPerClient(),
          M,
          "requests in progress at once from one address, loopback not counted (0: no cap); the"
              + " next is answered 429");
  static final Setting<Integer> HTTP_MAX_CONNECTIONS =
      Setting.of(
          "AUTOFIX_HTTP_MAX_CONNECTIONS",
          SettingType.integer(0, 1_000_000),
          AutofixServer.ClientLimits.defaults().maxConnections(),
          M,
          "HTTP connections open at once; past it new ones are closed as they arrive (0: no cap)");
  static final Setting<Duration> PUBLISH_RETRY_FOR =
      Setting.of(
              "AUTOFIX_PUBLISH_RETRY_FOR",
              SettingType.duration(),
              Duration.ofHours(6),
              M,
              "how long a verified fix is published again while GitHub is unavailable, without"
                  + " rerunning the agent; the run fails after it")
          .shownAs("6h");
  static final Setting<Duration> PUBLISH_RETRY_FIRST =
      Setting.of(
              "AUTOFIX_PUBLISH_RETRY_FIRST",
              SettingType.duration(),
              Duration.ofMinutes(1),
              M,
              "the first wait before publishing again; it doubles each time, up to 32 times it")
          .shownAs("1m");

  /** The server's rows of the key table. */
  static final List<Setting<?>> TABLE =
      List.of(
          BIND,
          PORT,
          DATA_DIR,
          ADMIN_TOKEN,
          READ_TOKEN,
          MAX_CONCURRENT,
          MAX_FIXES_PER_DAY,
          TIME_ZONE,
          LEASE,
          MAX_ATTEMPTS,
          PUBLISH_UNVERIFIED,
          POLL_INTERVAL,
          SHUTDOWN_GRACE,
          MAX_BODY_BYTES,
          RECOVERY_INTERVAL,
          MAX_SPEND_PER_DAY_USD,
          HTTP_REQUEST_TIMEOUT,
          HTTP_BODY_TIMEOUT,
          HTTP_MAX_PER_CLIENT,
          HTTP_MAX_CONNECTIONS,
          PUBLISH_RETRY_FOR,
          PUBLISH_RETRY_FIRST);

  /**
   * Reads the server's settings, adding every problem to {@code problems} (in plain words, naming
   * the key) instead of stopping at the first.
   */
  static ServerConfig fromEnv(Map<String, String> env, List<String> problems) {
    Settings r = Settings.of(env);
    ServerConfig config = read(r, env);
    r.problems().forEach(p -> problems.add(p.toString()));
    return config;
  }

  /** Reads the server's settings through {@code r}, which collects the problems. */
  static ServerConfig read(Settings r, Map<String, String> env) {
    Duration lease = r.get(LEASE);
    String bind = r.get(BIND);
    Optional<String> readToken = r.find(READ_TOKEN);
    if (readToken.isEmpty() && !isLoopback(bind)) {
      r.problem(
          READ_TOKEN,
          "is required when AUTOFIX_BIND is not a loopback address ('"
              + bind
              + "'): the status page, /api/* and /metrics show prompts, stack traces and"
              + " transcripts; set a token, or bind 127.0.0.1 behind a tunnel or proxy");
    }
    return new ServerConfig(
        bind,
        r.get(PORT),
        r.get(DATA_DIR),
        r.find(ADMIN_TOKEN),
        readToken,
        r.get(MAX_CONCURRENT),
        r.get(MAX_FIXES_PER_DAY),
        r.get(TIME_ZONE),
        lease,
        r.get(MAX_ATTEMPTS),
        r.get(PUBLISH_UNVERIFIED),
        r.get(POLL_INTERVAL),
        r.get(SHUTDOWN_GRACE),
        r.get(MAX_BODY_BYTES),
        r.find(RECOVERY_INTERVAL).orElse(lease),
        r.find(MAX_SPEND_PER_DAY_USD),
        new AutofixServer.ClientLimits(
            r.get(HTTP_REQUEST_TIMEOUT),
            r.get(HTTP_BODY_TIMEOUT),
            r.get(HTTP_MAX_PER_CLIENT),
            r.get(HTTP_MAX_CONNECTIONS)),
        r.get(PUBLISH_RETRY_FOR),
        r.get(PUBLISH_RETRY_FIRST));
  }
}
