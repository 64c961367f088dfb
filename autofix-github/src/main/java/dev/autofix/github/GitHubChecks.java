package dev.autofix.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.github.internal.GitHubApi;
import dev.autofix.github.internal.GitPush;
import dev.autofix.github.internal.Redactor;
import dev.autofix.support.check.Check;
import dev.autofix.support.retry.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * {@code autofix doctor}'s checks of where fixes are published, against the real host: a {@code git
 * push --dry-run} to the destination with the same credentials and pins as a real push (pushing
 * nothing), and, when pull requests are opened, what GitHub's API says the token may do in the
 * repository. A fine-grained token's permissions are not visible to the API: then pull-request
 * access is reported "not checked".
 */
public final class GitHubChecks {
  /** The branch the dry run asks the destination about; never created. */
  static final String CHECK_BRANCH = "autofix/doctor-push-check";

  private GitHubChecks() {}

  /**
   * Runs the checks of {@code config}.
   *
   * @param environment the server's environment (git's children get only part of it, as for a push)
   */
  public static List<Check> run(
      GitHubConfig config, OkHttpClient http, ObjectMapper json, Map<String, String> environment) {
    Objects.requireNonNull(config, "config == null");
    List<Check> checks = new ArrayList<>();
    checks.add(push(config, environment));
    checks.add(pullRequests(config, http, json));
    return checks;
  }

  private static Check push(GitHubConfig config, Map<String, String> environment) {
    String token = config.token() == null ? null : config.token().value();
    Redactor redactor = Redactor.forToken(token);
    String destination = redactor.apply(config.pushDestination());
    GitPush git =
        new GitPush(
            new GitPush.Settings(config.pushDestination(), token, config.pushTimeout(), 1),
            environment,
            Sleeper.real());
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("autofix-doctor-push");
      String how =
          switch (GitPush.transport(config.pushDestination())) {
            case "https", "http" ->
                git.tokenAuthenticates()
                    ? "with AUTOFIX_GITHUB_TOKEN"
                    : "with this machine's git credentials (no AUTOFIX_GITHUB_TOKEN)";
            case "ssh" -> "over ssh, with this machine's keys";
            default -> "(a local path;";
          };
      return switch (git.dryRun(scratch, CHECK_BRANCH)) {
        case GitPush.Pushed pushed ->
            Check.ok(
                "push",
                destination
                    + " takes a push "
                    + how
                    + (how.endsWith(";") ? " " : " (")
                    + "a dry run: nothing pushed)");
        case GitPush.Refused refused ->
            Check.fail(
                "push",
                destination
                    + " refuses a push "
                    + how
                    + " ("
                    + refused.status()
                    + "): "
                    + redactor.apply(refused.message()),
                switch (refused.status()) {
                  case 401 ->
                      "set AUTOFIX_GITHUB_TOKEN to a token of this repository with Contents: Read"
                          + " and write";
                  case 403 ->
                      "give the token Contents: Read and write on "
                          + config.owner()
                          + "/"
                          + config.repo();
                  case 404 ->
                      "check AUTOFIX_GITHUB_REPO (and AUTOFIX_GIT_PUSH_URL when set), and the"
                          + " token's access to that repository";
                  default -> "push to it by hand to see why";
                });
        case GitPush.EarlierAttempt earlier ->
            Check.ok("push", destination + " takes a push " + how + " (a dry run)");
        case GitPush.Unreachable unreachable ->
            Check.fail(
                "push",
                redactor.apply(unreachable.message()),
                "check the network, and AUTOFIX_GIT_PUSH_URL when set");
      };
    } catch (IOException | RuntimeException e) {
      return Check.fail(
          "push",
          "the dry run to "
              + destination
              + " failed: "
              + redactor.apply(String.valueOf(e.getMessage())),
          "push to it by hand to see why");
    } finally {
      if (scratch != null) {
        deleteQuietly(scratch);
      }
    }
  }

  private static Check pullRequests(GitHubConfig config, OkHttpClient http, ObjectMapper json) {
    String repository = config.owner() + "/" + config.repo();
    if (config.publish() == GitHubConfig.Publish.BRANCH) {
      return Check.ok(
          "pull requests", "none are opened: AUTOFIX_PUBLISH=branch pushes the branch only");
    }
    if (config.token() == null) {
      return Check.fail(
          "pull requests",
          "no AUTOFIX_GITHUB_TOKEN: GitHub's API opens no pull request without one",
          "set AUTOFIX_GITHUB_TOKEN (Pull requests: Read and write on "
              + repository
              + "), or AUTOFIX_PUBLISH=branch to push the branch only");
    }
    OkHttpClient client =
        http.newBuilder()
            .connectTimeout(config.connectTimeout())
            .readTimeout(config.readTimeout())
            .callTimeout(config.callTimeout())
            .build();
    GitHubApi api =
        new GitHubApi(
            new GitHubApi.Settings(
                HttpUrl.get(config.apiUrl().toString()),
                config.owner(),
                config.repo(),
                config.token().value(),
                config.userAgent(),
                config.apiVersion(),
                1,
                config.maxRateLimitWait()),
            client,
            json,
            Sleeper.real(),
            Clock.systemUTC());
    GitHubApi.Access access = api.access();
    return switch (access.reply()) {
      case GitHubApi.Ok ok -> permissions(ok.body(), access.scopes(), repository);
      case GitHubApi.Failed failed ->
          Check.fail(
              "pull requests",
              "GitHub answered " + failed.status() + " for " + repository + ": " + failed.message(),
              switch (failed.status()) {
                case 401 -> "AUTOFIX_GITHUB_TOKEN is not a valid token: make a new one";
                case 404 -> "check AUTOFIX_GITHUB_REPO, and give the token access to " + repository;
                default -> "give the token Pull requests: Read and write on " + repository;
              });
      case GitHubApi.Unavailable unavailable ->
          Check.fail(
              "pull requests",
              "GitHub's API at " + config.apiUrl() + " did not answer: " + unavailable.message(),
              "check the network and AUTOFIX_GITHUB_API_URL, then run doctor again");
    };
  }

  private static Check permissions(JsonNode repo, String scopes, String repository) {
    JsonNode permissions = repo.path("permissions");
    if (permissions.isObject() && !permissions.path("push").asBoolean(false)) {
      return Check.fail(
          "pull requests",
          "the token's account may not write to " + repository,
          "use a token of an account with write access to " + repository);
    }
    if (scopes == null) {
      return Check.warn(
          "pull requests",
          "not checked: GitHub does not tell a fine-grained or app token's permissions; the"
              + " token sees "
              + repository,
          "make sure the token has Pull requests: Read and write on " + repository);
    }
    List<String> granted =
        Arrays.stream(scopes.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    boolean isPrivate = repo.path("private").asBoolean(true);
    if (granted.contains("repo") || (!isPrivate && granted.contains("public_repo"))) {
      return Check.ok(
          "pull requests",
          "the token may open pull requests in "
              + repository
              + " (scopes: "
              + String.join(", ", granted)
              + ")");
    }
    return Check.fail(
        "pull requests",
        "the token's scopes ("
            + (granted.isEmpty() ? "none" : String.join(", ", granted))
            + ") do not let it open pull requests in "
            + repository,
        "give the classic token the repo scope, or use a fine-grained token with Pull requests:"
            + " Read and write");
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // a temporary folder; the system cleans it
    }
  }
}
