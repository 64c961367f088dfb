package dev.autofix.sentry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.Issue;
import dev.autofix.sentry.internal.IssueFilter;
import dev.autofix.sentry.internal.SentryApi;
import dev.autofix.sentry.internal.WebhookParser;
import dev.autofix.support.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backstop for lost webhooks (internal integrations are never retried): lists the unresolved
 * issues first seen since the last poll and hands each to a callback, which feeds the same
 * insert-if-absent path as the webhook, so a webhook and a poll racing on one issue give one run.
 *
 * <p>A plain class: the server schedules {@link #pollOnce()} every {@link
 * SentryConfig#pollInterval()}. Without an API token it does nothing.
 */
public final class SentryIssuePoller {
  private static final Logger LOG = LoggerFactory.getLogger(SentryIssuePoller.class);
  // Sentry indexes issues with some delay and clocks drift: look back a little further than the
  // last poll; duplicates are harmless because the store inserts an issue only once.
  private static final Duration OVERLAP = Duration.ofMinutes(1);
  private static final int MAX_PAGES = 10;
  private static final Pattern NEXT_LINK =
      Pattern.compile("<([^>]+)>;\\s*rel=\"next\";\\s*results=\"true\"");

  private final SentryConfig config;
  private final SentryApi api; // null without a token
  private final Clock clock;
  private final Consumer<Issue> sink;
  private final WebhookParser parser = new WebhookParser(SentryIssueSource.NAME);
  private final IssueFilter filter;
  private Instant since;

  private SentryIssuePoller(SentryConfig config, SentryApi api, Clock clock, Consumer<Issue> sink) {
    this.config = config;
    this.api = api;
    this.clock = clock;
    this.sink = sink;
    this.filter = new IssueFilter(config.projects(), config.minimumLevel(), config.environments());
    this.since = clock.instant().minus(config.pollLookback());
  }

  /**
   * A poller; its first poll looks back {@link SentryConfig#pollLookback()}.
   *
   * @param sink receives each new issue (the server's insert-if-absent path)
   */
  public static SentryIssuePoller create(
      SentryConfig config,
      OkHttpClient http,
      ObjectMapper json,
      Clock clock,
      Consumer<Issue> sink) {
    return create(config, http, json, Sleeper.real(), clock, sink);
  }

  static SentryIssuePoller create(
      SentryConfig config,
      OkHttpClient http,
      ObjectMapper json,
      Sleeper sleeper,
      Clock clock,
      Consumer<Issue> sink) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(http, "http == null");
    Objects.requireNonNull(json, "json == null");
    Objects.requireNonNull(clock, "clock == null");
    Objects.requireNonNull(sink, "sink == null");
    return new SentryIssuePoller(
        config, SentryIssueSource.api(config, http, json, sleeper, clock), clock, sink);
  }

  /** What one poll did. */
  public sealed interface PollResult permits Polled, Disabled, Failed {}

  /**
   * The poll completed.
   *
   * @param since the lower bound of {@code firstSeen} that was asked for
   * @param handed how many issues went to the callback
   * @param filtered how many the filters left out
   */
  public record Polled(Instant since, int handed, int filtered) implements PollResult {}

  /** Polling is off (no API token). */
  public record Disabled(String reason) implements PollResult {}

  /**
   * Part or all of the poll failed; the next poll covers the same period again.
   *
   * @param handed how many issues went to the callback before or despite the failure
   */
  public record Failed(String reason, int handed) implements PollResult {}

  /** Lists the new issues and hands each to the callback; never throws for a Sentry failure. */
  public synchronized PollResult pollOnce() {
    if (api == null) {
      return new Disabled("no Sentry API token configured");
    }
    Instant started = clock.instant();
    Instant from = since;
    Counts counts = new Counts();
    List<String> failures = new ArrayList<>();
    for (HttpUrl url : listUrls(from)) {
      pollList(url, from, counts).ifPresent(failures::add);
    }
    if (!failures.isEmpty()) {
      LOG.warn("Sentry poll since {} incomplete: {}", from, failures);
      return new Failed(String.join("; ", failures), counts.handed);
    }
    since = started.minus(OVERLAP);
    LOG.debug("Sentry poll since {}: {} new, {} filtered", from, counts.handed, counts.filtered);
    return new Polled(from, counts.handed, counts.filtered);
  }

  /** One org-wide list, or one list per configured project. */
  private List<HttpUrl> listUrls(Instant from) {
    String query = "is:unresolved firstSeen:>=" + from.truncatedTo(ChronoUnit.SECONDS).toString();
    List<HttpUrl.Builder> builders = new ArrayList<>();
    if (config.projects().isEmpty()) {
      builders.add(
          api.url("organizations", config.org(), "issues").addQueryParameter("limit", "100"));
    } else {
      config.projects().stream()
          .sorted()
          .forEach(project -> builders.add(api.url("projects", config.org(), project, "issues")));
    }
    List<HttpUrl> urls = new ArrayList<>();
    for (HttpUrl.Builder builder : builders) {
      builder.addQueryParameter("query", query).addQueryParameter("sort", "new");
      config.environments().stream()
          .sorted()
          .forEach(environment -> builder.addQueryParameter("environment", environment));
      urls.add(builder.build());
    }
    return urls;
  }

  /** Follows {@code rel="next"} pages; returns the failure, if any. */
  private Optional<String> pollList(HttpUrl first, Instant from, Counts counts) {
    HttpUrl url = first;
    for (int page = 0; page < MAX_PAGES && url != null; page++) {
      switch (api.get(url)) {
        case SentryApi.Ok ok -> {
          if (!ok.body().isArray()) {
            return Optional.of(url.encodedPath() + " did not answer a list");
          }
          for (JsonNode item : ok.body()) {
            Optional<String> failure = offer(item, from, counts);
            if (failure.isPresent()) {
              return failure;
            }
          }
          url = nextPage(ok.link(), first);
        }
        case SentryApi.Rejected rejected -> {
          return Optional.of("Sentry answered " + rejected.status() + " to " + url.encodedPath());
        }
        case SentryApi.Unavailable unavailable -> {
          return Optional.of(unavailable.message());
        }
      }
    }
    return Optional.empty();
  }

  private Optional<String> offer(JsonNode item, Instant from, Counts counts) {
    switch (parser.parseApiIssue(item)) {
      case WebhookParser.Parsed parsed -> {
        Issue issue = parsed.issue();
        // the server is asked for firstSeen >= from; check it too, in case it ignored the query
        if (issue.firstSeen() != null && issue.firstSeen().isBefore(from)) {
          return Optional.empty();
        }
        Optional<String> rejection = filter.rejection(issue, null);
        if (rejection.isPresent()) {
          counts.filtered++;
          return Optional.empty();
        }
        try {
          sink.accept(issue);
          counts.handed++;
        } catch (RuntimeException e) {
          LOG.warn("the poll callback failed for Sentry issue {}", issue.id(), e);
          return Optional.of("callback failed for " + issue.id() + ": " + e);
        }
      }
      case WebhookParser.Changed changed -> {
        // an issue list holds issues, not changes
      }
      case WebhookParser.NotHandled notHandled -> {
        // an issue list holds only issues
      }
      case WebhookParser.Invalid invalid ->
          LOG.warn("skipping a polled issue: {}", invalid.reason());
    }
    return Optional.empty();
  }

  /** The next page, only on Sentry's own host: the token must not follow a link elsewhere. */
  private static HttpUrl nextPage(String link, HttpUrl first) {
    if (link == null) {
      return null;
    }
    Matcher matcher = NEXT_LINK.matcher(link);
    if (!matcher.find()) {
      return null;
    }
    HttpUrl next = HttpUrl.parse(matcher.group(1));
    if (next == null || !next.host().equals(first.host()) || next.port() != first.port()) {
      LOG.warn("not following a next-page link off the Sentry host: {}", matcher.group(1));
      return null;
    }
    return next;
  }

  private static final class Counts {
    int handed;
    int filtered;
  }
}
