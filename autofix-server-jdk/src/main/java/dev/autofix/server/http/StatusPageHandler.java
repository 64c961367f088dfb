package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.RunStore;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /}: a server-rendered status page that refreshes itself: today's budget, the queue,
 * the running runs with their live log tail, and the recent runs with links to the issue and the
 * pull request.
 */
final class StatusPageHandler implements HttpHandler {
  private static final int RECENT = 25;
  private static final int LOG_TAIL = 4_000;

  private final RunStore store;
  private final RateLimiter limiter;
  private final RunLogs logs;
  private final java.time.Clock clock;
  private final java.time.ZoneId zone;

  StatusPageHandler(
      RunStore store,
      RateLimiter limiter,
      RunLogs logs,
      java.time.Clock clock,
      java.time.ZoneId zone) {
    this.zone = Objects.requireNonNull(zone, "zone == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.store = Objects.requireNonNull(store, "store == null");
    this.limiter = Objects.requireNonNull(limiter, "limiter == null");
    this.logs = Objects.requireNonNull(logs, "logs == null");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().equals("/")) {
      Exchanges.error(exchange, 404, "no such resource: " + exchange.getRequestURI().getPath());
      return;
    }
    if (Exchanges.method(exchange, "GET", "HEAD")) {
      Exchanges.page(exchange, 200, render(Exchanges.query(exchange)));
    }
  }

  String render() {
    return render(Map.of());
  }

  /** The page, its recent runs filtered by {@code status}, {@code project} and {@code q}. */
  String render(Map<String, String> filters) {
    RateLimiter.Usage usage = limiter.usage();
    Map<RunStatus, Long> counts = store.countByStatus();
    List<FixRun> running = store.list(new RunStore.RunQuery(RunStatus.RUNNING, null, 10));
    String notice = null;
    RunStatus only = null;
    String wanted = filters.getOrDefault("status", "");
    if (!wanted.isBlank()) {
      try {
        only = RunStatus.fromWire(wanted.strip());
      } catch (IllegalArgumentException e) {
        notice = "There is no status '" + wanted + "'; all runs are shown.";
      }
    }
    String project = filters.get("project");
    String search = filters.get("q");
    RunStore.RunQuery query;
    try {
      query = new RunStore.RunQuery(only, null, RECENT, project, search);
    } catch (IllegalArgumentException e) {
      notice = e.getMessage() + "; all runs are shown.";
      query = RunStore.RunQuery.firstPage(RECENT);
      project = null;
      search = null;
    }
    List<FixRun> recent = store.list(query);
    StringBuilder html = new StringBuilder(8192);
    html.append(
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <noscript><meta http-equiv="refresh" content="5"></noscript>
        <script src="/assets/live.js" defer></script>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>autofix</title>
        <style>
        """);
    html.append(Html.STYLE);
    html.append(
        """
        </style></head><body>
        <h1>autofix</h1>
        <div id="live" data-live="true" data-every="5000">
        """);
    html.append("<div class=\"cards\">");
    card(html, "fix attempts today", usage.used() + " / " + usage.limit(), "budget");
    java.math.BigDecimal spent = store.attemptCostSince(usage.day().atStartOfDay(zone).toInstant());
    card(
        html,
        "spent today",
        "$" + spent.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString(),
        "spent");
    card(html, "queued", String.valueOf(counts.get(RunStatus.QUEUED)), "queued");
    card(html, "deferred", String.valueOf(counts.get(RunStatus.DEFERRED)), "deferred");
    card(html, "running", String.valueOf(counts.get(RunStatus.RUNNING)), "running");
    card(html, "draft PRs", String.valueOf(counts.get(RunStatus.PR_OPENED)), "pr-opened");
    if (counts.getOrDefault(RunStatus.BRANCH_PUSHED, 0L) > 0) {
      card(
          html,
          "branches pushed",
          String.valueOf(counts.get(RunStatus.BRANCH_PUSHED)),
          "branch-pushed");
    }
    card(
        html,
        "no fix / failed",
        counts.get(RunStatus.NO_FIX) + " / " + counts.get(RunStatus.FAILED),
        "ended");
    html.append("</div>");

    html.append("<h2>Running</h2>");
    if (running.isEmpty()) {
      html.append("<p class=\"muted\">No agent is running.</p>");
    }
    for (FixRun run : running) {
      html.append("<p><b><a href=\"/runs/")
          .append(run.id())
          .append("\">")
          .append(esc(run.issue().shortId()))
          .append("</a></b> ")
          .append(esc(run.issue().title()))
          .append(" <span class=\"muted\">since ")
          .append(time(run.startedAt()))
          .append("</span></p><div id=\"log-")
          .append(run.id())
          .append("\">")
          .append(Transcript.render(logs.tail(run.id(), LOG_TAIL)))
          .append("</div>");
    }

    html.append("<h2>Runs</h2>");
    filterForm(html, query);
    if (notice != null) {
      html.append("<p class=\"muted\" id=\"notice\">").append(esc(notice)).append("</p>");
    }
    if (recent.isEmpty()) {
      html.append(
          query.status() == null && query.project() == null && query.shortId() == null
              ? "<p class=\"muted\">No runs yet. They appear when Sentry reports a new issue.</p>"
              : "<p class=\"muted\" id=\"no-match\">No run matches these filters.</p>");
    } else {
      html.append(
          "<table><colgroup><col style=\"width:3rem\"><col style=\"width:24%\">"
              + "<col style=\"width:6.5rem\"><col style=\"width:8.5rem\"><col style=\"width:11.5rem\">"
              + "<col style=\"width:5.5rem\"><col style=\"width:5rem\"><col style=\"width:5.5rem\">"
              + "<col></colgroup>"
              + "<thead><tr><th>#</th><th>issue</th><th>project</th><th>status</th><th>updated</th>"
              + "<th>took</th><th>cost</th><th>pull request</th><th>reason</th></tr></thead><tbody>");
      Map<dev.autofix.core.model.RunId, java.math.BigDecimal> costs =
          store.attemptCosts(recent.stream().map(FixRun::id).toList());
      java.time.Instant now = clock.instant();
      for (FixRun run : recent) {
        html.append("<tr><td><a href=\"/runs/")
            .append(run.id())
            .append("\">")
            .append(run.id())
            .append("</a></td><td>");
        String status =
            RunPageHandler.abandoned(run, clock.instant()) ? "abandoned" : run.status().wireName();
        html.append(Html.link(run.issue().permalink(), run.issue().shortId()))
            .append(" <a href=\"/runs/")
            .append(run.id())
            .append("\">")
            .append(esc(run.issue().title()))
            .append("</a></td><td>")
            .append(esc(run.issue().project() == null ? "" : run.issue().project()))
            .append("</td><td><span class=\"status ")
            .append(status)
            .append("\"")
            .append(
                status.equals("abandoned")
                    ? " title=\"its worker's lease ran out: it will be recovered\">abandoned"
                    : ">" + status)
            .append("</span></td><td>")
            .append(time(run.updatedAt()))
            .append("</td><td class=\"took\">")
            .append(
                run.startedAt() == null
                    ? ""
                    : Html.duration(
                        java.time.Duration.between(
                            run.startedAt(), run.finishedAt() != null ? run.finishedAt() : now)))
            .append("</td><td class=\"cost\">")
            .append(
                costs.containsKey(run.id())
                    ? "$" + costs.get(run.id()).setScale(2, java.math.RoundingMode.HALF_UP)
                    : "")
            .append("</td><td>");
        if (run.pullRequestUrl() != null) {
          html.append(
              Html.link(
                  run.pullRequestUrl(),
                  run.status() == RunStatus.BRANCH_PUSHED ? "compare" : "draft PR"));
        }
        html.append("</td><td class=\"reason\" title=\"")
            .append(esc(Html.firstLine(run.reason(), 500)))
            .append("\">")
            .append(esc(Html.firstLine(run.reason(), 200)))
            .append("</td></tr>");
      }
      html.append("</tbody></table>");
    }
    html.append("</div>");
    html.append(
        "<p class=\"muted\">Updates every 5 seconds. API: <a href=\"/api/runs\">/api/runs</a>"
            + " · <a href=\"/metrics\">/metrics</a> · <a href=\"/readyz\">/readyz</a></p></body></html>\n");
    return html.toString();
  }

  /** A plain GET form: filters work without JavaScript, and the live updates keep them. */
  private static void filterForm(StringBuilder html, RunStore.RunQuery query) {
    html.append(
            "<form method=\"get\" action=\"/\" id=\"filters\"><label>status <select name=\"status\">")
        .append("<option value=\"\">any</option>");
    for (RunStatus each : RunStatus.values()) {
      html.append("<option")
          .append(each == query.status() ? " selected" : "")
          .append(">")
          .append(each.wireName())
          .append("</option>");
    }
    html.append("</select></label> <label>project <input name=\"project\" size=\"12\" value=\"")
        .append(esc(query.project() == null ? "" : query.project()))
        .append("\"></label> <label>short id <input name=\"q\" size=\"12\" value=\"")
        .append(esc(query.shortId() == null ? "" : query.shortId()))
        .append("\"></label> <button>filter</button>");
    if (query.status() != null || query.project() != null || query.shortId() != null) {
      html.append(" <a href=\"/\">all runs</a>");
    }
    html.append("</form>");
  }

  private static void card(StringBuilder html, String label, String value, String id) {
    html.append("<div class=\"card\" id=\"")
        .append(id)
        .append("\"><b>")
        .append(esc(value))
        .append("</b>")
        .append(esc(label))
        .append("</div>");
  }

  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
          .withZone(java.time.ZoneOffset.UTC);

  private static String time(java.time.Instant instant) {
    return instant == null
        ? ""
        : "<span style=\"white-space:nowrap\">" + TIME.format(instant) + "</span>";
  }

  static String esc(String text) {
    return Html.esc(text);
  }
}
