package dev.autofix.server.http;

import static dev.autofix.server.http.Html.esc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunEvent;
import dev.autofix.core.model.RunId;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.RunStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /runs/{id}}: one run as a page. The header says what the issue is, where the run
 * stands and why, with its agent, attempts, times, duration and cost and links to the pull request
 * or branch; then the timeline of its history, each step with its time and how long it took; the
 * agent's summary; and its transcript as a person reads it ({@link Transcript}). Server-rendered,
 * no script; every value is escaped and only http(s) URLs are links.
 */
final class RunPageHandler implements HttpHandler {
  /** How much of the log the page renders; the whole log is at {@code /api/runs/{id}/log}. */
  static final int LOG_CHARS = 2 * 1024 * 1024;

  private final RunStore store;
  private final RunLogs logs;
  private final Clock clock;

  RunPageHandler(RunStore store, RunLogs logs, Clock clock) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.logs = Objects.requireNonNull(logs, "logs == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String rest = path.substring("/runs".length());
    Optional<RunId> id = Optional.empty();
    if (rest.startsWith("/") && rest.indexOf('/', 1) < 0) {
      try {
        id = Optional.of(RunId.parse(rest.substring(1)));
      } catch (IllegalArgumentException e) {
        // not a run id: 404 below
      }
    }
    if (id.isEmpty()) {
      Exchanges.error(exchange, 404, "no such resource: " + path);
      return;
    }
    if (!Exchanges.method(exchange, "GET", "HEAD")) {
      return;
    }
    Optional<FixRun> run = store.find(id.get());
    if (run.isEmpty()) {
      Exchanges.page(
          exchange,
          404,
          page("run " + id.get() + " not found", "<p>There is no run " + id.get() + ".</p>"));
      return;
    }
    Exchanges.page(exchange, 200, render(run.get()));
  }

  /** Whether {@code run} says {@code running} though its worker's lease ran out (a crash). */
  static boolean abandoned(FixRun run, Instant now) {
    return run.status() == RunStatus.RUNNING
        && run.leaseUntil() != null
        && run.leaseUntil().isBefore(now);
  }

  String render(FixRun run) {
    Instant now = clock.instant();
    List<RunEvent> history = store.history(run.id());
    String log = logs.tail(run.id(), LOG_CHARS);
    StringBuilder body = new StringBuilder(32_768);
    body.append("<p><a href=\"/\">← all runs</a></p>");
    body.append("<h1 id=\"issue\">")
        .append(Html.link(run.issue().permalink(), run.issue().shortId()))
        .append(" ")
        .append(esc(run.issue().title()))
        .append("</h1>");
    boolean active =
        run.status() == RunStatus.QUEUED
            || run.status() == RunStatus.RUNNING
            || run.status() == RunStatus.DEFERRED;
    body.append("<div id=\"live\" data-live=\"").append(active).append("\" data-every=\"2000\">");
    String status = abandoned(run, now) ? "abandoned" : run.status().wireName();
    body.append("<p id=\"state\"><span class=\"status ")
        .append(status)
        .append("\">")
        .append(abandoned(run, now) ? "abandoned, will be recovered" : status)
        .append("</span> ")
        .append(esc(Html.firstLine(run.reason(), 300)))
        .append("</p>");
    if (run.reason() != null && run.reason().strip().contains("\n")) {
      body.append("<details><summary>the whole reason</summary><pre id=\"reason\">")
          .append(esc(run.reason()))
          .append("</pre></details>");
    }
    body.append("<dl class=\"facts\">");
    fact(body, "issue", Html.link(run.issue().permalink(), run.issue().shortId() + " in Sentry"));
    fact(body, "project", esc(run.issue().project() == null ? "(unknown)" : run.issue().project()));
    if (run.issue().culprit() != null) {
      fact(body, "culprit", "<code>" + esc(run.issue().culprit()) + "</code>");
    }
    fact(
        body,
        "agent",
        esc(run.agent() == null ? "not started yet" : run.agent())
            + Transcript.model(log).map(m -> ", model " + esc(m)).orElse(""));
    fact(body, "attempts", Integer.toString(run.attempts()));
    fact(body, "created", Html.time(run.createdAt()));
    if (run.startedAt() != null) {
      fact(body, "started", Html.time(run.startedAt()));
    }
    if (run.finishedAt() != null) {
      fact(body, "ended", Html.time(run.finishedAt()));
    }
    Instant from = run.startedAt() != null ? run.startedAt() : run.createdAt();
    Instant to = run.finishedAt() != null ? run.finishedAt() : now;
    fact(
        body,
        "duration",
        Html.duration(Duration.between(from, to)) + (run.finishedAt() == null ? " so far" : ""));
    fact(body, "cost", cost(history, run));
    if (run.pullRequestUrl() != null) {
      fact(
          body,
          run.status() == RunStatus.BRANCH_PUSHED ? "compare" : "pull request",
          Html.link(run.pullRequestUrl(), run.pullRequestUrl().toString()));
    }
    if (run.branch() != null) {
      fact(body, "branch", "<code>" + esc(run.branch()) + "</code>");
    }
    if (run.notBefore() != null && run.notBefore().isAfter(now)) {
      fact(body, "not before", Html.time(run.notBefore()));
    }
    body.append("</dl>");

    body.append("<h2>Timeline</h2><ol class=\"timeline\" id=\"timeline\">");
    Instant previous = null;
    for (Moment moment : timeline(history, log)) {
      body.append("<li class=\"")
          .append(moment.status() ? "status-change" : "attempt-step")
          .append("\"><span>")
          .append(Html.time(moment.at()))
          .append("</span><span class=\"step")
          .append(moment.status() ? " status-step" : "")
          .append("\">")
          .append(esc(moment.label()))
          .append(
              previous == null
                  ? ""
                  : " <span class=\"took\">+"
                      + Html.duration(Duration.between(previous, moment.at()))
                      + "</span>")
          .append("</span><span>")
          .append(esc(Html.firstLine(moment.detail(), 400)))
          .append("</span></li>");
      previous = moment.at();
    }
    body.append("</ol>");

    if (run.summary() != null && !run.summary().isBlank()) {
      body.append("<h2>The agent's summary</h2><pre id=\"summary\">")
          .append(esc(run.summary()))
          .append("</pre>");
    }
    body.append("<h2>Transcript</h2>");
    if (log.isEmpty()) {
      body.append("<p class=\"muted\">Nothing logged yet.</p>");
    } else {
      if (log.length() >= LOG_CHARS) {
        body.append(
            "<p class=\"muted\">The log's last 2 MiB; the whole log is at"
                + " <a href=\"/api/runs/"
                + run.id()
                + "/log\">/api/runs/"
                + run.id()
                + "/log</a>.</p>");
      }
      body.append("<div id=\"transcript\">").append(Transcript.render(log)).append("</div>");
    }
    body.append(
        "<p class=\"muted\">"
            + (active ? "Updates itself while the run is active. " : "")
            + "As JSON: <a href=\"/api/runs/"
            + run.id()
            + "\">/api/runs/"
            + run.id()
            + "</a> · the raw log: <a href=\"/api/runs/"
            + run.id()
            + "/log\">/api/runs/"
            + run.id()
            + "/log</a></p>");
    body.append("</div>"); // #live: the footer too, so that it stops saying it updates
    return page(run.issue().shortId() + " · run " + run.id(), body.toString());
  }

  /** One entry of the timeline: a status change from the history, or a step from the log. */
  record Moment(Instant at, String label, String detail, boolean status) {}

  /**
   * The history's status changes and the log's steps ({@code <time> step: ...} lines, which the
   * attempts write), in time order; a status change first when both have one time.
   */
  static List<Moment> timeline(List<RunEvent> history, String log) {
    List<Moment> moments = new java.util.ArrayList<>();
    for (RunEvent event : history) {
      moments.add(new Moment(event.at(), event.to().wireName(), event.reason(), true));
    }
    String marker = " " + dev.autofix.core.usecase.FixNextRun.STEP;
    for (String line : log.split("\n")) {
      int at = line.indexOf(marker);
      if (at <= 0 || line.indexOf(' ') != at) {
        continue;
      }
      try {
        moments.add(
            new Moment(
                Instant.parse(line.substring(0, at)),
                line.substring(at + marker.length()).strip(),
                "",
                false));
      } catch (java.time.format.DateTimeParseException e) {
        // not one of the log's own timestamps
      }
    }
    moments.sort(java.util.Comparator.comparing(Moment::at).thenComparing(m -> m.status() ? 0 : 1));
    return moments;
  }

  /** The total over the attempts, then each attempt's own figure and tokens. */
  private static String cost(List<RunEvent> history, FixRun run) {
    List<dev.autofix.core.model.AttemptCost> attempts =
        history.stream().map(RunEvent::cost).filter(Objects::nonNull).toList();
    java.math.BigDecimal total = RunJson.totalCost(history);
    if (attempts.isEmpty()) {
      return run.costUsd() == null ? "unknown" : "$" + esc(run.costUsd().toPlainString());
    }
    StringBuilder html =
        new StringBuilder(total == null ? "unknown" : "$" + esc(total.toPlainString()));
    html.append(" <span class=\"muted\">(");
    for (int i = 0; i < attempts.size(); i++) {
      dev.autofix.core.model.AttemptCost attempt = attempts.get(i);
      html.append(i == 0 ? "" : "; ")
          .append("attempt ")
          .append(i + 1)
          .append(": ")
          .append(esc(attempt.agent()))
          .append(" ")
          .append(
              attempt.costUsd() == null
                  ? "cost unknown"
                  : "$" + esc(attempt.costUsd().toPlainString()));
      if (attempt.inputTokens() != null || attempt.outputTokens() != null) {
        html.append(", tokens in ")
            .append(
                attempt.inputTokens() == null
                    ? "?"
                    : String.format(java.util.Locale.ROOT, "%,d", attempt.inputTokens()))
            .append(" / out ")
            .append(
                attempt.outputTokens() == null
                    ? "?"
                    : String.format(java.util.Locale.ROOT, "%,d", attempt.outputTokens()));
      }
    }
    return html.append(")</span>").toString();
  }

  private static void fact(StringBuilder body, String name, String valueHtml) {
    body.append("<dt>").append(esc(name)).append("</dt><dd>").append(valueHtml).append("</dd>");
  }

  private static String page(String title, String body) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"referrer\" content=\"no-referrer\">"
        + "<script src=\"/assets/live.js\" defer></script>"
        + "<title>"
        + esc(title)
        + " · autofix</title><style>"
        + Html.STYLE
        + "</style></head><body>"
        + body
        + "</body></html>\n";
  }
}
