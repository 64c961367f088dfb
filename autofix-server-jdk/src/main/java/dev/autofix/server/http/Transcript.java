package dev.autofix.server.http;

import static dev.autofix.server.http.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run's log as a person reads it: the harness's own lines as notes, and the agent's output
 * rendered from its events, Claude Code's {@code stream-json} and Codex's {@code --json}: the
 * assistant's messages, each tool call with its command or file (an edit as a small diff) and its
 * result folded away, errors marked. Anything else (a command agent's output, a line too long to be
 * JSON) is shown as text. Every value is escaped: the agent and the error's author wrote them.
 */
final class Transcript {
  /**
   * {@code <label> | <stdout line>} and {@code <label> ! <stderr line>}, as the runner logs them.
   */
  private static final Pattern PROCESS_LINE = Pattern.compile("([A-Za-z0-9_.-]{1,40}) ([|!]) (.*)");

  private static final int MAX_DIFF_LINES = 40;
  private static final int MAX_RESULT_CHARS = 20_000;

  private final StringBuilder html = new StringBuilder(16_384);

  /** Consecutive output lines of one process (or the diff), shown as one block. */
  private String groupLabel;

  private Instant groupAt;
  private final java.util.List<String> group = new java.util.ArrayList<>();

  private Transcript() {}

  /** The HTML of {@code log}, one {@code div.entry} per line or event. */
  static String render(String log) {
    Transcript transcript = new Transcript();
    log.lines().forEach(transcript::line);
    transcript.flush();
    return transcript.html.toString();
  }

  /** The model the agent said it used (Claude Code's init event), if the log has one. */
  static java.util.Optional<String> model(String log) {
    String found = null;
    for (String line : log.split("\n")) {
      int brace = line.indexOf("{\"type\":\"system\"");
      if (brace < 0 || !line.contains("\"init\"")) {
        continue;
      }
      try {
        JsonNode node = Exchanges.JSON.readTree(line.substring(brace));
        if ("init".equals(node.path("subtype").asText()) && node.hasNonNull("model")) {
          found = node.get("model").asText();
        }
      } catch (IOException e) {
        // a cut line: no model in it
      }
    }
    return java.util.Optional.ofNullable(found);
  }

  private void line(String line) {
    if (line.isBlank()) {
      return;
    }
    Instant at = null;
    String rest = line;
    int space = line.indexOf(' ');
    if (space > 0) {
      try {
        at = Instant.parse(line.substring(0, space));
        rest = line.substring(space + 1);
      } catch (DateTimeParseException e) {
        // a line without the log's timestamp
      }
    }
    Matcher process = PROCESS_LINE.matcher(rest);
    if (process.matches()) {
      String label = process.group(1);
      String content = process.group(3);
      // an event is rendered as such (a pending block is written first, by entry())
      if (!label.equals("diff")
          && process.group(2).equals("|")
          && content.startsWith("{")
          && event(at, content)) {
        return;
      }
      flushIfOther(label);
      if (groupLabel == null) {
        groupLabel = label;
        groupAt = at;
      }
      group.add((process.group(2).equals("!") ? "! " : "") + content);
      return;
    }
    if (rest.startsWith(dev.autofix.core.usecase.FixNextRun.STEP)) {
      return; // the timeline shows the steps
    }
    if (rest.startsWith("verification: failed")) {
      entry(at, "error", esc(rest));
      return;
    }
    note(at, rest);
  }

  private void flushIfOther(String label) {
    if (groupLabel != null && !groupLabel.equals(label)) {
      flush();
    }
  }

  /** Writes the pending block: the diff, coloured and open; any other output, folded away. */
  private void flush() {
    if (groupLabel == null) {
      return;
    }
    String label = groupLabel;
    Instant at = groupAt;
    java.util.List<String> lines = java.util.List.copyOf(group);
    groupLabel = null;
    groupAt = null;
    group.clear();
    if (label.equals("diff")) {
      StringBuilder diff = new StringBuilder();
      for (String line : lines) {
        String css =
            line.startsWith("+") && !line.startsWith("+++")
                ? "add"
                : line.startsWith("-") && !line.startsWith("---")
                    ? "del"
                    : line.startsWith("@@") ? "muted" : null;
        diff.append(css == null ? "" : "<span class=\"" + css + "\">")
            .append(esc(line))
            .append(css == null ? "\n" : "</span>");
      }
      entry(
          at,
          "tool",
          "<details open class=\"change\"><summary>the change ("
              + lines.size()
              + " lines)</summary><pre class=\"diff\">"
              + diff
              + "</pre></details>");
    } else {
      entry(
          at,
          "note",
          "<details class=\"output"
              + (label.equals("pr-body") ? " pr-body" : "")
              + "\"><summary>"
              + (label.equals("pr-body")
                  ? "the pull request's body, as sent"
                  : esc(label) + " output")
              + " ("
              + lines.size()
              + (lines.size() == 1 ? " line" : " lines")
              + ")</summary><pre>"
              + esc(abbreviate(String.join("\n", lines), MAX_RESULT_CHARS))
              + "</pre></details>");
    }
  }

  /** Renders one JSON event; false when it is not one this knows. */
  private boolean event(Instant at, String json) {
    JsonNode node;
    try {
      node = Exchanges.JSON.readTree(json);
    } catch (IOException e) {
      return false;
    }
    if (node == null || !node.isObject()) {
      return false;
    }
    String type = node.path("type").asText("");
    switch (type) {
      case "system" -> {
        if ("init".equals(node.path("subtype").asText())) {
          note(
              at,
              "session started: model "
                  + node.path("model").asText("?")
                  + ", Claude Code "
                  + node.path("claude_code_version").asText("?")
                  + ", tools "
                  + node.path("tools").size());
        } else {
          note(at, "system: " + node.path("subtype").asText(json));
        }
      }
      case "assistant" -> {
        for (JsonNode part : content(node.path("message"))) {
          switch (part.path("type").asText("")) {
            case "text" -> say(at, part.path("text").asText(""));
            case "tool_use" -> claudeTool(at, part.path("name").asText("tool"), part.path("input"));
            case "thinking" -> folded(at, "note", "thinking", part.path("thinking").asText(""));
            default -> {}
          }
        }
        if (node.path("message").isTextual()) {
          say(at, node.path("message").asText());
        }
      }
      case "user" -> {
        for (JsonNode part : content(node.path("message"))) {
          if ("tool_result".equals(part.path("type").asText())) {
            boolean error = part.path("is_error").asBoolean(false);
            String text = resultText(part.path("content"));
            folded(
                at,
                error ? "error" : "result",
                (error ? "error" : "result") + " (" + text.lines().count() + " lines)",
                text);
          }
        }
      }
      case "result" -> {
        boolean error = node.path("is_error").asBoolean(false);
        entry(
            at,
            error ? "error" : "note",
            esc(
                "finished: "
                    + node.path("subtype").asText("?")
                    + ", "
                    + node.path("num_turns").asInt()
                    + " turns"
                    + (node.hasNonNull("total_cost_usd")
                        ? ", cost $" + node.get("total_cost_usd").asText()
                        : "")
                    + (node.hasNonNull("usage")
                        ? ", tokens in "
                            + node.path("usage").path("input_tokens").asLong()
                            + " / out "
                            + node.path("usage").path("output_tokens").asLong()
                        : "")));
      }
      case "thread.started" -> note(at, "session started: " + node.path("thread_id").asText(""));
      case "turn.started", "item.started", "item.updated" -> {}
      case "turn.completed" ->
          note(
              at,
              "turn completed: tokens in "
                  + node.path("usage").path("input_tokens").asLong()
                  + " / out "
                  + node.path("usage").path("output_tokens").asLong());
      case "turn.failed" ->
          entry(at, "error", esc("turn failed: " + node.path("error").path("message").asText("")));
      case "error" -> entry(at, "error", esc(node.path("message").asText(json)));
      case "item.completed" -> codexItem(at, node.path("item"));
      default -> {
        return false;
      }
    }
    return true;
  }

  private static Iterable<JsonNode> content(JsonNode message) {
    JsonNode content = message.path("content");
    return content.isArray() ? content : java.util.List.of();
  }

  private static String resultText(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : content) {
      if (part.hasNonNull("text")) {
        text.append(part.get("text").asText()).append('\n');
      }
    }
    return text.toString();
  }

  private void claudeTool(Instant at, String name, JsonNode input) {
    StringBuilder body = new StringBuilder();
    body.append("<span class=\"step\">").append(esc(name)).append("</span> ");
    switch (name) {
      case "Bash" ->
          body.append("<code class=\"command\">")
              .append(esc(input.path("command").asText("")))
              .append("</code>");
      case "Read", "Write", "Edit", "MultiEdit", "NotebookEdit" ->
          body.append("<code class=\"file\">")
              .append(esc(input.path("file_path").asText("")))
              .append("</code>");
      case "Grep", "Glob" ->
          body.append("<code class=\"command\">")
              .append(esc(input.path("pattern").asText("")))
              .append("</code>")
              .append(
                  input.hasNonNull("path")
                      ? " in <code>" + esc(input.get("path").asText()) + "</code>"
                      : "");
      default ->
          body.append("<code>").append(esc(abbreviate(input.toString(), 300))).append("</code>");
    }
    if (name.equals("Edit")) {
      body.append(diff(input.path("old_string").asText(""), input.path("new_string").asText("")));
    } else if (name.equals("Write")) {
      body.append("<details><summary>")
          .append(input.path("content").asText("").lines().count())
          .append(" lines written</summary><pre>")
          .append(esc(abbreviate(input.path("content").asText(""), MAX_RESULT_CHARS)))
          .append("</pre></details>");
    }
    entry(at, "tool", body.toString());
  }

  private void codexItem(Instant at, JsonNode item) {
    switch (item.path("type").asText("")) {
      case "agent_message" -> say(at, item.path("text").asText(""));
      case "reasoning" -> folded(at, "note", "reasoning", item.path("text").asText(""));
      case "command_execution" -> {
        int exit = item.path("exit_code").asInt(0);
        String output = item.path("aggregated_output").asText("");
        entry(
            at,
            exit == 0 ? "tool" : "error",
            "<span class=\"step\">command</span> <code class=\"command\">"
                + esc(item.path("command").asText(""))
                + "</code> <span class=\"took\">exit "
                + exit
                + "</span><details><summary>output ("
                + output.lines().count()
                + " lines)</summary><pre>"
                + esc(abbreviate(output, MAX_RESULT_CHARS))
                + "</pre></details>");
      }
      case "file_change" -> {
        StringBuilder files = new StringBuilder("<span class=\"step\">edit</span>");
        for (JsonNode change : item.path("changes")) {
          files
              .append(" <code class=\"file\">")
              .append(esc(change.path("path").asText("")))
              .append("</code> <span class=\"took\">")
              .append(esc(change.path("kind").asText("")))
              .append("</span>");
        }
        entry(at, "tool", files.toString());
      }
      case "error" -> entry(at, "error", esc(item.path("message").asText("")));
      default -> {
        entry(
            at,
            "tool",
            "<span class=\"step\">"
                + esc(item.path("type").asText("item"))
                + "</span> <code>"
                + esc(abbreviate(item.toString(), 300))
                + "</code>");
      }
    }
  }

  private static String diff(String before, String after) {
    StringBuilder diff = new StringBuilder("<pre class=\"diff\">");
    lines(diff, before, "del", "- ");
    lines(diff, after, "add", "+ ");
    return diff.append("</pre>").toString();
  }

  private static void lines(StringBuilder diff, String text, String css, String mark) {
    int shown = 0;
    for (String line : text.split("\n", -1)) {
      if (shown++ == MAX_DIFF_LINES) {
        diff.append("<span class=\"muted\">… more lines</span>\n");
        return;
      }
      diff.append("<span class=\"")
          .append(css)
          .append("\">")
          .append(mark)
          .append(esc(line))
          .append("</span>");
    }
  }

  private void say(Instant at, String text) {
    entry(at, "say", "<div style=\"white-space:pre-wrap\">" + esc(text) + "</div>");
  }

  private void folded(Instant at, String css, String summary, String text) {
    entry(
        at,
        css,
        "<details><summary>"
            + esc(summary)
            + "</summary><pre>"
            + esc(abbreviate(text, MAX_RESULT_CHARS))
            + "</pre></details>");
  }

  private void note(Instant at, String text) {
    entry(at, "note", esc(text));
  }

  private void entry(Instant at, String css, String inner) {
    flush();
    html.append("<div class=\"entry ").append(css).append("\">");
    if (at != null) {
      html.append("<span class=\"when\">")
          .append(
              esc(
                  java.time.format.DateTimeFormatter.ISO_LOCAL_TIME
                      .withZone(java.time.ZoneOffset.UTC)
                      .format(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))))
          .append("</span>");
    }
    html.append(inner).append("</div>\n");
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max
        ? text
        : text.substring(0, max) + "… (" + (text.length() - max) + " more characters)";
  }
}
