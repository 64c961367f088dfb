package dev.autofix.agents.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the JSONL events of {@code codex exec --json}: {@code thread.started} (the session id),
 * {@code turn.completed} (usage), {@code turn.failed} and {@code error}, and the last {@code
 * agent_message}. Not thread-safe; one per run.
 */
public final class CodexEvents {
  private String threadId;
  private int turnsCompleted;
  private long inputTokens;
  private long outputTokens;
  private String failure;
  private String lastError;
  private String sandboxFailure;
  private String lastMessage;
  private int fileChanges;
  private int failedFileChanges;

  /** Takes one stdout line; lines that are not JSON objects are ignored. */
  public void accept(String line) {
    JsonNode node = ClaudeStream.parse(line);
    if (node == null) {
      return;
    }
    switch (node.path("type").asText("")) {
      case "thread.started" -> threadId = node.path("thread_id").asText(null);
      case "turn.completed" -> {
        turnsCompleted++;
        inputTokens += node.path("usage").path("input_tokens").asLong(0);
        outputTokens += node.path("usage").path("output_tokens").asLong(0);
      }
      case "turn.failed" -> failure = node.path("error").path("message").asText("turn failed");
      case "error" -> lastError = node.path("message").asText(null);
      case "item.completed" -> item(node.path("item"));
      default -> {
        // turn.started, item.started, item.updated: progress only, already in the run log.
      }
    }
  }

  private void item(JsonNode item) {
    switch (item.path("type").asText("")) {
      case "agent_message" -> lastMessage = item.path("text").asText(null);
      case "file_change" -> {
        if ("completed".equals(item.path("status").asText())) {
          fileChanges++;
        } else {
          failedFileChanges++;
        }
      }
      case "command_execution" -> {
        String output = item.path("aggregated_output").asText("");
        if (sandboxFailure == null && output.startsWith("bwrap: ")) {
          // Codex's own sandbox could not start: it still exits 0 with a completed turn.
          sandboxFailure = output.lines().findFirst().orElse(output);
        }
      }
      default -> {
        // reasoning and the rest are in the run log.
      }
    }
  }

  /**
   * The first line of a command's output that says Codex's own bubblewrap failed ({@code bwrap:
   * execvp codex-linux-sandbox ...}, {@code bwrap: setting up uid map ...}), or {@code null}.
   */
  public String sandboxFailure() {
    return sandboxFailure;
  }

  /** The thread id, or {@code null}. */
  public String threadId() {
    return threadId;
  }

  /** How many turns completed. */
  public int turnsCompleted() {
    return turnsCompleted;
  }

  public long inputTokens() {
    return inputTokens;
  }

  public long outputTokens() {
    return outputTokens;
  }

  /** The {@code turn.failed} message, or {@code null} when no turn failed. */
  public String failure() {
    return failure;
  }

  /** The last {@code error} event's message (retries, warnings), or {@code null}. */
  public String lastError() {
    return lastError;
  }

  /** The last agent message, or {@code null}. */
  public String lastMessage() {
    return lastMessage;
  }

  /** Completed {@code file_change} items: a hint only, the diff decides. */
  public int fileChanges() {
    return fileChanges;
  }

  /** {@code file_change} items that did not complete (a rejected patch, a broken sandbox). */
  public int failedFileChanges() {
    return failedFileChanges;
  }
}
