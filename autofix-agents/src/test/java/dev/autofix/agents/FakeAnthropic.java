package dev.autofix.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A scripted fake of the Anthropic Messages API on 127.0.0.1, enough for the real Claude Code CLI:
 * streaming {@code POST /v1/messages} answered from a list of turns (chosen by the number of
 * assistant messages in the request, so retries get the same answer), or always an error. Ported
 * from {@code harness/claude/fake_anthropic.py}.
 */
final class FakeAnthropic implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One reply: a text, or a tool call. */
  record Turn(String text, String tool, Map<String, Object> input) {
    static Turn text(String text) {
      return new Turn(text, null, null);
    }

    static Turn tool(String name, Map<String, Object> input) {
      return new Turn(null, name, input);
    }
  }

  private final List<Turn> turns;
  private final int errorStatus;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();

  private FakeAnthropic(List<Turn> turns, int errorStatus) throws IOException {
    this.turns = List.copyOf(turns);
    this.errorStatus = errorStatus;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A fake answering {@code turns} in order. */
  static FakeAnthropic scripted(List<Turn> turns) throws IOException {
    return new FakeAnthropic(turns, 0);
  }

  /** A fake answering every agent call with {@code status} and {@code x-should-retry: false}. */
  static FakeAnthropic failing(int status) throws IOException {
    return new FakeAnthropic(List.of(), status);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The bodies of the {@code /v1/messages} requests so far, in order. */
  List<String> bodies() {
    return List.copyOf(bodies);
  }

  /** The paths of the requests so far. */
  List<String> paths() {
    return List.copyOf(paths);
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
      paths.add(exchange.getRequestMethod() + " " + path);
      if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/v1/messages")) {
        exchange.sendResponseHeaders("HEAD".equals(exchange.getRequestMethod()) ? 200 : 404, -1);
        return;
      }
      bodies.add(new String(raw, StandardCharsets.UTF_8));
      JsonNode body = JSON.readTree(raw);
      boolean agentCall = body.path("tools").size() > 0;
      if (agentCall && errorStatus != 0) {
        error(exchange);
        return;
      }
      Turn turn = Turn.text("ok");
      if (agentCall && !turns.isEmpty()) {
        int assistant = 0;
        for (JsonNode message : body.path("messages")) {
          if ("assistant".equals(message.path("role").asText())) {
            assistant++;
          }
        }
        turn = turns.get(Math.min(assistant, turns.size() - 1));
      }
      stream(exchange, body.path("model").asText("claude-opus-5-5"), turn);
    }
  }

  private void error(HttpExchange exchange) throws IOException {
    String type = errorStatus == 401 ? "authentication_error" : "api_error";
    byte[] bytes =
        JSON.writeValueAsBytes(
            Map.of("type", "error", "error", Map.of("type", type, "message", "invalid x-api-key")));
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("x-should-retry", "false");
    exchange.sendResponseHeaders(errorStatus, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private void stream(HttpExchange exchange, String model, Turn turn) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().add("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    ObjectNode message = JSON.createObjectNode();
    message.put("id", "msg_" + UUID.randomUUID().toString().replace("-", ""));
    message.put("type", "message");
    message.put("role", "assistant");
    message.put("model", model);
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    message.set("usage", usage(1000, 1));
    event(out, "message_start", Map.of("type", "message_start", "message", message));
    event(out, "ping", Map.of("type", "ping"));
    String stop;
    if (turn.tool() == null) {
      event(
          out,
          "content_block_start",
          Map.of(
              "type",
              "content_block_start",
              "index",
              0,
              "content_block",
              Map.of("type", "text", "text", "")));
      event(
          out,
          "content_block_delta",
          Map.of(
              "type",
              "content_block_delta",
              "index",
              0,
              "delta",
              Map.of("type", "text_delta", "text", turn.text())));
      stop = "end_turn";
    } else {
      event(
          out,
          "content_block_start",
          Map.of(
              "type",
              "content_block_start",
              "index",
              0,
              "content_block",
              Map.of(
                  "type",
                  "tool_use",
                  "id",
                  "toolu_" + UUID.randomUUID().toString().replace("-", ""),
                  "name",
                  turn.tool(),
                  "input",
                  Map.of())));
      String input = JSON.writeValueAsString(turn.input());
      int step = Math.max(1, input.length() / 3);
      for (int i = 0; i < input.length(); i += step) {
        event(
            out,
            "content_block_delta",
            Map.of(
                "type",
                "content_block_delta",
                "index",
                0,
                "delta",
                Map.of(
                    "type",
                    "input_json_delta",
                    "partial_json",
                    input.substring(i, Math.min(input.length(), i + step)))));
      }
      stop = "tool_use";
    }
    event(out, "content_block_stop", Map.of("type", "content_block_stop", "index", 0));
    event(
        out,
        "message_delta",
        Map.of(
            "type", "message_delta",
            "delta", Map.of("stop_reason", stop),
            "usage", Map.of("output_tokens", 20)));
    event(out, "message_stop", Map.of("type", "message_stop"));
  }

  private static ObjectNode usage(int in, int out) {
    ObjectNode usage = JSON.createObjectNode();
    usage.put("input_tokens", in);
    usage.put("output_tokens", out);
    usage.put("cache_creation_input_tokens", 0);
    usage.put("cache_read_input_tokens", 0);
    return usage;
  }

  private static void event(OutputStream out, String name, Object data) throws IOException {
    out.write(
        ("event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n")
            .getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
