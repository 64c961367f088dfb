package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The world an end-to-end test runs in: a real git checkout with a failing test and a bare remote,
 * a scripted agent CLI, a fake Sentry and a fake GitHub on 127.0.0.1, and the environment that
 * points the server at all of them.
 */
final class E2eWorld implements AutoCloseable {
  static final String SECRET = "e2e-client-secret";
  static final ObjectMapper JSON = new ObjectMapper();

  final Path root;
  final Path checkout;
  final Path remote;
  final Path dataDir;
  final Path agentScript;

  /** The one folder outside the worktree that the sandboxed agent can write: its markers. */
  final Path shared;

  final FakeSentry sentry;
  final FakeGitHub github;
  final HttpClient http = HttpClient.newHttpClient();

  E2eWorld(Path root) throws IOException, InterruptedException {
    this.root = root;
    this.remote = root.resolve("remote.git");
    this.checkout = root.resolve("checkout");
    this.dataDir = root.resolve("data");
    git(root, "init", "-q", "--bare", "-b", "main", remote.toString());
    Files.createDirectories(checkout);
    git(checkout, "init", "-q", "-b", "main");
    Files.writeString(checkout.resolve("answer.txt"), "5\n");
    Files.writeString(
        checkout.resolve("test.sh"),
        "#!/bin/sh\n# the failing test: 2 + 2 must be 4\n"
            + "test \"$(cat answer.txt)\" = 4 || { echo \"expected 4, got $(cat answer.txt)\"; exit 1; }\n"
            + "echo ok\n");
    git(checkout, "add", "-A");
    git(
        checkout,
        "-c",
        "user.name=Dev",
        "-c",
        "user.email=dev@example.com",
        "commit",
        "-q",
        "-m",
        "init");
    git(checkout, "remote", "add", "origin", remote.toString());
    git(checkout, "push", "-q", "origin", "main");
    this.shared = Files.createDirectories(root.resolve("shared"));
    this.agentScript = shared.resolve("agent.sh");
    writeAgent("");
    this.sentry = new FakeSentry();
    this.github = new FakeGitHub();
  }

  /** The scripted agent: {@code before} runs first (a sleep, say), then it fixes the answer. */
  void writeAgent(String before) throws IOException {
    Files.writeString(
        agentScript,
        "#!/bin/sh\n"
            + before
            + "\ncat > /dev/null\n" // the prompt arrives on stdin
            + "printf '4\\n' > answer.txt\n"
            + "printf 'Root cause: 2 + 2 was written as 5.\\nFix: wrote 4.\\nVerified: sh test.sh\\n'"
            + " > \"$AUTOFIX_SUMMARY_FILE\"\n"
            + "echo started >> \""
            + shared.resolve("agent-starts.log")
            + "\"\n");
    Files.setPosixFilePermissions(agentScript, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  Map<String, String> environment(int port) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", root.toString());
    env.put("AUTOFIX_BIND", "127.0.0.1");
    env.put("AUTOFIX_PORT", Integer.toString(port));
    env.put("AUTOFIX_DATA_DIR", dataDir.toString());
    env.put("AUTOFIX_SENTRY_CLIENT_SECRET", SECRET);
    env.put("AUTOFIX_SENTRY_API_URL", "http://127.0.0.1:" + sentry.port());
    env.put("AUTOFIX_SENTRY_TOKEN", "sntrys_e2e");
    env.put("AUTOFIX_SENTRY_ORG", "test-org");
    env.put("AUTOFIX_SENTRY_POLL_INTERVAL", "PT1H");
    env.put("AUTOFIX_GITHUB_API_URL", "http://127.0.0.1:" + github.port());
    env.put("AUTOFIX_GITHUB_TOKEN", "ghp_e2etoken");
    env.put("AUTOFIX_GITHUB_REPO", "acme/shop");
    // The bare remote on disk stands in for GitHub's git host; the fake serves the API only.
    env.put("AUTOFIX_GIT_PUSH_URL", remote.toString());
    env.put("AUTOFIX_REPO_PATH", checkout.toString());
    env.put("AUTOFIX_BASE_BRANCH", "main");
    env.put("AUTOFIX_AGENT", "command");
    env.put("AUTOFIX_AGENT_COMMAND", agentScript.toString());
    env.put("AUTOFIX_AGENT_WRITABLE", shared.toString());
    env.put("AUTOFIX_AGENT_TIMEOUT", "60s");
    env.put("AUTOFIX_TEST_COMMAND", "sh test.sh");
    env.put("AUTOFIX_ADMIN_TOKEN", "admin-e2e");
    env.put("AUTOFIX_POLL_INTERVAL", "200ms");
    return env;
  }

  /** A signed {@code issue.created} delivery for issue {@code id} with short id {@code shortId}. */
  static Delivery issueCreated(String id, String shortId) {
    String body =
        resource("issue-created.body.json")
            .replace("\"id\":\"1170820242\"", "\"id\":\"" + id + "\"")
            .replace("\"shortId\":\"FRONT-END-9\"", "\"shortId\":\"" + shortId + "\"");
    return new Delivery("issue", body);
  }

  /** A signed {@code event_alert.triggered} delivery for issue {@code id}. */
  static Delivery eventAlert(String id) {
    String body =
        resource("event-alert-triggered.body.json")
            .replace("\"issue_id\":\"1117540176\"", "\"issue_id\":\"" + id + "\"");
    return new Delivery("event_alert", body);
  }

  record Delivery(String resource, String body) {}

  HttpResponse<String> post(int port, Delivery delivery) throws IOException, InterruptedException {
    byte[] bytes = delivery.body().getBytes(StandardCharsets.UTF_8);
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/sentry"))
            .header("Content-Type", "application/json")
            .header("Sentry-Hook-Resource", delivery.resource())
            .header("Sentry-Hook-Signature", sign(bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode get(int port, String path) throws IOException, InterruptedException {
    return JSON.readTree(getText(port, path));
  }

  /** The body of a {@code GET} that must answer 200. */
  String getText(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return response.body();
  }

  static String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return java.util.HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String resource(String name) {
    try (InputStream in = E2eWorld.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How often the scripted agent started. */
  int agentStarts() throws IOException {
    Path log = shared.resolve("agent-starts.log");
    return Files.exists(log) ? (int) Files.readAllLines(log).stream().count() : 0;
  }

  List<String> remoteBranches() throws IOException, InterruptedException {
    String out = git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads/");
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  String remoteFile(String branch, String path) throws IOException, InterruptedException {
    return git(remote, "show", branch + ":" + path);
  }

  /**
   * The run once it has ended (pr_opened, branch_pushed, no_fix or failed), within {@code within}.
   */
  JsonNode awaitEnded(int port, long runId, java.time.Duration within) {
    return org.awaitility.Awaitility.await()
        .atMost(within)
        .pollInterval(java.time.Duration.ofMillis(100))
        .until(
            () -> get(port, "/api/runs/" + runId),
            r ->
                List.of("pr_opened", "branch_pushed", "no_fix", "failed")
                    .contains(r.get("status").asText()));
  }

  /** The run id of a delivery answered 202. */
  static long runId(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return JSON.readTree(response.body()).get("runId").asLong();
  }

  static String git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("git %s: %s", String.join(" ", args), out).isZero();
    return out;
  }

  @Override
  public void close() {
    sentry.close();
    github.close();
  }

  /** Sentry's API as far as autofix uses it: the recommended event and issue comments. */
  static final class FakeSentry implements AutoCloseable {
    final List<String> comments = new CopyOnWriteArrayList<>();

    /** What the issue list (the poller's query) answers. */
    volatile String issues = "[]";

    /** The issues that exist, by numeric id: their short id ({@code SHOP-71}). */
    final Map<String, String> existing = new java.util.concurrent.ConcurrentHashMap<>();

    /** Every request's method and path, in order. */
    final List<String> requests = new CopyOnWriteArrayList<>();

    private final HttpServer server;

    FakeSentry() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/api/0/",
          exchange -> {
            try (exchange) {
              String path = exchange.getRequestURI().getPath();
              requests.add(exchange.getRequestMethod() + " " + path);
              if ("Bearer sntrys_revoked"
                  .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, "{\"detail\":\"Invalid token\"}");
                return;
              }
              java.util.regex.Matcher issue =
                  java.util.regex.Pattern.compile(
                          "/api/0/organizations/test-org/(issues|shortids)/([^/]+)/")
                      .matcher(path);
              if ("GET".equals(exchange.getRequestMethod()) && issue.matches()) {
                String id =
                    issue.group(1).equals("issues")
                        ? issue.group(2)
                        : existing.entrySet().stream()
                            .filter(e -> e.getValue().equals(issue.group(2)))
                            .map(Map.Entry::getKey)
                            .findFirst()
                            .orElse(null);
                if (id == null || !existing.containsKey(id)) {
                  send(exchange, 404, "{\"detail\":\"The requested resource does not exist\"}");
                } else {
                  String details =
                      resource("api-issue-details.json")
                          .replaceFirst("\"id\": \"1\",", "\"id\": \"" + id + "\",")
                          .replace("PUMP-STATION-1", existing.get(id));
                  send(
                      exchange,
                      200,
                      issue.group(1).equals("issues")
                          ? details
                          : "{\"organizationSlug\":\"test-org\",\"groupId\":\""
                              + id
                              + "\",\"shortId\":\""
                              + existing.get(id)
                              + "\",\"group\":"
                              + details
                              + "}");
                }
              } else if ("GET".equals(exchange.getRequestMethod()) && path.contains("/events/")) {
                send(exchange, 200, resource("api-issue-event-latest.json"));
              } else if ("POST".equals(exchange.getRequestMethod())
                  && path.endsWith("/comments/")) {
                comments.add(
                    path
                        + " "
                        + new String(
                            exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                send(exchange, 201, "{\"id\":\"" + comments.size() + "\"}");
              } else if ("GET".equals(exchange.getRequestMethod()) && path.endsWith("/issues/")) {
                send(exchange, 200, issues);
              } else {
                send(exchange, 404, "{\"detail\":\"not found\"}");
              }
            }
          });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** GitHub's pulls API, keeping one pull request per head branch like GitHub does. */
  static final class FakeGitHub implements AutoCloseable {
    final Map<String, ObjectNode> pulls = new LinkedHashMap<>();
    final List<String> creates = new CopyOnWriteArrayList<>();

    /** The API requests answered with an outage's status. */
    final java.util.concurrent.atomic.AtomicInteger outageAnswers =
        new java.util.concurrent.atomic.AtomicInteger();

    private final HttpServer server;
    private volatile long outageUntilNanos;
    private volatile int outageStatus;
    private volatile String outageRetryAfter;

    FakeGitHub() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/repos/acme/shop", this::handle);
      server.start();
    }

    /**
     * Answers every API request with {@code status} (and a {@code Retry-After} of {@code
     * retryAfter}, when not {@code null}) for {@code length} of real time from now.
     */
    void outage(java.time.Duration length, int status, String retryAfter) {
      outageStatus = status;
      outageRetryAfter = retryAfter;
      outageUntilNanos = System.nanoTime() + length.toNanos();
    }

    /** Ends an outage now. */
    void endOutage() {
      outageUntilNanos = System.nanoTime();
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (System.nanoTime() - outageUntilNanos < 0) {
          outageAnswers.incrementAndGet();
          if (outageRetryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", outageRetryAfter);
          }
          send(
              exchange,
              outageStatus,
              outageStatus == 429
                  ? "{\"message\":\"You have exceeded a secondary rate limit.\"}"
                  : "{\"message\":\"Server Error\"}");
          return;
        }
        if (path.equals("/repos/acme/shop") && method.equals("GET")) {
          // what doctor asks: the repository, the token's permissions, a classic token's scopes
          if (!"Bearer ghp_e2etoken"
              .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            send(exchange, 401, "{\"message\":\"Bad credentials\"}");
            return;
          }
          exchange.getResponseHeaders().set("X-OAuth-Scopes", "repo, workflow");
          send(
              exchange,
              200,
              "{\"full_name\":\"acme/shop\",\"private\":true,"
                  + "\"permissions\":{\"admin\":false,\"push\":true,\"pull\":true}}");
        } else if (path.equals("/repos/acme/shop/pulls") && method.equals("GET")) {
          String head = query(exchange).getOrDefault("head", "");
          String branch = head.substring(head.indexOf(':') + 1);
          ArrayNode list = JSON.createArrayNode();
          if (pulls.containsKey(branch)) {
            list.add(pulls.get(branch));
          }
          send(exchange, 200, list.toString());
        } else if (path.equals("/repos/acme/shop/pulls") && method.equals("POST")) {
          JsonNode request = JSON.readTree(exchange.getRequestBody());
          String branch = request.path("head").asText();
          creates.add(request.toString());
          if (pulls.containsKey(branch)) {
            send(
                exchange,
                422,
                "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"PullRequest\","
                    + "\"code\":\"custom\",\"message\":\"A pull request already exists for acme:"
                    + branch
                    + ".\"}]}");
            return;
          }
          int number = pulls.size() + 1;
          ObjectNode pull = JSON.createObjectNode();
          pull.put("number", number);
          pull.put("html_url", "https://github.com/acme/shop/pull/" + number);
          pull.put("url", "https://api.github.com/repos/acme/shop/pulls/" + number);
          pull.put("state", "open");
          pull.put("draft", request.path("draft").asBoolean());
          pull.put("title", request.path("title").asText());
          pull.put("body", request.path("body").asText());
          pull.putNull("merged_at");
          pull.putObject("head").put("ref", branch).put("label", "acme:" + branch);
          pull.putObject("base").put("ref", request.path("base").asText());
          pulls.put(branch, pull);
          send(exchange, 201, pull.toString());
        } else if (path.matches("/repos/acme/shop/issues/\\d+/labels") && method.equals("POST")) {
          send(exchange, 200, "[]");
        } else {
          send(exchange, 404, "{\"message\":\"Not Found\"}");
        }
      }
    }

    synchronized List<ObjectNode> all() {
      return List.copyOf(pulls.values());
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> params = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        params.put(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return params;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
