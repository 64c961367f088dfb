package dev.autofix.github.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autofix.github.GitHubException;
import dev.autofix.support.retry.Retry;
import dev.autofix.support.retry.Sleeper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few GitHub REST calls the publisher makes, with GitHub's required headers. Reads are retried
 * here; creating a pull request is tried once, because a failed POST may still have created it and
 * only the caller can look it up before trying again.
 */
public final class GitHubApi {
  private static final Logger LOG = LoggerFactory.getLogger(GitHubApi.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int MAX_MESSAGE = 500;

  /**
   * What the client needs to know.
   *
   * @param apiUrl the API base
   * @param owner the repository's owner
   * @param repo the repository's name
   * @param token the bearer token, or {@code null}
   * @param userAgent the user agent
   * @param apiVersion the {@code X-GitHub-Api-Version}
   * @param maxAttempts attempts per call
   * @param maxWait the longest single wait before giving up
   */
  public record Settings(
      HttpUrl apiUrl,
      String owner,
      String repo,
      String token,
      String userAgent,
      String apiVersion,
      int maxAttempts,
      Duration maxWait) {
    public Settings {
      Objects.requireNonNull(apiUrl, "apiUrl == null");
      Objects.requireNonNull(owner, "owner == null");
      Objects.requireNonNull(repo, "repo == null");
    }

    @Override
    public String toString() {
      return "Settings[" + apiUrl + ", " + owner + "/" + repo + "]";
    }
  }

  /** The outcome of a call. */
  public sealed interface Reply permits Ok, Failed, Unavailable {}

  /** A 2xx answer and its JSON body (missing when empty). */
  public record Ok(int status, JsonNode body) implements Reply {}

  /**
   * An error a retry would not change.
   *
   * @param status the HTTP status
   * @param message GitHub's message and its {@code errors[]} messages
   * @param acceptedPermissions {@code X-Accepted-GitHub-Permissions}, or {@code null}
   */
  public record Failed(int status, String message, String acceptedPermissions) implements Reply {}

  /**
   * Worth trying again after {@code retryAfter}: a rate limit, a 5xx, a timeout.
   *
   * @param status the HTTP status, or 0 for a transport failure
   * @param message what went wrong
   * @param retryAfter how long to wait
   * @param cause the transport failure, or {@code null}
   * @param attempts how many times the call was tried
   */
  public record Unavailable(
      int status, String message, Duration retryAfter, IOException cause, int attempts)
      implements Reply {}

  private final Settings settings;
  private final OkHttpClient http;
  private final ObjectMapper json;
  private final Sleeper sleeper;
  private final Clock clock;
  private final Retry retry;

  public GitHubApi(
      Settings settings, OkHttpClient http, ObjectMapper json, Sleeper sleeper, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings == null");
    this.http = Objects.requireNonNull(http, "http == null");
    this.json = Objects.requireNonNull(json, "json == null");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.retry = Retry.create(settings.maxAttempts(), settings.maxWait(), sleeper, LOG);
  }

  /** A new JSON object for a request body. */
  public ObjectNode object() {
    return json.createObjectNode();
  }

  /**
   * {@code GET /repos/{o}/{r}/pulls?head={o}:{branch}&state=all}: the owner prefix matters, since
   * GitHub silently ignores a bare branch name and lists every pull request.
   */
  public Reply findPulls(String branch) {
    HttpUrl url =
        repo()
            .addPathSegment("pulls")
            .addQueryParameter("head", settings.owner() + ":" + branch)
            .addQueryParameter("state", "all")
            .addQueryParameter("per_page", "100")
            .build();
    return withRetries(request(url).get().build());
  }

  /** {@code POST /repos/{o}/{r}/pulls}, tried once. */
  public Reply createPull(ObjectNode body, int attempt) {
    HttpUrl url = repo().addPathSegment("pulls").build();
    return once(request(url).post(body(body)).build(), attempt);
  }

  /** {@code POST /repos/{o}/{r}/issues/{n}/labels}; labels that do not exist yet are created. */
  public Reply addLabels(int number, List<String> labels) {
    ObjectNode body = object();
    labels.forEach(body.putArray("labels")::add);
    HttpUrl url =
        repo()
            .addPathSegment("issues")
            .addPathSegment(Integer.toString(number))
            .addPathSegment("labels")
            .build();
    return withRetries(request(url).post(body(body)).build());
  }

  /** {@code POST /repos/{o}/{r}/pulls/{n}/requested_reviewers}. */
  public Reply requestReviewers(int number, List<String> reviewers) {
    ObjectNode body = object();
    reviewers.forEach(body.putArray("reviewers")::add);
    HttpUrl url =
        repo()
            .addPathSegment("pulls")
            .addPathSegment(Integer.toString(number))
            .addPathSegment("requested_reviewers")
            .build();
    return withRetries(request(url).post(body(body)).build());
  }

  /**
   * What the token may do in the repository, for {@code autofix doctor}: {@code GET
   * /repos/{o}/{r}}, tried once, with {@code X-OAuth-Scopes} (sent for classic and OAuth tokens
   * only).
   *
   * @param reply the answer; its body holds {@code permissions} when the token can see the repo
   * @param scopes the token's scopes, or {@code null} when GitHub does not say (fine-grained
   *     tokens, GitHub App tokens)
   */
  public record Access(Reply reply, String scopes) {}

  /** {@code GET /repos/{o}/{r}} once, with the token's scopes when GitHub tells them. */
  public Access access() {
    Request request = request(repo().build()).get().build();
    try (Response response = http.newCall(request).execute()) {
      String text = response.body().string();
      JsonNode body = parse(text);
      String scopes = response.header("X-OAuth-Scopes");
      if (response.isSuccessful()) {
        return new Access(new Ok(response.code(), body), scopes);
      }
      String message = messageOf(body, text, response.code());
      Duration retry =
          RetryDelays.forResponse(response.code(), response.headers(), message, 1, clock.instant());
      return new Access(
          retry != null
              ? new Unavailable(response.code(), message, retry, null, 1)
              : new Failed(
                  response.code(), message, response.header("X-Accepted-GitHub-Permissions")),
          scopes);
    } catch (IOException e) {
      return new Access(
          new Unavailable(
              0,
              e.getClass().getSimpleName() + ": " + e.getMessage(),
              RetryDelays.forTransportFailure(1),
              e,
              1),
          null);
    }
  }

  /** Waits; an interrupt is kept on the thread and ends the publishing with a defect. */
  public void pause(Duration duration) {
    try {
      sleeper.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitHubException("interrupted while waiting for GitHub", e);
    }
  }

  /**
   * {@link #once} until it is not {@link Unavailable}, within the attempts and the longest wait.
   */
  private Reply withRetries(Request request) {
    String what = "GitHub " + request.method() + " " + request.url().encodedPath();
    Retry.Result<Reply> tried =
        retry.run(
            what,
            attempt -> {
              Reply reply = once(request, attempt);
              if (reply instanceof Unavailable unavailable) {
                return new Retry.RetryAfter<>(
                    unavailable.retryAfter(), reply, "unavailable (" + unavailable.message() + ")");
              }
              return new Retry.Done<>(reply);
            });
    if (tried instanceof Retry.Interrupted<Reply>) {
      throw new GitHubException("interrupted while waiting for GitHub");
    }
    if (tried.result() instanceof Unavailable u) {
      return new Unavailable(u.status(), u.message(), u.retryAfter(), u.cause(), tried.attempts());
    }
    return tried.result();
  }

  private Reply once(Request request, int attempt) {
    try (Response response = http.newCall(request).execute()) {
      String text = response.body().string();
      int status = response.code();
      LOG.debug(
          "GitHub {} {} -> {} (api version {})",
          request.method(),
          request.url().encodedPath(),
          status,
          response.header("x-github-api-version-selected"));
      JsonNode body = parse(text);
      if (response.isSuccessful()) {
        return new Ok(status, body);
      }
      String message = messageOf(body, text, status);
      Duration retry =
          RetryDelays.forResponse(status, response.headers(), message, attempt, clock.instant());
      if (retry != null) {
        return new Unavailable(status, message, retry, null, 1);
      }
      return new Failed(status, message, response.header("X-Accepted-GitHub-Permissions"));
    } catch (IOException e) {
      // Timeouts are IOExceptions too (SocketTimeoutException, InterruptedIOException).
      return new Unavailable(
          0,
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          RetryDelays.forTransportFailure(attempt),
          e,
          1);
    }
  }

  private Request.Builder request(HttpUrl url) {
    Request.Builder builder =
        new Request.Builder()
            .url(url)
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", settings.apiVersion())
            .header("User-Agent", settings.userAgent());
    if (settings.token() != null) {
      builder.header("Authorization", "Bearer " + settings.token());
    }
    return builder;
  }

  private HttpUrl.Builder repo() {
    return settings
        .apiUrl()
        .newBuilder()
        .addPathSegment("repos")
        .addPathSegment(settings.owner())
        .addPathSegment(settings.repo());
  }

  private RequestBody body(ObjectNode body) {
    try {
      return RequestBody.create(json.writeValueAsBytes(body), JSON);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  private JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }

  /** GitHub's top-level message plus every {@code errors[]} entry, which is where 422s explain. */
  static String messageOf(JsonNode body, String text, int status) {
    List<String> parts = new ArrayList<>();
    String message = body.path("message").asText("");
    if (!message.isBlank()) {
      parts.add(message);
    }
    List<String> errors = new ArrayList<>();
    for (JsonNode error : body.path("errors")) {
      if (error.isTextual()) {
        errors.add(error.asText());
      } else if (error.hasNonNull("message")) {
        errors.add(error.get("message").asText());
      } else {
        errors.add((error.path("field").asText("") + " " + error.path("code").asText("")).trim());
      }
    }
    String joined = String.join(": ", parts);
    if (!errors.isEmpty()) {
      joined = (joined.isEmpty() ? "" : joined + ": ") + String.join("; ", errors);
    }
    if (joined.isBlank()) {
      joined = text == null || text.isBlank() ? "HTTP " + status : text.strip();
    }
    return joined.length() > MAX_MESSAGE ? joined.substring(0, MAX_MESSAGE) + "…" : joined;
  }
}
