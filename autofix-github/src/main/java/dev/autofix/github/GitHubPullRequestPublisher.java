package dev.autofix.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autofix.core.model.Patch;
import dev.autofix.core.model.PullRequestRef;
import dev.autofix.core.model.Workspace;
import dev.autofix.core.port.PullRequestPublisher;
import dev.autofix.github.internal.GitHubApi;
import dev.autofix.github.internal.GitHubApi.Failed;
import dev.autofix.github.internal.GitHubApi.Ok;
import dev.autofix.github.internal.GitHubApi.Reply;
import dev.autofix.github.internal.GitPush;
import dev.autofix.github.internal.PullRequestText;
import dev.autofix.github.internal.Redactor;
import dev.autofix.support.retry.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the run's branch with {@code git} and opens a draft pull request through GitHub's REST
 * API, idempotently: the branch name is the key, and the pull request is always looked up before it
 * is created.
 */
final class GitHubPullRequestPublisher implements PullRequestPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(GitHubPullRequestPublisher.class);

  /** GitHub asks integrations to leave a second between content-creating requests. */
  static final Duration MUTATION_SPACING = Duration.ofSeconds(1);

  static final String NON_DRAFT_TITLE_PREFIX = "[autofix] ";

  /** How long to let GitHub catch up with a branch it does not see right after the push. */
  static final Duration HEAD_VISIBILITY_WAIT = Duration.ofSeconds(2);

  private final GitHubConfig config;
  private final GitHubApi api;
  private final GitPush git;
  private final Redactor redactor;
  // Writes to GitHub go one at a time, also across concurrent runs.
  private final ReentrantLock lock = new ReentrantLock();

  private GitHubPullRequestPublisher(GitHubConfig config, GitHubApi api, GitPush git) {
    this.config = config;
    this.api = api;
    this.git = git;
    this.redactor = Redactor.forToken(config.token() == null ? null : config.token().value());
  }

  /**
   * A publisher for {@code config}.
   *
   * @param http the caller's client (its pool is shared; this adapter applies the configured
   *     timeouts on top)
   * @param json the caller's mapper (only its tree model is used)
   */
  public static PullRequestPublisher create(
      GitHubConfig config, OkHttpClient http, ObjectMapper json) {
    return create(config, http, json, System.getenv());
  }

  /**
   * As {@link #create(GitHubConfig, OkHttpClient, ObjectMapper)}, with the server's environment, of
   * which git's children get {@code PATH}, proxy and CA variables (and, when no token authenticates
   * the push, the user's home and ssh agent), never the rest.
   */
  public static PullRequestPublisher create(
      GitHubConfig config, OkHttpClient http, ObjectMapper json, Map<String, String> environment) {
    return create(config, http, json, environment, Sleeper.real(), Clock.systemUTC());
  }

  /** As {@link #create(GitHubConfig, OkHttpClient, ObjectMapper)}, with the waits and the clock. */
  static PullRequestPublisher create(
      GitHubConfig config, OkHttpClient http, ObjectMapper json, Sleeper sleeper, Clock clock) {
    return create(config, http, json, System.getenv(), sleeper, clock);
  }

  static PullRequestPublisher create(
      GitHubConfig config,
      OkHttpClient http,
      ObjectMapper json,
      Map<String, String> environment,
      Sleeper sleeper,
      Clock clock) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(http, "http == null");
    Objects.requireNonNull(json, "json == null");
    String token = config.token() == null ? null : config.token().value();
    OkHttpClient client =
        http.newBuilder()
            .connectTimeout(config.connectTimeout())
            .readTimeout(config.readTimeout())
            .writeTimeout(config.readTimeout())
            .callTimeout(config.callTimeout())
            .build();
    HttpUrl apiUrl = HttpUrl.get(config.apiUrl().toString());
    GitHubApi api =
        new GitHubApi(
            new GitHubApi.Settings(
                apiUrl,
                config.owner(),
                config.repo(),
                token,
                config.userAgent(),
                config.apiVersion(),
                config.maxAttempts(),
                config.maxRateLimitWait()),
            client,
            json,
            sleeper,
            clock);
    GitPush git =
        new GitPush(
            new GitPush.Settings(
                config.pushDestination(), token, config.pushTimeout(), config.maxAttempts()),
            environment,
            sleeper);
    return new GitHubPullRequestPublisher(config, api, git);
  }

  @Override
  public PublishResult publish(PublishRequest request) {
    Objects.requireNonNull(request, "request == null");
    String branch = request.patch().branch();
    lock.lock();
    try {
      // autofix's own repository and the verified commit: nothing the agent could have written.
      Patch patch = request.patch();
      if (!java.nio.file.Files.isDirectory(patch.repository())) {
        // a commit kept for a later publish whose copy was removed (the data directory wiped)
        return new Rejected(
            410,
            "autofix's copy of the verified commit "
                + patch.commit()
                + " is gone from "
                + patch.repository()
                + ", so it cannot be pushed; retry the run to fix the issue again");
      }
      return switch (git.push(patch.repository(), patch.commit(), branch)) {
        case GitPush.Refused refused -> new Rejected(refused.status(), refused.message());
        case GitPush.Unreachable unreachable -> unreachable(unreachable);
        case GitPush.Pushed pushed ->
            config.publish() == GitHubConfig.Publish.BRANCH
                ? branchPushed(request, branch)
                : openPullRequest(request, branch);
        case GitPush.EarlierAttempt earlier ->
            config.publish() == GitHubConfig.Publish.BRANCH
                ? new Rejected(
                    409,
                    earlier.message()
                        + "; in the branch mode autofix does not replace a pushed branch, which"
                        + " someone may be reviewing: delete it to publish this fix")
                : replaceEarlierAttempt(request, branch, earlier);
      };
    } finally {
      lock.unlock();
    }
  }

  /**
   * A retry's commit meets the branch an earlier attempt pushed: it replaces that attempt when no
   * pull request was ever opened on it (the earlier attempt ended before opening one, or crashed).
   * A pull request keeps its commit: an open one the run never recorded is the run's (the earlier
   * attempt crashed after opening it), an open one the run recorded stays under review, a closed
   * one stays as a reviewer left it, and a merged one means there is nothing to propose.
   */
  private PublishResult replaceEarlierAttempt(
      PublishRequest request, String branch, GitPush.EarlierAttempt earlier) {
    return switch (lookup(branch)) {
      case Found found when request.run().pullRequestUrl() == null -> {
        // Opened on the earlier attempt and never recorded (a crash in between): it is this run's.
        LOG.warn(
            "{} is open on {} from an earlier attempt the run did not record; keeping it as the"
                + " run's pull request, this attempt's commit {} is not pushed",
            found.pullRequest().url(),
            branch,
            request.patch().commit());
        yield alreadyOpen(found.pullRequest());
      }
      case Found found ->
          new Rejected(
              409,
              earlier.message()
                  + ", and pull request "
                  + found.pullRequest().url()
                  + " is open on it; autofix does not replace the commit of an open pull"
                  + " request: close it or delete the branch to publish this fix");
      case Merged merged ->
          new NothingToPropose(
              "pull request #" + merged.number() + " for " + branch + " was already merged");
      case LookupFailed failed -> failed.result();
      case NoneOpen none when none.closed().isPresent() ->
          new Rejected(
              409,
              earlier.message()
                  + ", and its pull request #"
                  + none.closed().getAsInt()
                  + " was closed without merging; autofix does not replace a commit a reviewer"
                  + " closed: delete the branch to publish this fix");
      case NoneOpen none ->
          switch (git.replace(
              request.patch().repository(),
              request.patch().commit(),
              branch,
              earlier.remoteCommit())) {
            case GitPush.Pushed pushed -> openPullRequest(request, branch);
            case GitPush.Refused refused -> new Rejected(refused.status(), refused.message());
            case GitPush.Unreachable unreachable -> unreachable(unreachable);
            // replace never answers so; a push answers so only before it tried to replace
            case GitPush.EarlierAttempt again -> new Rejected(409, again.message());
          };
    };
  }

  /** The branch mode: the push was the whole publish; no API call. */
  private PublishResult branchPushed(PublishRequest request, String branch) {
    String destination = redactor.apply(git.destination());
    java.net.URI compare = config.compareUrl(baseBranch(request.workspace()), branch).orElse(null);
    LOG.info("pushed {} to {} (branch mode: no pull request)", branch, destination);
    return new PullRequestPublisher.BranchPushed(branch, destination, compare);
  }

  private PublishResult openPullRequest(PublishRequest request, String branch) {
    String base = baseBranch(request.workspace());
    String title = redactor.apply(PullRequestText.title(request.issue(), request.verification()));
    String body = PullRequestText.body(request, redactor);
    boolean draft = true;
    boolean headRetried = false;
    for (int attempt = 1; ; attempt++) {
      // Look up first, every time: a POST that failed (a 5xx, a timeout) may still have created it.
      Lookup existing = lookup(branch);
      switch (existing) {
        case Found found -> {
          return alreadyOpen(found.pullRequest());
        }
        case Merged merged -> {
          return new NothingToPropose(
              "pull request #" + merged.number() + " for " + branch + " was already merged");
        }
        case LookupFailed failed -> {
          return failed.result();
        }
        case NoneOpen none -> {
          // go on and create it
        }
      }
      ObjectNode create = api.object();
      create
          .put("title", draft ? title : NON_DRAFT_TITLE_PREFIX + title)
          .put("head", branch)
          .put("base", base)
          .put("body", body)
          .put("draft", draft);
      Reply reply = api.createPull(create, attempt);
      switch (reply) {
        case Ok ok -> {
          PullRequestRef ref = toRef(ok.body(), branch, draft);
          LOG.info(
              "opened {} pull request {} for {}", draft ? "draft" : "ready", ref.url(), branch);
          List<String> labels = new ArrayList<>(config.labels());
          if (!draft) {
            labels.add(GitHubConfig.MEANT_AS_DRAFT_LABEL);
          }
          label(ref.number(), labels);
          requestReviews(ref.number());
          return new Opened(ref, body);
        }
        case Failed failed when failed.status() == 422 -> {
          String message = failed.message().toLowerCase(Locale.ROOT);
          if (message.contains("pull request already exists")) {
            // Another publisher (or an earlier, crashed attempt) won the race: return its PR.
            return switch (lookup(branch)) {
              case Found found -> alreadyOpen(found.pullRequest());
              case LookupFailed lookupFailed -> lookupFailed.result();
              case Merged merged -> rejected(failed);
              case NoneOpen none -> rejected(failed);
            };
          }
          if (message.contains("no commits between")) {
            return new NothingToPropose(redactor.apply(failed.message()));
          }
          if (draft && message.contains("draft pull requests are not supported")) {
            if (!config.allowNonDraftFallback()) {
              return new Rejected(
                  422,
                  redactor.apply(failed.message())
                      + " (set AUTOFIX_GITHUB_ALLOW_NON_DRAFT=true to open a ready pull request"
                      + " labelled "
                      + GitHubConfig.MEANT_AS_DRAFT_LABEL
                      + " instead)");
            }
            LOG.warn(
                "{}/{} refuses drafts; opening a ready pull request",
                config.owner(),
                config.repo());
            draft = false;
            attempt = 0;
            continue;
          }
          if (message.contains("head invalid") && !headRetried) {
            // Right after a push GitHub may not see the branch yet; give it a moment, once.
            headRetried = true;
            LOG.warn("GitHub does not see {} yet; retrying in {}", branch, HEAD_VISIBILITY_WAIT);
            api.pause(HEAD_VISIBILITY_WAIT);
            attempt--;
            continue;
          }
          return rejected(failed);
        }
        case Failed failed -> {
          return rejected(failed);
        }
        case GitHubApi.Unavailable unavailable -> {
          if (attempt >= config.maxAttempts()
              || unavailable.retryAfter().compareTo(config.maxRateLimitWait()) > 0) {
            return unavailable(unavailable, attempt);
          }
          LOG.warn(
              "creating the pull request for {} failed ({}), attempt {} of {}; looking up and"
                  + " retrying in {}",
              branch,
              unavailable.message(),
              attempt,
              config.maxAttempts(),
              unavailable.retryAfter());
          api.pause(unavailable.retryAfter());
        }
      }
    }
  }

  private sealed interface Lookup permits Found, Merged, NoneOpen, LookupFailed {}

  private record Found(PullRequestRef pullRequest) implements Lookup {}

  private record Merged(int number) implements Lookup {}

  /** No pull request open or merged for the branch; {@code closed}: one closed without merging. */
  private record NoneOpen(OptionalInt closed) implements Lookup {}

  private record LookupFailed(PublishResult result) implements Lookup {}

  private Lookup lookup(String branch) {
    return switch (api.findPulls(branch)) {
      case Ok ok -> {
        Integer merged = null;
        OptionalInt closed = OptionalInt.empty();
        for (JsonNode pull : ok.body()) {
          // Double-check the head: GitHub matches on the commit as well as the name.
          if (!branch.equals(pull.path("head").path("ref").asText())) {
            continue;
          }
          if ("open".equals(pull.path("state").asText())) {
            yield new Found(toRef(pull, branch, pull.path("draft").asBoolean(false)));
          }
          if (!pull.path("merged_at").isNull() && !pull.path("merged_at").isMissingNode()) {
            merged = pull.path("number").asInt();
          } else {
            closed = OptionalInt.of(pull.path("number").asInt());
          }
        }
        yield merged != null ? new Merged(merged) : new NoneOpen(closed);
      }
      case Failed failed -> new LookupFailed(rejected(failed));
      case GitHubApi.Unavailable unavailable ->
          new LookupFailed(unavailable(unavailable, unavailable.attempts()));
    };
  }

  private AlreadyOpen alreadyOpen(PullRequestRef ref) {
    LOG.info("pull request {} is already open for {}", ref.url(), ref.branch());
    // Labels are idempotent, and an earlier attempt may have stopped before adding them.
    label(ref.number(), config.labels());
    return new AlreadyOpen(ref);
  }

  private void label(int number, List<String> labels) {
    if (labels.isEmpty()) {
      return;
    }
    api.pause(MUTATION_SPACING);
    Reply reply = api.addLabels(number, labels);
    if (!(reply instanceof Ok)) {
      LOG.warn("could not label pull request #{} with {}: {}", number, labels, describe(reply));
    }
  }

  private void requestReviews(int number) {
    if (config.reviewers().isEmpty()) {
      return;
    }
    api.pause(MUTATION_SPACING);
    Reply reply = api.requestReviewers(number, config.reviewers());
    if (!(reply instanceof Ok)) {
      LOG.warn(
          "could not ask {} to review pull request #{}: {}",
          config.reviewers(),
          number,
          describe(reply));
    }
  }

  private Rejected rejected(Failed failed) {
    String message = redactor.apply(failed.message());
    String text =
        switch (failed.status()) {
          case 401 -> "GitHub refused the token (401): " + message;
          case 403 ->
              "GitHub forbade it (403): "
                  + message
                  + (failed.acceptedPermissions() == null
                      ? ""
                      : "; the token needs: " + failed.acceptedPermissions());
          case 404 ->
              "GitHub answered 404 for "
                  + config.owner()
                  + "/"
                  + config.repo()
                  + ": "
                  + message
                  + " (the repository does not exist or the token cannot see it)";
          default -> "GitHub answered " + failed.status() + ": " + message;
        };
    LOG.warn("{}", text);
    return new Rejected(failed.status(), text);
  }

  /**
   * GitHub is down, rate-limited or out of reach after this adapter's own short retries: the caller
   * publishes the same commit later. The branch is pushed by then (the API is called only after the
   * push).
   */
  private PublishResult unavailable(GitHubApi.Unavailable unavailable, int attempts) {
    String message = redactor.apply(unavailable.message());
    String text =
        unavailable.status() == 0
            ? "GitHub at "
                + config.apiUrl()
                + " could not be reached ("
                + message
                + ") in "
                + attempts
                + (attempts == 1 ? " try" : " tries")
            : "GitHub answered "
                + unavailable.status()
                + " ("
                + message
                + ") "
                + (attempts == 1 ? "once" : attempts + " times")
                + (unavailable.retryAfter().compareTo(config.maxRateLimitWait()) > 0
                    ? " and asked to wait " + unavailable.retryAfter()
                    : "");
    LOG.warn("{}; the run publishes later", text);
    return new Unavailable(text, unavailable.retryAfter(), true);
  }

  private PublishResult unreachable(GitPush.Unreachable unreachable) {
    LOG.warn("{}; the run publishes later", unreachable.message());
    return new Unavailable(unreachable.message(), Duration.ZERO, false);
  }

  private static String describe(Reply reply) {
    return switch (reply) {
      case Ok ok -> "ok";
      case Failed failed -> failed.status() + " " + failed.message();
      case GitHubApi.Unavailable unavailable -> unavailable.status() + " " + unavailable.message();
    };
  }

  private static PullRequestRef toRef(JsonNode pull, String branch, boolean draft) {
    String url = pull.path("html_url").asText(null);
    int number = pull.path("number").asInt(-1);
    if (url == null || number <= 0) {
      throw new GitHubException("GitHub answered a pull request without html_url or number");
    }
    JsonNode draftNode = pull.path("draft");
    return new PullRequestRef(
        URI.create(url), number, branch, draftNode.isBoolean() ? draftNode.asBoolean() : draft);
  }

  /** The configured base, else the workspace's base ref without {@code refs/heads/} or a remote. */
  private String baseBranch(Workspace workspace) {
    if (config.baseBranch() != null) {
      return config.baseBranch();
    }
    String ref = workspace.baseRef();
    if (ref.startsWith("refs/heads/")) {
      return ref.substring("refs/heads/".length());
    }
    if (ref.startsWith("refs/remotes/")) {
      String rest = ref.substring("refs/remotes/".length());
      return rest.substring(rest.indexOf('/') + 1);
    }
    return ref;
  }
}
