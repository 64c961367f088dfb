package dev.autofix.github;

import dev.autofix.core.settings.Common;
import dev.autofix.core.settings.Setting;
import dev.autofix.core.settings.SettingType;
import dev.autofix.core.settings.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * @param publish whether a verified fix becomes a draft pull request (the default) or only a pushed
 *     branch ({@code AUTOFIX_PUBLISH=branch}: no API call at all)
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
    String apiVersion,
    Publish publish) {

  /** What a verified fix becomes. */
  public enum Publish {
    /** A draft pull request on the pushed branch. */
    PULL_REQUEST,
    /** The pushed branch only; the run ends {@code branch_pushed} with the compare page. */
    BRANCH
  }

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
    Objects.requireNonNull(publish, "publish == null");
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
        "2022-11-28",
        Publish.PULL_REQUEST);
  }

  private static final String M = "github";

  public static final Setting<String> REPO =
      Setting.of(
              "AUTOFIX_GITHUB_REPO", SettingType.string(), null, M, "owner/name of the repository")
          .shownAs("required")
          .forProjects();
  public static final Setting<String> TOKEN =
      Setting.of(
              "AUTOFIX_GITHUB_TOKEN",
              SettingType.secret(),
              null,
              M,
              "API and push token; never in arguments, config files or the agent's reach")
          .shownAs("none: git's own credentials, and no pull request")
          .forProjects();
  public static final Setting<String> API_URL =
      Setting.of(
              "AUTOFIX_GITHUB_API_URL",
              SettingType.string(),
              DEFAULT_API_URL.toString(),
              M,
              "the REST API; GitHub Enterprise: https://HOST/api/v3")
          .forProjects();
  public static final Setting<String> PUSH_URL =
      Setting.of(
              "AUTOFIX_GIT_PUSH_URL",
              SettingType.string(),
              null,
              M,
              "where the fix branch is pushed: https, ssh or a local path")
          .shownAs("the repository on the API's host")
          .forProjects();
  public static final Setting<List<String>> LABELS =
      Setting.of(
              "AUTOFIX_GITHUB_LABELS",
              SettingType.list(),
              List.of("autofix"),
              M,
              "labels put on the pull request")
          .forProjects();
  public static final Setting<List<String>> REVIEWERS =
      Setting.of(
              "AUTOFIX_GITHUB_REVIEWERS",
              SettingType.list(),
              List.of(),
              M,
              "logins asked to review the pull request")
          .forProjects();
  public static final Setting<Boolean> ALLOW_NON_DRAFT =
      Setting.of(
              "AUTOFIX_GITHUB_ALLOW_NON_DRAFT",
              SettingType.bool(),
              false,
              M,
              "where drafts are unavailable, open a ready PR titled [DRAFT] and labelled instead")
          .forProjects();
  public static final Setting<Duration> CONNECT_TIMEOUT =
      Setting.of(
              "AUTOFIX_GITHUB_CONNECT_TIMEOUT",
              SettingType.duration(),
              Duration.ofSeconds(10),
              M,
              "the API's connect timeout")
          .shownAs("10s");
  public static final Setting<Duration> READ_TIMEOUT =
      Setting.of(
              "AUTOFIX_GITHUB_READ_TIMEOUT",
              SettingType.duration(),
              Duration.ofSeconds(30),
              M,
              "the API's read timeout")
          .shownAs("30s");
  public static final Setting<Duration> CALL_TIMEOUT =
      Setting.of(
              "AUTOFIX_GITHUB_CALL_TIMEOUT",
              SettingType.duration(),
              Duration.ofSeconds(60),
              M,
              "the API's timeout for one whole call")
          .shownAs("60s");
  public static final Setting<Duration> PUSH_TIMEOUT =
      Setting.of(
              "AUTOFIX_GITHUB_PUSH_TIMEOUT",
              SettingType.duration(),
              Duration.ofMinutes(5),
              M,
              "how long one git push may take")
          .shownAs("5m");
  public static final Setting<Integer> MAX_ATTEMPTS =
      Setting.of(
          "AUTOFIX_GITHUB_MAX_ATTEMPTS",
          SettingType.integer(1, 100),
          4,
          M,
          "tries of one API call or push while GitHub is unavailable");
  public static final Setting<Duration> MAX_RATE_LIMIT_WAIT =
      Setting.of(
              "AUTOFIX_GITHUB_MAX_RATE_LIMIT_WAIT",
              SettingType.duration(),
              Duration.ofMinutes(15),
              M,
              "the longest wait for a rate limit to reset before giving up")
          .shownAs("15m");
  public static final Setting<String> USER_AGENT =
      Setting.of(
          "AUTOFIX_GITHUB_USER_AGENT",
          SettingType.string(),
          "autofix/0.1",
          M,
          "the User-Agent GitHub requires");
  public static final Setting<String> API_VERSION =
      Setting.of(
          "AUTOFIX_GITHUB_API_VERSION",
          SettingType.string(),
          "2022-11-28",
          M,
          "the X-GitHub-Api-Version sent");

  /** This module's rows of the key table. */
  public static final Setting<Publish> PUBLISH =
      Setting.of(
              "AUTOFIX_PUBLISH",
              SettingType.oneOf(Publish.class),
              Publish.PULL_REQUEST,
              M,
              "pull_request: open a draft PR; branch: push the verified branch only (no API call)")
          .forProjects();

  public static final List<Setting<?>> TABLE =
      List.of(
          REPO,
          PUBLISH,
          TOKEN,
          API_URL,
          Common.BASE_BRANCH,
          PUSH_URL,
          LABELS,
          REVIEWERS,
          ALLOW_NON_DRAFT,
          CONNECT_TIMEOUT,
          READ_TIMEOUT,
          CALL_TIMEOUT,
          PUSH_TIMEOUT,
          MAX_ATTEMPTS,
          MAX_RATE_LIMIT_WAIT,
          USER_AGENT,
          API_VERSION);

  /** Keys autofix no longer reads: a remote's name would be looked up in a git config. */
  private static final List<String> GONE =
      List.of("AUTOFIX_GITHUB_REMOTE", "AUTOFIX_GITHUB_REMOTE_URL");

  /**
   * Reads the configuration from environment variables; see the module README for every key.
   *
   * @throws IllegalArgumentException naming every problem, each with its key
   */
  public static GitHubConfig fromEnv(Map<String, String> env) {
    return Settings.readOrThrow(env, GitHubConfig::read);
  }

  /**
   * Reads the configuration through {@code settings}, which collects every problem with its key;
   * {@code null} when there is none to build.
   */
  public static GitHubConfig read(Settings settings) {
    Optional<String> slug = settings.require(REPO, "(owner/name)");
    for (String gone : GONE) {
      if (settings.raw(gone).isPresent()) {
        settings.problem(
            REPO,
            "is pushed to through AUTOFIX_GIT_PUSH_URL, or the repository on the API's host: "
                + gone
                + " is no longer read, since a remote is looked up in a git config the agent can"
                + " write");
      }
    }
    String owner = null;
    String name = null;
    if (slug.isPresent()) {
      String[] parts = slug.get().split("/", -1);
      if (parts.length != 2
          || !NAME.matcher(parts[0]).matches()
          || !NAME.matcher(parts[1]).matches()) {
        settings.problem(REPO, "must be owner/name, not '" + slug.get() + "'");
      } else {
        owner = parts[0];
        name = parts[1];
      }
    }
    String apiText = settings.get(API_URL);
    URI api = null;
    try {
      api = URI.create(apiText);
    } catch (IllegalArgumentException e) {
      settings.problem(API_URL, "must be an http(s) URL, not '" + apiText + "'");
    }
    String token = settings.find(TOKEN).orElse(null);
    // unset: the workspace's base; a bad one is the agents' problem to report, once
    String baseBranch =
        settings
            .raw(Common.BASE_BRANCH.key())
            .map(String::strip)
            .filter(b -> BRANCH.matcher(b).matches())
            .orElse(null);
    String pushUrl = settings.find(PUSH_URL).orElse(null);
    List<String> labels = settings.get(LABELS);
    List<String> reviewers = settings.get(REVIEWERS);
    boolean allowNonDraft = settings.get(ALLOW_NON_DRAFT);
    Duration connect = settings.get(CONNECT_TIMEOUT);
    Duration read = settings.get(READ_TIMEOUT);
    Duration call = settings.get(CALL_TIMEOUT);
    Duration push = settings.get(PUSH_TIMEOUT);
    int attempts = settings.get(MAX_ATTEMPTS);
    Duration rateLimitWait = settings.get(MAX_RATE_LIMIT_WAIT);
    String userAgent = settings.get(USER_AGENT);
    String apiVersion = settings.get(API_VERSION);
    Publish publish = settings.get(PUBLISH);
    if (owner == null || api == null) {
      return null;
    }
    try {
      return new GitHubConfig(
          api,
          token == null ? null : new Secret(token),
          owner,
          name,
          baseBranch,
          pushUrl,
          labels,
          reviewers,
          allowNonDraft,
          connect,
          read,
          call,
          push,
          attempts,
          rateLimitWait,
          userAgent,
          apiVersion,
          publish);
    } catch (IllegalArgumentException refused) {
      // the record's own checks (the push URL, plain http with a token) name their key
      settings.problem(refused, API_URL);
      return null;
    }
  }

  /** This configuration publishing as {@code publish}. */
  public GitHubConfig withPublish(Publish publish) {
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
        apiVersion,
        publish);
  }

  /**
   * The page on the repository's web host that compares {@code branch} with {@code base} and offers
   * to open a pull request; empty when autofix pushes elsewhere than the repository on the API's
   * host (a local path, another remote).
   */
  public Optional<URI> compareUrl(String base, String branch) {
    if (pushUrl != null) {
      return Optional.empty();
    }
    String host = apiUrl.getHost();
    String web;
    if ("api.github.com".equals(host)) {
      web = "https://github.com";
    } else if (apiUrl.getPath() != null && apiUrl.getPath().startsWith("/api/v3")) {
      web = apiUrl.getScheme() + "://" + apiUrl.getRawAuthority(); // GitHub Enterprise Server
    } else {
      return Optional.empty();
    }
    return Optional.of(
        URI.create(web + "/" + owner + "/" + repo + "/compare/" + base + "..." + branch));
  }

  /** This configuration with another API base. */
  public GitHubConfig withApiUrl(URI apiUrl) {
    return copy(apiUrl, token, pushUrl, labels, reviewers, allowNonDraftFallback);
  }

  /** This configuration with a token, or none for {@code null}. */
  public GitHubConfig withToken(String token) {
    return copy(
        apiUrl,
        token == null ? null : new Secret(token),
        pushUrl,
        labels,
        reviewers,
        allowNonDraftFallback);
  }

  /** This configuration pushing to {@code pushUrl}. */
  public GitHubConfig withPushUrl(String pushUrl) {
    return copy(apiUrl, token, pushUrl, labels, reviewers, allowNonDraftFallback);
  }

  /** This configuration with other labels, reviewers and draft fallback. */
  public GitHubConfig withPullRequestOptions(
      List<String> labels, List<String> reviewers, boolean allowNonDraftFallback) {
    return copy(apiUrl, token, pushUrl, labels, reviewers, allowNonDraftFallback);
  }

  /** The one copy the withers share: everything else stays. */
  private GitHubConfig copy(
      URI apiUrl,
      Secret token,
      String pushUrl,
      List<String> labels,
      List<String> reviewers,
      boolean allowNonDraftFallback) {
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
        apiVersion,
        publish);
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
}
