package dev.autofix.github;

import dev.autofix.core.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how the GitHub publisher pushes the fix branch and opens the draft pull request.
 *
 * @param apiUrl the REST API base, {@code https://api.github.com} or {@code https://HOST/api/v3}
 *     for GitHub Enterprise Server
 * @param token the token for the API and for {@code git push}, or {@code null} to push with the
 *     machine's own git credentials (the API then needs none, which works only for public reads)
 * @param owner the repository's owner (user or organisation)
 * @param repo the repository's name
 * @param baseBranch the branch the pull request targets, or {@code null} for the workspace's base
 *     ref
 * @param pushUrl where the fix branch is pushed (https, ssh or a local path), or {@code null} for
 *     the repository on the API's host ({@code https://github.com/<owner>/<repo>.git} for
 *     github.com); never a remote of a git config, which the agent could have written
 * @param labels the labels put on the pull request
 * @param reviewers the logins asked to review the pull request
 * @param allowNonDraftFallback whether to open a ready pull request (title prefixed {@code
 *     [autofix]}, labelled {@value #MEANT_AS_DRAFT_LABEL}) when the repository refuses drafts
 * @param connectTimeout the API's connect timeout
 * @param readTimeout the API's read timeout
 * @param callTimeout the API's timeout for one whole call
 * @param pushTimeout how long one {@code git push} may take
 * @param maxAttempts how many times one API call or push is tried when GitHub is unavailable
 * @param maxRateLimitWait the longest autofix waits for a rate limit to reset before it gives up
 * @param userAgent the {@code User-Agent} GitHub requires
 * @param apiVersion the {@code X-GitHub-Api-Version} sent
 */
public record GitHubConfig(
    URI apiUrl,
    Secret token,
    String owner,
    String repo,
    String baseBranch,
    String pushUrl,
    List<String> labels,
    List<String> reviewers,
    boolean allowNonDraftFallback,
    Duration connectTimeout,
    Duration readTimeout,
    Duration callTimeout,
    Duration pushTimeout,
    int maxAttempts,
    Duration maxRateLimitWait,
    String userAgent,
    String apiVersion) {

  /** The label put on a pull request that was meant as a draft but could not be one. */
  public static final String MEANT_AS_DRAFT_LABEL = "autofix:meant-as-draft";

  /** The default API base. */
  public static final URI DEFAULT_API_URL = URI.create("https://api.github.com");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]+");
  private static final Pattern URL_PASSWORD = Pattern.compile("://[^/@\\s]*:[^/@\\s]*@");

  public GitHubConfig {
    Objects.requireNonNull(apiUrl, "apiUrl == null");
    String scheme = apiUrl.getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      throw new IllegalArgumentException("apiUrl must be http(s): " + apiUrl);
    }
    requireName(owner, "owner");
    requireName(repo, "repo");
    if (baseBranch != null && (!BRANCH.matcher(baseBranch).matches() || baseBranch.isBlank())) {
      throw new IllegalArgumentException("not a branch name: " + baseBranch);
    }
    if (pushUrl != null) {
      requirePushUrl(pushUrl, token != null);
    }
    if (token != null && "http".equals(scheme) && !isLoopback(apiUrl.getHost())) {
      throw new IllegalArgumentException(
          "AUTOFIX_GITHUB_API_URL is plain http to "
              + apiUrl.getHost()
              + ": the token goes over https only (plain http is for a loopback test host)");
    }
    labels = nonBlank(labels, "labels");
    reviewers = nonBlank(reviewers, "reviewers");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(readTimeout, "readTimeout");
    requirePositive(callTimeout, "callTimeout");
    requirePositive(pushTimeout, "pushTimeout");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
    }
    Objects.requireNonNull(maxRateLimitWait, "maxRateLimitWait == null");
    if (maxRateLimitWait.isNegative()) {
      throw new IllegalArgumentException("maxRateLimitWait is negative: " + maxRateLimitWait);
    }
    if (userAgent == null || userAgent.isBlank()) {
      throw new IllegalArgumentException("userAgent is blank");
    }
    if (apiVersion == null || apiVersion.isBlank()) {
      throw new IllegalArgumentException("apiVersion is blank");
    }
  }

  /**
   * The defaults for {@code owner/repo}: no token, push to {@code origin}, label {@code autofix}.
   */
  public static GitHubConfig of(String owner, String repo) {
    return new GitHubConfig(
        DEFAULT_API_URL,
        null,
        owner,
        repo,
        null,
        null,
        List.of("autofix"),
        List.of(),
        false,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofMinutes(5),
        4,
        Duration.ofMinutes(15),
        "autofix/0.1",
        "2022-11-28");
  }

  /**
   * Reads the configuration from environment variables; see the module README for every key.
   *
   * @throws IllegalArgumentException when {@code AUTOFIX_GITHUB_REPO} is missing or a value is bad
   */
  public static GitHubConfig fromEnv(Map<String, String> env) {
    String slug = get(env, "AUTOFIX_GITHUB_REPO", null);
    if (slug == null) {
      throw new IllegalArgumentException("AUTOFIX_GITHUB_REPO is not set (owner/name)");
    }
    int slash = slug.indexOf('/');
    if (slash < 0 || slug.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException("AUTOFIX_GITHUB_REPO must be owner/name: " + slug);
    }
    for (String gone : List.of("AUTOFIX_GITHUB_REMOTE", "AUTOFIX_GITHUB_REMOTE_URL")) {
      if (get(env, gone, null) != null) {
        // A remote's name would be looked up in git config, which the agent can write.
        throw new IllegalArgumentException(
            gone
                + " is no longer read: autofix pushes to AUTOFIX_GIT_PUSH_URL, or to the"
                + " repository on the API's host when that is unset, never to a remote of a git"
                + " config");
      }
    }
    GitHubConfig d = of(slug.substring(0, slash), slug.substring(slash + 1));
    String token = get(env, "AUTOFIX_GITHUB_TOKEN", null);
    return new GitHubConfig(
        URI.create(get(env, "AUTOFIX_GITHUB_API_URL", d.apiUrl().toString())),
        token == null ? null : new Secret(token),
        d.owner(),
        d.repo(),
        get(env, "AUTOFIX_BASE_BRANCH", null),
        get(env, "AUTOFIX_GIT_PUSH_URL", null),
        list(env, "AUTOFIX_GITHUB_LABELS", d.labels()),
        list(env, "AUTOFIX_GITHUB_REVIEWERS", d.reviewers()),
        bool(env, "AUTOFIX_GITHUB_ALLOW_NON_DRAFT", d.allowNonDraftFallback()),
        duration(env, "AUTOFIX_GITHUB_CONNECT_TIMEOUT", d.connectTimeout()),
        duration(env, "AUTOFIX_GITHUB_READ_TIMEOUT", d.readTimeout()),
        duration(env, "AUTOFIX_GITHUB_CALL_TIMEOUT", d.callTimeout()),
        duration(env, "AUTOFIX_GITHUB_PUSH_TIMEOUT", d.pushTimeout()),
        integer(env, "AUTOFIX_GITHUB_MAX_ATTEMPTS", d.maxAttempts()),
        duration(env, "AUTOFIX_GITHUB_MAX_RATE_LIMIT_WAIT", d.maxRateLimitWait()),
        get(env, "AUTOFIX_GITHUB_USER_AGENT", d.userAgent()),
        get(env, "AUTOFIX_GITHUB_API_VERSION", d.apiVersion()));
  }

  /** This configuration with another API base. */
  public GitHubConfig withApiUrl(URI apiUrl) {
    return new GitHubConfig(
        apiUrl,
        token,
        owner,
        repo,
        baseBranch,
        pushUrl,
        labels,
        reviewers,
        allowNonDraftFallback,
        connectTimeout,
        readTimeout,
        callTimeout,
        pushTimeout,
        maxAttempts,
        maxRateLimitWait,
        userAgent,
        apiVersion);
  }

  /** This configuration with a token, or none for {@code null}. */
  public GitHubConfig withToken(String token) {
    return new GitHubConfig(
        apiUrl,
        token == null ? null : new Secret(token),
        owner,
        repo,
        baseBranch,
        pushUrl,
        labels,
        reviewers,
        allowNonDraftFallback,
        connectTimeout,
        readTimeout,
        callTimeout,
        pushTimeout,
        maxAttempts,
        maxRateLimitWait,
        userAgent,
        apiVersion);
  }

  /** This configuration pushing to {@code pushUrl}. */
  public GitHubConfig withPushUrl(String pushUrl) {
    return new GitHubConfig(
        apiUrl,
        token,
        owner,
        repo,
        baseBranch,
        pushUrl,
        labels,
        reviewers,
        allowNonDraftFallback,
        connectTimeout,
        readTimeout,
        callTimeout,
        pushTimeout,
        maxAttempts,
        maxRateLimitWait,
        userAgent,
        apiVersion);
  }

  /** This configuration with other labels, reviewers and draft fallback. */
  public GitHubConfig withPullRequestOptions(
      List<String> labels, List<String> reviewers, boolean allowNonDraftFallback) {
    return new GitHubConfig(
        apiUrl,
        token,
        owner,
        repo,
        baseBranch,
        pushUrl,
        labels,
        reviewers,
        allowNonDraftFallback,
        connectTimeout,
        readTimeout,
        callTimeout,
        pushTimeout,
        maxAttempts,
        maxRateLimitWait,
        userAgent,
        apiVersion);
  }

  /**
   * Where the fix branch is pushed: {@link #pushUrl} when set, else the repository on the API's
   * host, {@code https://github.com/<owner>/<repo>.git} for {@code api.github.com} and {@code
   * <scheme>://<host>/<owner>/<repo>.git} for GitHub Enterprise Server.
   */
  public String pushDestination() {
    if (pushUrl != null) {
      return pushUrl;
    }
    String host = apiUrl.getHost();
    String base =
        "api.github.com".equalsIgnoreCase(host)
            ? "https://github.com"
            : apiUrl.getScheme()
                + "://"
                + host
                + (apiUrl.getPort() == -1 ? "" : ":" + apiUrl.getPort());
    return base + "/" + owner + "/" + repo + ".git";
  }

  private static void requirePushUrl(String url, boolean withToken) {
    if (url.isBlank() || url.startsWith("-")) {
      throw new IllegalArgumentException("AUTOFIX_GIT_PUSH_URL is not a URL: " + url);
    }
    if (URL_PASSWORD.matcher(url).find()) {
      // A URL with a password would put the secret in git's arguments and in logs.
      throw new IllegalArgumentException(
          "AUTOFIX_GIT_PUSH_URL must not carry credentials; set AUTOFIX_GITHUB_TOKEN instead");
    }
    if (url.contains("::") || url.chars().anyMatch(c -> c < 0x20)) {
      // git's <transport>::<address> syntax runs a remote helper (ext:: runs a command).
      throw new IllegalArgumentException(
          "AUTOFIX_GIT_PUSH_URL must be https, ssh or a local path: " + url);
    }
    int colonSlashes = url.indexOf("://");
    if (colonSlashes > 0) {
      String scheme = url.substring(0, colonSlashes).toLowerCase(Locale.ROOT);
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("AUTOFIX_GIT_PUSH_URL is not a URL: " + url, e);
      }
      switch (scheme) {
        case "https", "ssh", "file" -> {
          // fine
        }
        case "http" -> {
          if (!isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(
                "AUTOFIX_GIT_PUSH_URL is plain http to "
                    + uri.getHost()
                    + (withToken ? ": the token goes over https only" : ": use https")
                    + " (plain http is for a loopback test host)");
          }
        }
        default ->
            throw new IllegalArgumentException(
                "AUTOFIX_GIT_PUSH_URL must be https, ssh or a local path: " + url);
      }
    }
  }

  private static boolean isLoopback(String host) {
    return host != null
        && (host.equals("127.0.0.1")
            || host.equals("localhost")
            || host.equals("[::1]")
            || host.equals("::1"));
  }

  /**
   * A secret whose {@code toString()} hides it.
   *
   * @param value the secret
   */
  public record Secret(String value) {
    public Secret {
      Objects.requireNonNull(value, "value == null");
      if (value.isBlank()) {
        throw new IllegalArgumentException("secret is blank");
      }
      // It goes into HTTP headers: reject what would break one (without echoing the secret).
      if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("secret has whitespace or non-ASCII characters");
      }
    }

    @Override
    public String toString() {
      return "****";
    }
  }

  private static void requireName(String value, String what) {
    Objects.requireNonNull(value, what + " == null");
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException("not a GitHub " + what + ": " + value);
    }
  }

  private static void requirePositive(Duration value, String what) {
    Objects.requireNonNull(value, what + " == null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive: " + value);
    }
  }

  private static List<String> nonBlank(List<String> values, String what) {
    Objects.requireNonNull(values, what + " == null");
    List<String> copy = List.copyOf(values);
    for (String value : copy) {
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " has a blank entry");
      }
    }
    return copy;
  }

  private static String get(Map<String, String> env, String key, String fallback) {
    String value = env.get(key);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static List<String> list(Map<String, String> env, String key, List<String> fallback) {
    String value = env.get(key);
    if (value == null) {
      return fallback;
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static boolean bool(Map<String, String> env, String key, boolean fallback) {
    String value = get(env, key, null);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false: " + value);
    };
  }

  private static int integer(Map<String, String> env, String key, int fallback) {
    String value = get(env, key, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number: " + value, e);
    }
  }

  /** Whole seconds ({@code 30}) or ISO-8601 ({@code PT30S}). */
  private static Duration duration(Map<String, String> env, String key, Duration fallback) {
    String value = get(env, key, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key + " must be seconds or an ISO-8601 duration: " + value, e);
    }
  }
}
