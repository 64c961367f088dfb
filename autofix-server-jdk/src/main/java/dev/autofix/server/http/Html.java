package dev.autofix.server.http;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What the pages share: escaping (every value that reaches a page came from outside: titles,
 * transcripts, reasons are written by whoever triggered the error, or by the agent), links only to
 * http(s) URLs, times and durations as a person reads them, and the style sheet.
 */
final class Html {
  private Html() {}

  static final String STYLE =
      """
      body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}
      h1{font-size:1.4rem;margin:0 0 .6rem;overflow-wrap:anywhere} h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
      a{color:#0969da} .muted{color:#656d76}
      .cards{display:flex;gap:1rem;flex-wrap:wrap} .card{border:1px solid #d0d7de;border-radius:8px;padding:.7rem 1rem;min-width:9rem}
      .card b{display:block;font-size:1.5rem} table{border-collapse:collapse;width:100%;table-layout:fixed}
      th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top;overflow-wrap:anywhere}
      td.reason{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
      .status{font-family:ui-monospace,monospace;padding:.05rem .4rem;border-radius:4px;background:#eaeef2;white-space:nowrap}
      .pr_opened,.branch_pushed{background:#dafbe1}.failed{background:#ffebe9}.running{background:#ddf4ff}.deferred{background:#fff8c5}.abandoned{background:#fff1e5}
      pre{background:#f6f8fa;border-radius:6px;padding:.7rem;max-height:24rem;overflow:auto;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}
      dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.8rem 0}
      dl.facts dt{color:#656d76} dl.facts dd{margin:0;overflow-wrap:anywhere}
      ol.timeline{list-style:none;padding:0;margin:0} ol.timeline li{padding:.35rem 0;border-bottom:1px solid #eaeef2;display:grid;grid-template-columns:11rem 15rem 1fr;gap:.8rem}
      .step{font-weight:600} .took{color:#656d76;font-size:12px}
      .entry{border-left:3px solid #d0d7de;padding:.2rem .8rem;margin:.4rem 0;overflow-wrap:anywhere}
      .entry.say{border-color:#8250df} .entry.tool{border-color:#0969da} .entry.error{border-color:#cf222e;background:#ffebe9}
      .entry.note{border-color:#eaeef2;color:#57606a;font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap}
      .entry .when{color:#8c959f;font-size:11px;margin-right:.5rem;font-family:ui-monospace,monospace}
      code{font-family:ui-monospace,monospace;font-size:12px;background:#f6f8fa;padding:.05rem .3rem;border-radius:4px}
      .del{background:#ffebe9;display:block} .add{background:#dafbe1;display:block}
      details summary{cursor:pointer;color:#57606a}
      form#filters{margin:.3rem 0 .8rem;display:flex;gap:.8rem;flex-wrap:wrap;align-items:center}
      form#filters input,form#filters select,form#filters button{font:inherit;padding:.15rem .4rem}
      """;

  static String esc(String text) {
    if (text == null) {
      return "";
    }
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

  /** {@code <a href>} to {@code url} when it is http(s), else its text only. */
  static String link(URI url, String text) {
    if (url == null) {
      return esc(text);
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return esc(text);
    }
    return "<a href=\"" + esc(url.toString()) + "\" rel=\"noreferrer\">" + esc(text) + "</a>";
  }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  static String time(Instant instant) {
    return instant == null
        ? ""
        : "<time datetime=\""
            + instant
            + "\" style=\"white-space:nowrap\">"
            + TIME.format(instant)
            + "</time>";
  }

  /** {@code 4 s}, {@code 3 min 12 s}, {@code 2 h 5 min}. */
  static String duration(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
    }
    return seconds / 3600
        + " h"
        + (seconds % 3600 / 60 == 0 ? "" : " " + seconds % 3600 / 60 + " min");
  }

  /** The first line of {@code text}, at most {@code max} characters. */
  static String firstLine(String text, int max) {
    if (text == null) {
      return "";
    }
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() <= max ? line : line.substring(0, max) + "…";
  }
}
