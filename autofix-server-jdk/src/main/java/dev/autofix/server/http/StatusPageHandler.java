package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.RunStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

  StatusPageHandler(RunStore store, RateLimiter limiter, RunLogs logs) {
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
      Exchanges.send(
          exchange, 200, "text/html; charset=utf-8", render().getBytes(StandardCharsets.UTF_8));
    }
  }

  String render() {
    RateLimiter.Usage usage = limiter.usage();
    Map<RunStatus, Long> counts = store.countByStatus();
    List<FixRun> running = store.list(new RunStore.RunQuery(RunStatus.RUNNING, null, 10));
    List<FixRun> recent = store.list(RunStore.RunQuery.firstPage(RECENT));
    StringBuilder html = new StringBuilder(8192);
    html.append(
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="refresh" content="5">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>autofix</title>
        <style>
        body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}
        h1{font-size:1.4rem;margin:0 0 1rem} h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
        .cards{display:flex;gap:1rem;flex-wrap:wrap} .card{border:1px solid #d0d7de;border-radius:8px;padding:.7rem 1rem;min-width:9rem}
        .card b{display:block;font-size:1.5rem} table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
        .status{font-family:ui-monospace,monospace;padding:.05rem .4rem;border-radius:4px;background:#eaeef2}
        .pr_opened,.branch_pushed{background:#dafbe1}.failed{background:#ffebe9}.running{background:#ddf4ff}.deferred{background:#fff8c5}
        pre{background:#f6f8fa;border-radius:6px;padding:.7rem;max-height:18rem;overflow:auto;font-size:12px}
        .muted{color:#656d76}
        </style></head><body>
        <h1>autofix</h1>
        """);
    html.append("<div class=\"cards\">");
    card(html, "fix attempts today", usage.used() + " / " + usage.limit(), "budget");
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
      html.append("<p><b>")
          .append(esc(run.issue().shortId()))
          .append("</b> ")
          .append(esc(run.issue().title()))
          .append(" <span class=\"muted\">since ")
          .append(time(run.startedAt()))
          .append("</span></p><pre id=\"log-")
          .append(run.id())
          .append("\">")
          .append(esc(logs.tail(run.id(), LOG_TAIL)))
          .append("</pre>");
    }

    html.append("<h2>Recent runs</h2>");
    if (recent.isEmpty()) {
      html.append(
          "<p class=\"muted\">No runs yet. They appear when Sentry reports a new issue.</p>");
    } else {
      html.append(
          "<table><thead><tr><th>#</th><th>issue</th><th>status</th><th>updated</th>"
              + "<th>pull request</th><th>reason</th></tr></thead><tbody>");
      for (FixRun run : recent) {
        html.append("<tr><td><a href=\"/api/runs/")
            .append(run.id())
            .append("\">")
            .append(run.id())
            .append("</a></td><td>");
        if (run.issue().permalink() != null) {
          html.append("<a href=\"")
              .append(esc(run.issue().permalink().toString()))
              .append("\">")
              .append(esc(run.issue().shortId()))
              .append("</a>");
        } else {
          html.append(esc(run.issue().shortId()));
        }
        html.append(" ")
            .append(esc(run.issue().title()))
            .append("</td><td><span class=\"status ")
            .append(run.status().wireName())
            .append("\">")
            .append(run.status().wireName())
            .append("</span></td><td>")
            .append(time(run.updatedAt()))
            .append("</td><td>");
        if (run.pullRequestUrl() != null) {
          html.append("<a href=\"")
              .append(esc(run.pullRequestUrl().toString()))
              .append("\">draft PR</a>");
        }
        html.append("</td><td>")
            .append(esc(run.reason() == null ? "" : run.reason()))
            .append("</td></tr>");
      }
      html.append("</tbody></table>");
    }
    html.append(
        "<p class=\"muted\">Refreshes every 5 seconds. API: <a href=\"/api/runs\">/api/runs</a>"
            + " · <a href=\"/metrics\">/metrics</a> · <a href=\"/readyz\">/readyz</a></p></body></html>\n");
    return html.toString();
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
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
