package dev.autofix.sentry;

import dev.autofix.core.Durations;
import dev.autofix.core.model.Level;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
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
    minimumLevel = minimumLevel == null ? Level.DEBUG : minimumLevel;
    environments = environments == null ? Set.of() : Set.copyOf(environments);
    pollInterval = positive(pollInterval, Duration.ofMinutes(5), "pollInterval");
    pollLookback = positive(pollLookback, Duration.ofHours(1), "pollLookback");
    timeout = positive(timeout, Duration.ofSeconds(10), "timeout");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
    }
    maxRetryWait = maxRetryWait == null ? Duration.ofSeconds(30) : maxRetryWait;
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
        3,
        null,
        null);
  }

  /**
   * Reads the {@code AUTOFIX_SENTRY_*} variables (see the module README).
   *
   * @throws IllegalArgumentException when a variable is missing or malformed
   */
  public static SentryConfig fromEnv(Map<String, String> env) {
    String secret = get(env, "AUTOFIX_SENTRY_CLIENT_SECRET");
    if (secret == null) {
      throw new IllegalArgumentException("AUTOFIX_SENTRY_CLIENT_SECRET is required");
    }
    String apiUrl = get(env, "AUTOFIX_SENTRY_API_URL");
    String token = get(env, "AUTOFIX_SENTRY_TOKEN");
    String legacySecret = get(env, "AUTOFIX_SENTRY_LEGACY_SECRET");
    String level = get(env, "AUTOFIX_SENTRY_MIN_LEVEL");
    return new SentryConfig(
        new Secret(secret),
        apiUrl == null ? null : URI.create(stripTrailingSlash(apiUrl)),
        token == null ? null : new Secret(token),
        get(env, "AUTOFIX_SENTRY_ORG"),
        longValue(env, "AUTOFIX_SENTRY_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
        bool(env, "AUTOFIX_SENTRY_LEGACY_ENABLED"),
        legacySecret == null ? null : new Secret(legacySecret),
        list(env, "AUTOFIX_SENTRY_PROJECTS"),
        level == null ? null : Level.fromWire(level),
        list(env, "AUTOFIX_SENTRY_ENVIRONMENTS"),
        duration(env, "AUTOFIX_SENTRY_POLL_INTERVAL"),
        duration(env, "AUTOFIX_SENTRY_POLL_LOOKBACK"),
        duration(env, "AUTOFIX_SENTRY_TIMEOUT"),
        (int) longValue(env, "AUTOFIX_SENTRY_MAX_ATTEMPTS", 3),
        duration(env, "AUTOFIX_SENTRY_MAX_RETRY_WAIT"),
        get(env, "AUTOFIX_SENTRY_INSTALLATION_UUID"));
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

  private static String get(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static long longValue(Map<String, String> env, String name, long fallback) {
    String value = get(env, name);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: " + value, e);
    }
  }

  /** {@code true} or {@code false}; a typo must not silently leave a switch off. */
  private static boolean bool(Map<String, String> env, String name) {
    String value = get(env, name);
    if (value == null || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw new IllegalArgumentException(name + " must be true or false: " + value);
  }

  private static Set<String> list(Map<String, String> env, String name) {
    String value = get(env, name);
    if (value == null) {
      return Set.of();
    }
    Set<String> items = new LinkedHashSet<>();
    Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
    return items;
  }

  /** An ISO-8601 duration ({@code PT5M}) or a number of seconds ({@code 300}). */
  private static Duration duration(Map<String, String> env, String name) {
    String value = get(env, name);
    if (value == null) {
      return null;
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " is not a duration: " + value, e);
    }
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
