package dev.autofix.sentry.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.autofix.support.retry.Retry;
import dev.autofix.support.retry.Sleeper;
import dev.autofix.support.retry.Waits;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Sentry REST client: bearer auth, a whole-call timeout, and bounded retries on 429, 5xx
 * and I/O errors that honour {@code Retry-After}. Answers are values, never exceptions.
 */
public final class SentryApi {
  private static final Logger LOG = LoggerFactory.getLogger(SentryApi.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);
  private static final int MAX_ERROR_BODY_CHARS = 2000;

  private final OkHttpClient http;
  private final ObjectMapper json;
  private final HttpUrl base;
  private final String token;
  private final int maxAttempts;
  private final Duration maxRetryWait;
  private final Clock clock;
  private final Retry retry;

  /**
   * @param http the caller's client; this one derives a client with {@code timeout} as call timeout
   *     (sharing its pool and dispatcher)
   */
  public SentryApi(
      OkHttpClient http,
      ObjectMapper json,
      URI apiUrl,
      String token,
      Duration timeout,
      int maxAttempts,
      Duration maxRetryWait,
      Sleeper sleeper,
      Clock clock) {
    this.http =
        Objects.requireNonNull(http, "http == null")
            .newBuilder()
            .callTimeout(timeout)
            .followRedirects(false)
            .build();
    this.json = Objects.requireNonNull(json, "json == null");
    this.base = HttpUrl.get(apiUrl.toString());
    this.token = Objects.requireNonNull(token, "token == null");
    this.maxAttempts = maxAttempts;
    this.maxRetryWait = Objects.requireNonNull(maxRetryWait, "maxRetryWait == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.retry = Retry.create(maxAttempts, this.maxRetryWait, sleeper, LOG);
  }

  /** An answer from Sentry. */
  public sealed interface Answer permits Ok, Rejected, Unavailable {}

  /**
   * A 2xx answer.
   *
   * @param status the HTTP status
   * @param body the parsed body ({@link NullNode} when empty)
   * @param link the {@code Link} header, or {@code null}
   */
  public record Ok(int status, JsonNode body, String link) implements Answer {}

  /** A 4xx answer other than 429 (not retried). */
  public record Rejected(int status, String body) implements Answer {}

  /** Retries ran out (429, 5xx, timeouts, I/O errors), or the answer was unreadable. */
  public record Unavailable(String message, Duration retryAfter) implements Answer {}

  /** The URL of {@code segments} under {@code /api/0/}, with a trailing slash. */
  public HttpUrl.Builder url(String... segments) {
    HttpUrl.Builder builder = base.newBuilder().addPathSegments("api/0");
    for (String segment : segments) {
      builder.addPathSegment(segment);
    }
    return builder.addPathSegment("");
  }

  /** {@code GET url}. */
  public Answer get(HttpUrl url) {
    return execute(request(url).get().build());
  }

  /** {@code POST url} with a JSON body. */
  public Answer post(HttpUrl url, JsonNode body) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot serialize a request body", e);
    }
    return execute(request(url).post(RequestBody.create(bytes, JSON)).build());
  }

  private Request.Builder request(HttpUrl url) {
    return new Request.Builder()
        .url(url)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  private Answer execute(Request request) {
    String what = request.method() + " " + request.url().encodedPath();
    return switch (retry.run("Sentry " + what, attempt -> once(request, what, attempt))) {
      case Retry.Completed<Answer> completed -> completed.result();
      case Retry.WaitTooLong<Answer> tooLong -> tooLong.result();
      case Retry.Exhausted<Answer> exhausted ->
          exhausted.result() instanceof Unavailable last
              ? new Unavailable(
                  last.message() + " (" + maxAttempts + " attempts)", nextTry(exhausted.delay()))
              : exhausted.result();
      case Retry.Interrupted<Answer> interrupted ->
          new Unavailable(
              "interrupted while waiting to retry " + what, nextTry(interrupted.delay()));
    };
  }

  /**
   * One request, judged: 429, 5xx and I/O errors are worth another attempt, after {@code
   * Retry-After} when Sentry sent one, else after a doubling backoff; anything else is done.
   */
  private Retry.Decision<Answer> once(Request request, String what, int attempt) {
    String problem;
    String reason;
    Duration wait;
    try (Response response = http.newCall(request).execute()) {
      int status = response.code();
      if (response.isSuccessful()) {
        return new Retry.Done<>(ok(response, what));
      }
      if (status >= 300 && status < 400) {
        // redirects are not followed: the bearer token stays on the configured host
        return new Retry.Done<>(
            new Rejected(
                status,
                "redirected to "
                    + response.header("Location")
                    + "; set AUTOFIX_SENTRY_API_URL to that host"));
      }
      if (status != 429 && status < 500) {
        return new Retry.Done<>(new Rejected(status, bodyText(response)));
      }
      problem = "Sentry answered " + status + " to " + what;
      reason = "answered " + status;
      wait =
          Waits.retryAfter(response.header("Retry-After"), clock.instant())
              .orElseGet(() -> backoff(attempt));
    } catch (InterruptedIOException e) {
      problem = "Sentry did not answer " + what + " in time (" + e.getMessage() + ")";
      reason = "no answer in time (" + e.getMessage() + ")";
      wait = backoff(attempt);
    } catch (IOException e) {
      problem = "Sentry could not be reached for " + what + ": " + e.getMessage();
      reason = "not reachable: " + e.getMessage();
      wait = backoff(attempt);
    }
    return new Retry.RetryAfter<>(wait, new Unavailable(problem, wait), reason);
  }

  /** When a caller should try again after the retries here gave up: never "at once". */
  private static Duration nextTry(Duration lastWait) {
    return lastWait.isZero() ? DEFAULT_RETRY_AFTER : lastWait;
  }

  private Answer ok(Response response, String what) throws IOException {
    ResponseBody body = response.body();
    byte[] bytes = body.bytes();
    if (bytes.length == 0) {
      return new Ok(response.code(), NullNode.getInstance(), response.header("Link"));
    }
    try {
      return new Ok(response.code(), json.readTree(bytes), response.header("Link"));
    } catch (JacksonException e) {
      return new Unavailable(
          "Sentry answered " + what + " with unreadable JSON: " + e.getOriginalMessage(),
          DEFAULT_RETRY_AFTER);
    }
  }

  private static String bodyText(Response response) {
    try {
      String text = response.body().string();
      return text.length() <= MAX_ERROR_BODY_CHARS
          ? text
          : text.substring(0, MAX_ERROR_BODY_CHARS) + "...";
    } catch (IOException e) {
      return "";
    }
  }

  /** 1 s, 2 s, 4 s ... capped at the wait limit. */
  private Duration backoff(int attempt) {
    return Waits.backoff(FIRST_BACKOFF, attempt, maxRetryWait);
  }
}
