package dev.autofix.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium driven over its DevTools protocol, for tests that must look at a page as
 * a browser lays it out: navigate, evaluate an expression in the page, take a screenshot. The
 * browser is Debian's {@code chromium}, on 127.0.0.1 only; {@link #close()} kills it and its
 * children by pid.
 */
final class DevTools implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

  private DevTools(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** Starts Chromium with a profile in {@code profile} and a 1280 x 900 viewport. */
  static DevTools start(Path chromium, Path profile) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long until = System.nanoTime() + TIMEOUT.toNanos();
      while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
        if (System.nanoTime() > until || !process.isAlive()) {
          throw new IOException("chromium did not open its DevTools port");
        }
        Thread.sleep(50);
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
      HttpClient http = HttpClient.newHttpClient();
      JsonNode targets =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      String page = null;
      for (JsonNode target : targets) {
        if ("page".equals(target.path("type").asText())) {
          page = target.path("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (page == null) {
        throw new IOException("chromium has no page: " + targets);
      }
      DevTools[] self = new DevTools[1];
      WebSocket socket =
          http.newWebSocketBuilder()
              .buildAsync(
                  URI.create(page),
                  new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(
                        WebSocket webSocket, CharSequence data, boolean last) {
                      text.append(data);
                      if (last) {
                        String message = text.toString();
                        text.setLength(0);
                        self[0].received(message);
                      }
                      webSocket.request(1);
                      return null;
                    }
                  })
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      DevTools tools = new DevTools(process, socket);
      self[0] = tools;
      tools.call("Page.enable", JSON.createObjectNode());
      ObjectNode metrics = JSON.createObjectNode();
      metrics
          .put("width", 1280)
          .put("height", 900)
          .put("deviceScaleFactor", 1)
          .put("mobile", false);
      tools.call("Emulation.setDeviceMetricsOverride", metrics);
      return tools;
    } catch (IOException | InterruptedException | RuntimeException e) {
      kill(process);
      throw e;
    } catch (Exception e) {
      kill(process);
      throw new IOException("cannot drive chromium: " + e, e);
    }
  }

  private void received(String message) {
    try {
      JsonNode node = JSON.readTree(message);
      if (node.has("id")) {
        CompletableFuture<JsonNode> waiting = pending.remove(node.get("id").asInt());
        if (waiting != null) {
          waiting.complete(node);
        }
      } else {
        events.add(node);
      }
    } catch (IOException e) {
      // not JSON: ignored
    }
  }

  /** One protocol call; its {@code result}, or an exception with the protocol's error. */
  JsonNode call(String method, ObjectNode params) throws IOException {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode request = JSON.createObjectNode().put("id", id).put("method", method);
    request.set("params", params);
    socket.sendText(request.toString(), true).join();
    try {
      JsonNode reply = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (reply.has("error")) {
        throw new IOException(method + " failed: " + reply.get("error"));
      }
      return reply.path("result");
    } catch (Exception e) {
      throw e instanceof IOException io ? io : new IOException(method + ": " + e, e);
    }
  }

  /** Loads {@code url} and waits for its load event. */
  void navigate(String url) throws IOException, InterruptedException {
    events.clear();
    call("Page.navigate", JSON.createObjectNode().put("url", url));
    long until = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < until) {
      JsonNode event = events.poll(100, TimeUnit.MILLISECONDS);
      if (event != null && "Page.loadEventFired".equals(event.path("method").asText())) {
        return;
      }
    }
    throw new IOException("the page did not load: " + url);
  }

  /** The value of {@code expression} evaluated in the page. */
  JsonNode evaluate(String expression) throws IOException {
    JsonNode result =
        call(
            "Runtime.evaluate",
            JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new IOException(expression + " threw: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** The elements' {@code textContent} matching {@code selector}, in document order. */
  List<String> texts(String selector) throws IOException {
    JsonNode values =
        evaluate(
            "Array.from(document.querySelectorAll("
                + JSON.writeValueAsString(selector)
                + ")).map(e => e.textContent)");
    return java.util.stream.StreamSupport.stream(values.spliterator(), false)
        .map(JsonNode::asText)
        .toList();
  }

  /** A PNG of the whole page (as laid out at 1280 px) in {@code file}. */
  void screenshot(Path file) throws IOException {
    JsonNode shot =
        call(
            "Page.captureScreenshot",
            JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
  }

  @Override
  public void close() {
    socket.abort();
    kill(process);
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
