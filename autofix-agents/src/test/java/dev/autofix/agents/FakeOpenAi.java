package dev.autofix.agents;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted fake of the OpenAI Responses API on 127.0.0.1, enough for the real {@code codex exec}:
 * each {@code POST .../responses} takes the next step (an {@code apply_patch} call, a final
 * message, or an HTTP error) and answers it as server-sent events ending in {@code
 * response.completed}. Ported from {@code harness/codex/fake_openai.py}, for models that offer the
 * custom {@code apply_patch} tool (gpt-5.5).
 */
final class FakeOpenAi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One scripted answer. */
  sealed interface Step permits Patch, Exec, Message, HttpError {}

  /** An {@code apply_patch} call with {@code patch}. */
  record Patch(String patch) implements Step {}

  /** An {@code exec_command} call running {@code cmd} in the model's shell. */
  record Exec(String cmd) implements Step {}

  /** A final assistant message. */
  record Message(String text) implements Step {}

  /** A plain HTTP error. */
  record HttpError(int status, String message) implements Step {}

  private final List<Step> steps;
  private final AtomicInteger next = new AtomicInteger();
  private final List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  FakeOpenAi(List<Step> steps) throws IOException {
    this.steps = List.copyOf(steps);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The provider's {@code base_url}; Codex appends {@code /responses}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** The bodies of the requests to {@code /responses} so far, in order. */
  List<String> bodies() {
    return List.copyOf(bodies);
  }

  /** How many requests reached {@code /responses}. */
  int requests() {
    return next.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/responses")) {
        json(exchange, 404, Map.of("error", Map.of("message", "not found")));
        return;
      }
      bodies.add(new String(raw, java.nio.charset.StandardCharsets.UTF_8));
      int index = next.getAndIncrement();
      Step step = steps.get(Math.min(index, steps.size() - 1));
      String id = "resp_" + index + "_" + UUID.randomUUID().toString().substring(0, 8);
      switch (step) {
        case HttpError error ->
            json(
                exchange,
                error.status(),
                Map.of(
                    "error",
                    Map.of(
                        "message", error.message(),
                        "type", "invalid_request_error",
                        "code", "invalid_api_key")));
        case Patch patch -> {
          String callId = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
          Map<String, Object> item =
              Map.of(
                  "type",
                  "custom_tool_call",
                  "id",
                  "ctc_" + callId,
                  "call_id",
                  callId,
                  "name",
                  "apply_patch",
                  "input",
                  patch.patch(),
                  "status",
                  "completed");
          sse(exchange, id, item);
        }
        case Exec exec -> {
          String callId = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
          sse(
              exchange,
              id,
              Map.of(
                  "type",
                  "function_call",
                  "id",
                  "fc_" + callId,
                  "call_id",
                  callId,
                  "name",
                  "exec_command",
                  "arguments",
                  JSON.writeValueAsString(Map.of("cmd", exec.cmd())),
                  "status",
                  "completed"));
        }
        case Message message ->
            sse(
                exchange,
                id,
                Map.of(
                    "type", "message",
                    "role", "assistant",
                    "id", "msg_" + id,
                    "status", "completed",
                    "content",
                        List.of(
                            Map.of(
                                "type",
                                "output_text",
                                "text",
                                message.text(),
                                "annotations",
                                List.of()))));
      }
    }
  }

  private static void sse(HttpExchange exchange, String id, Map<String, Object> item)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.getResponseHeaders().add("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    List<Map<String, Object>> events = new ArrayList<>();
    events.add(
        Map.of("type", "response.created", "response", Map.of("id", id, "status", "in_progress")));
    events.add(Map.of("type", "response.output_item.done", "output_index", 0, "item", item));
    events.add(
        Map.of(
            "type",
            "response.completed",
            "response",
            Map.of(
                "id",
                id,
                "status",
                "completed",
                "usage",
                Map.of(
                    "input_tokens", 100,
                    "input_tokens_details", Map.of("cached_tokens", 0),
                    "output_tokens", 20,
                    "output_tokens_details", Map.of("reasoning_tokens", 0),
                    "total_tokens", 120))));
    for (Map<String, Object> event : events) {
      out.write(
          ("event: " + event.get("type") + "\ndata: " + JSON.writeValueAsString(event) + "\n\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private static void json(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
