package dev.autofix.agents.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the NDJSON of {@code claude -p --output-format stream-json --verbose}: the session id from
 * the {@code system/init} line, and the verdict, cost and turns from the final {@code result} line.
 * Lines that are not JSON (or not an object) are ignored. Not thread-safe; one per run.
 */
public final class ClaudeStream {
  private static final ObjectMapper JSON = new ObjectMapper();

  private String sessionId;
  private int retries;
  private Result result;

  /**
   * The {@code result} line.
   *
   * @param isError {@code is_error}
   * @param subtype {@code subtype} ({@code success} even for API errors: never decide on it)
   * @param terminalReason {@code terminal_reason}, for example {@code completed}, {@code
   *     api_error}, {@code max_turns}, {@code budget_exhausted}; {@code null} when absent
   * @param text {@code result}, the final text or the error message
   * @param errors {@code errors}, present on the error subtypes
   * @param apiErrorStatus {@code api_error_status}, or {@code null}
   * @param costUsd {@code total_cost_usd}, or {@code null}
   * @param turns {@code num_turns}, or {@code null}
   * @param sessionId {@code session_id}, or {@code null}
   * @param permissionDenials how many tool uses were refused
   */
  public record Result(
      boolean isError,
      String subtype,
      String terminalReason,
      String text,
      List<String> errors,
      Integer apiErrorStatus,
      BigDecimal costUsd,
      Integer turns,
      String sessionId,
      int permissionDenials,
      Long inputTokens,
      Long outputTokens) {
    public Result {
      errors = List.copyOf(errors);
    }

    /**
     * All the input the model read: the prompt's fresh tokens plus those written to and read from
     * its cache, which the API counts apart ({@code input_tokens} alone reads very low).
     */
    static Long readInputTokens(JsonNode usage) {
      if (!usage.path("input_tokens").isNumber()) {
        return null;
      }
      return usage.path("input_tokens").asLong()
          + usage.path("cache_creation_input_tokens").asLong(0)
          + usage.path("cache_read_input_tokens").asLong(0);
    }

    /** Whether the run ended as a success: not an error, and completed. */
    public boolean succeeded() {
      return !isError && (terminalReason == null || "completed".equals(terminalReason));
    }

    /** What went wrong, in one line, for a failed run. */
    public String describeFailure() {
      StringBuilder out = new StringBuilder();
      out.append(terminalReason != null ? terminalReason : subtype != null ? subtype : "error");
      if (apiErrorStatus != null) {
        out.append(" (HTTP ").append(apiErrorStatus).append(')');
      }
      if (!errors.isEmpty()) {
        out.append(": ").append(String.join("; ", errors));
      } else if (text != null && !text.isBlank()) {
        out.append(": ").append(text.strip());
      }
      return out.toString();
    }
  }

  /** Takes one stdout line. */
  public void accept(String line) {
    JsonNode node = parse(line);
    if (node == null) {
      return;
    }
    String type = node.path("type").asText("");
    if (node.hasNonNull("session_id") && sessionId == null) {
      sessionId = node.get("session_id").asText();
    }
    if ("system".equals(type) && "api_retry".equals(node.path("subtype").asText())) {
      retries++;
    }
    if ("result".equals(type)) {
      List<String> errors = new ArrayList<>();
      node.path("errors").forEach(e -> errors.add(e.asText()));
      JsonNode status = node.get("api_error_status");
      JsonNode cost = node.get("total_cost_usd");
      JsonNode turns = node.get("num_turns");
      result =
          new Result(
              node.path("is_error").asBoolean(false),
              text(node, "subtype"),
              text(node, "terminal_reason"),
              text(node, "result"),
              errors,
              status != null && status.isNumber() ? status.asInt() : null,
              cost != null && cost.isNumber() ? cost.decimalValue() : null,
              turns != null && turns.isNumber() ? turns.asInt() : null,
              node.hasNonNull("session_id") ? node.get("session_id").asText() : sessionId,
              node.path("permission_denials").size(),
              Result.readInputTokens(node.path("usage")),
              node.path("usage").path("output_tokens").isNumber()
                  ? node.path("usage").path("output_tokens").asLong()
                  : null);
    }
  }

  /** The result line, or {@code null} when none came (the CLI crashed, was killed, bad flags). */
  public Result result() {
    return result;
  }

  /** The session id seen first, or {@code null}. */
  public String sessionId() {
    return sessionId;
  }

  /** How many {@code api_retry} events came. */
  public int retries() {
    return retries;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  static JsonNode parse(String line) {
    String trimmed = line.strip();
    if (!trimmed.startsWith("{")) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(trimmed);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
