package dev.autofix.sentry;

import dev.autofix.core.model.Level;
import dev.autofix.core.settings.Setting;
import dev.autofix.core.settings.SettingType;
import dev.autofix.core.settings.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration of the Sentry adapter: how webhooks are verified and filtered, and how the Sentry
 * REST API is reached.
 *
 * @param clientSecret the integration's client secret, the HMAC key of {@code
 *     Sentry-Hook-Signature}
 * @param apiUrl the Sentry base URL ({@code https://sentry.io}, a region host, or self-hosted)
 * @param token the API token ({@code Authorization: Bearer}), or {@code null}: then nothing is
 *     fetched, no feedback is posted and the poller is off
 * @param org the organization slug; required with a token
 * @param maxBodyBytes deliveries larger than this are rejected before parsing
 * @param legacyEnabled whether the unsigned legacy WebHooks plugin payload is accepted
 * @param legacySecret the shared secret a legacy delivery must carry in {@link
 *     #LEGACY_SECRET_HEADER}; required when {@code legacyEnabled}
 * @param projects the project slugs to accept; empty accepts all
 * @param minimumLevel issues below this level are ignored
 * @param environments the environments to accept; empty accepts all
 * @param pollInterval how often the server should call the poller
 * @param pollLookback how far back the first poll looks
 * @param timeout the whole-call timeout of one API request
 * @param maxAttempts how many times one API request is tried (429, 5xx and I/O errors are retried)
 * @param maxRetryWait the longest {@code Retry-After} honoured between attempts; a longer one ends
 *     the attempts
 * @param installationUuid the integration's installation uuid, used to link the pull request as an
 *     external issue; {@code null} skips the link
 */
public record SentryConfig(
    Secret clientSecret,
    URI apiUrl,
    Secret token,
    String org,
    long maxBodyBytes,
    boolean legacyEnabled,
    Secret legacySecret,
    Set<String> projects,
    Level minimumLevel,
    Set<String> environments,
    Duration pollInterval,
    Duration pollLookback,
    Duration timeout,
    int maxAttempts,
    Duration maxRetryWait,
    String installationUuid) {

  /**
   * The header that carries the legacy plugin's shared secret. The plugin cannot send headers, so
   * the server copies the webhook URL's {@code ?secret=} query parameter into this header.
   */
  public static final String LEGACY_SECRET_HEADER = "X-Autofix-Webhook-Secret";

  /** The default Sentry base URL. */
  public static final URI DEFAULT_API_URL = URI.create("https://sentry.io");

  /** The default body limit: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  public SentryConfig {
    Objects.requireNonNull(clientSecret, "clientSecret == null");
    apiUrl = apiUrl == null ? DEFAULT_API_URL : apiUrl;
    if (!"https".equals(apiUrl.getScheme()) && !"http".equals(apiUrl.getScheme())) {
      throw new IllegalArgumentException("apiUrl must be http(s): " + apiUrl);
    }
    if (token != null && (org == null || org.isBlank())) {
      throw new IllegalArgumentException("org is required with an API token");
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes <= 0: " + maxBodyBytes);
    }
    if (legacyEnabled && legacySecret == null) {
      throw new IllegalArgumentException("legacySecret is required when legacy webhooks are on");
    }
    projects = projects == null ? Set.of() : Set.copyOf(projects);
    minimumLevel = minimumLevel == null ? MIN_LEVEL.defaultValue() : minimumLevel;
    environments = environments == null ? Set.of() : Set.copyOf(environments);
    pollInterval = positive(pollInterval, POLL_INTERVAL.defaultValue(), "pollInterval");
    pollLookback = positive(pollLookback, POLL_LOOKBACK.defaultValue(), "pollLookback");
    timeout = positive(timeout, TIMEOUT.defaultValue(), "timeout");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
    }
    maxRetryWait = maxRetryWait == null ? MAX_RETRY_WAIT.defaultValue() : maxRetryWait;
    if (maxRetryWait.isNegative()) {
      throw new IllegalArgumentException("maxRetryWait < 0: " + maxRetryWait);
    }
    if (installationUuid != null && installationUuid.isBlank()) {
      installationUuid = null;
    }
  }

  /** A config with every default and the given client secret. */
  public static SentryConfig withClientSecret(String clientSecret) {
    return new SentryConfig(
        new Secret(clientSecret),
        null,
        null,
        null,
        DEFAULT_MAX_BODY_BYTES,
        false,
        null,
        Set.of(),
        null,
        Set.of(),
        null,
        null,
        null,
        MAX_ATTEMPTS.defaultValue(),
        null,
        null);
  }

  private static final String M = "sentry";

  public static final Setting<String> CLIENT_SECRET =
      Setting.of(
              "AUTOFIX_SENTRY_CLIENT_SECRET",
              SettingType.secret(),
              null,
              M,
              "the integration's client secret, the HMAC key of Sentry-Hook-Signature")
          .shownAs("required");
  public static final Setting<String> API_URL =
      Setting.of(
          "AUTOFIX_SENTRY_API_URL",
          SettingType.string(),
          DEFAULT_API_URL.toString(),
          M,
          "the Sentry base URL: a region host (https://de.sentry.io) or self-hosted Sentry");
  public static final Setting<String> TOKEN =
      Setting.of(
              "AUTOFIX_SENTRY_TOKEN",
              SettingType.secret(),
              null,
              M,
              "the API token (event:read, event:write); without it nothing is fetched, no"
                  + " feedback is posted and the poller is off")
          .shownAs("none");
  public static final Setting<String> ORG =
      Setting.of(
              "AUTOFIX_SENTRY_ORG",
              SettingType.string(),
              null,
              M,
              "the organization slug; required with a token")
          .shownAs("none");
  public static final Setting<Integer> MAX_BODY_BYTES =
      Setting.of(
              "AUTOFIX_SENTRY_MAX_BODY_BYTES",
              SettingType.integer(1024, 64 * 1024 * 1024),
              (int) DEFAULT_MAX_BODY_BYTES,
              M,
              "larger deliveries are refused before any parsing")
          .shownAs("1048576 (1 MiB)");
  public static final Setting<Boolean> LEGACY_ENABLED =
      Setting.of(
          "AUTOFIX_SENTRY_LEGACY_ENABLED",
          SettingType.bool(),
          false,
          M,
          "accept the unsigned legacy WebHooks plugin payload");
  public static final Setting<String> LEGACY_SECRET =
      Setting.of(
              "AUTOFIX_SENTRY_LEGACY_SECRET",
              SettingType.secret(),
              null,
              M,
              "the shared secret a legacy delivery must carry; required when legacy is on")
          .shownAs("none");
  public static final Setting<List<String>> PROJECTS =
      Setting.of(
              "AUTOFIX_SENTRY_PROJECTS",
              SettingType.list(),
              List.of(),
              M,
              "the project slugs to accept")
          .shownAs("all");
  public static final Setting<Level> MIN_LEVEL =
      Setting.of(
          "AUTOFIX_SENTRY_MIN_LEVEL",
          new SettingType<>(
              "level",
              "one of debug, info, warning, error, fatal (also warn, critical)",
              Level::fromWire,
              false),
          Level.DEBUG,
          M,
          "issues below this level are ignored");
  public static final Setting<List<String>> ENVIRONMENTS =
      Setting.of(
              "AUTOFIX_SENTRY_ENVIRONMENTS",
              SettingType.list(),
              List.of(),
              M,
              "the environments to accept")
          .shownAs("all");
  public static final Setting<Duration> POLL_INTERVAL =
      Setting.of(
              "AUTOFIX_SENTRY_POLL_INTERVAL",
              SettingType.duration(),
              Duration.ofMinutes(5),
              M,
              "how often the server calls the poller")
          .shownAs("5m");
  public static final Setting<Duration> POLL_LOOKBACK =
      Setting.of(
              "AUTOFIX_SENTRY_POLL_LOOKBACK",
              SettingType.duration(),
              Duration.ofHours(1),
              M,
              "how far back the first poll looks")
          .shownAs("1h");
  public static final Setting<Duration> TIMEOUT =
      Setting.of(
              "AUTOFIX_SENTRY_TIMEOUT",
              SettingType.duration(),
              Duration.ofSeconds(10),
              M,
              "the whole-call timeout of one API request")
          .shownAs("10s");
  public static final Setting<Integer> MAX_ATTEMPTS =
      Setting.of(
          "AUTOFIX_SENTRY_MAX_ATTEMPTS",
          SettingType.integer(1, 100),
          3,
          M,
          "tries per API request (429, 5xx, timeouts and I/O errors are retried)");
  public static final Setting<Duration> MAX_RETRY_WAIT =
      Setting.of(
              "AUTOFIX_SENTRY_MAX_RETRY_WAIT",
              SettingType.duration(),
              Duration.ofSeconds(30),
              M,
              "the longest Retry-After honoured; a longer one ends the attempts at once")
          .shownAs("30s");
  public static final Setting<String> INSTALLATION_UUID =
      Setting.of(
              "AUTOFIX_SENTRY_INSTALLATION_UUID",
              SettingType.string(),
              null,
              M,
              "the installation uuid; when set, the pull request is also linked as an external"
                  + " issue")
          .shownAs("none");

  /** This module's rows of the key table. */
  public static final List<Setting<?>> TABLE =
      List.of(
          CLIENT_SECRET,
          API_URL,
          TOKEN,
          ORG,
          MAX_BODY_BYTES,
          LEGACY_ENABLED,
          LEGACY_SECRET,
          PROJECTS,
          MIN_LEVEL,
          ENVIRONMENTS,
          POLL_INTERVAL,
          POLL_LOOKBACK,
          TIMEOUT,
          MAX_ATTEMPTS,
          MAX_RETRY_WAIT,
          INSTALLATION_UUID);

  /**
   * Reads the configuration from environment variables; see {@link #TABLE} and the module README
   * for every key.
   *
   * @throws IllegalArgumentException naming every problem, each with its key
   */
  public static SentryConfig fromEnv(Map<String, String> env) {
    return Settings.readOrThrow(env, SentryConfig::read);
  }

  /**
   * Reads the configuration through {@code settings}, which collects every problem, each naming its
   * key; {@code null} when there is none to build (no client secret, a token without an org, legacy
   * webhooks without their secret).
   */
  public static SentryConfig read(Settings settings) {
    // Every value is read once, first, so that every mistake is reported, whatever else is wrong.
    Optional<String> clientSecret =
        settings.require(CLIENT_SECRET, "(the HMAC key of Sentry-Hook-Signature)");
    URI apiUrl = apiUrl(settings);
    Secret token = settings.find(TOKEN).map(Secret::new).orElse(null);
    String org = settings.find(ORG).orElse(null);
    int maxBodyBytes = settings.get(MAX_BODY_BYTES);
    boolean legacyEnabled = settings.get(LEGACY_ENABLED);
    Secret legacySecret = settings.find(LEGACY_SECRET).map(Secret::new).orElse(null);
    Set<String> projects = new LinkedHashSet<>(settings.get(PROJECTS));
    Level minimumLevel = settings.get(MIN_LEVEL);
    Set<String> environments = new LinkedHashSet<>(settings.get(ENVIRONMENTS));
    Duration pollInterval = settings.get(POLL_INTERVAL);
    Duration pollLookback = settings.get(POLL_LOOKBACK);
    Duration timeout = settings.get(TIMEOUT);
    int maxAttempts = settings.get(MAX_ATTEMPTS);
    Duration maxRetryWait = settings.get(MAX_RETRY_WAIT);
    String installationUuid = settings.find(INSTALLATION_UUID).orElse(null);
    boolean usable = clientSecret.isPresent();
    if (token != null && org == null) {
      settings.problem(ORG, "is required when AUTOFIX_SENTRY_TOKEN is set");
      usable = false;
    }
    if (legacyEnabled && legacySecret == null) {
      settings.problem(LEGACY_SECRET, "is required when AUTOFIX_SENTRY_LEGACY_ENABLED is true");
      usable = false;
    }
    if (!usable) {
      return null;
    }
    return new SentryConfig(
        new Secret(clientSecret.get()),
        apiUrl,
        token,
        org,
        maxBodyBytes,
        legacyEnabled,
        legacySecret,
        projects,
        minimumLevel,
        environments,
        pollInterval,
        pollLookback,
        timeout,
        maxAttempts,
        maxRetryWait,
        installationUuid);
  }

  /** The base URL without a trailing slash, else a problem and the default. */
  private static URI apiUrl(Settings settings) {
    String text = settings.get(API_URL);
    String url = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    try {
      URI uri = new URI(url);
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    settings.problem(
        API_URL, "must be an http(s) URL such as " + DEFAULT_API_URL + ", not '" + text + "'");
    return DEFAULT_API_URL;
  }

  /** Whether an API token is configured (fetching, feedback and polling need one). */
  public boolean hasToken() {
    return token != null;
  }

  private static Duration positive(Duration value, Duration fallback, String name) {
    Duration d = value == null ? fallback : value;
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  /** A secret value; its {@code toString()} never shows it. */
  public record Secret(String value) {
    public Secret {
      Objects.requireNonNull(value, "value == null");
      if (value.isBlank()) {
        throw new IllegalArgumentException("secret is blank");
      }
    }

    @Override
    public String toString() {
      return "****";
    }
  }
}
