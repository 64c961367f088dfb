package dev.autofix.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.autofix.agents.Agents;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code autofix demo}: the whole loop on this machine with no account. It makes a sample
 * repository with a real bug and a failing test (plain Java, run by this JDK) and a bare origin,
 * starts the server on a free loopback port with the embedded database in a temporary data dir and
 * a built-in stand-in for Sentry's event API, sends a signed {@code issue.created} delivery, lets
 * the agent fix it (a scripted one by default; {@code --agent claude|codex} for the real CLIs),
 * verifies with the sample's tests and publishes in branch mode to the origin. It prints each step;
 * then the status page stays up until Ctrl-C, or it exits at once with {@code --exit}.
 */
final class DemoCommand {
  private static final String RESOURCES = "demo/";
  private static final String BRANCH = "autofix/shop-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DemoCommand() {}

  static String usage() {
    return """
        autofix demo [--exit] [--agent demo|claude|codex] [--keep]
          The whole loop with no account: a sample repository with a bug, a signed Sentry
          delivery, an agent, the sample's tests, the fix pushed to a branch of a local origin.
          --exit   stop once the run ended (else the status page stays up until Ctrl-C)
          --agent  demo (a scripted agent, the default; ends in seconds), or the real claude or
                   codex CLI when it is installed and logged in
          --keep   keep the temporary folder (sample, origin, data dir) afterwards
          Exit status: 0 when the fix was pushed and passes the sample's tests, 1 when not, 2 on
          a usage error.
        """;
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    boolean exit = false;
    boolean keep = false;
    String agent = "demo";
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--exit" -> exit = true;
        case "--keep" -> keep = true;
        case "--agent" -> {
          if (i + 1 >= args.size()) {
            err.println("autofix demo: --agent needs demo, claude or codex");
            return 2;
          }
          agent = args.get(++i);
        }
        case "--help", "-h" -> {
          out.print(usage());
          return 0;
        }
        default -> {
          err.println("autofix demo: unknown argument '" + arg + "'");
          err.print(usage());
          return 2;
        }
      }
    }
    if (!List.of("demo", "claude", "codex").contains(agent)) {
      err.println("autofix demo: --agent must be demo, claude or codex, not '" + agent + "'");
      return 2;
    }
    Path root;
    try {
      root = Files.createTempDirectory("autofix-demo-");
    } catch (IOException e) {
      err.println("autofix demo: cannot create a temporary folder: " + e.getMessage());
      return 1;
    }
    try {
      return new Demo(root, agent, env, out, err).run(exit);
    } catch (IOException | RuntimeException e) {
      err.println("autofix demo failed: " + Main.oneLine(e));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      if (keep) {
        out.println("kept " + root);
      } else {
        deleteTree(root);
      }
    }
  }

  /** One demo: its folders, its fake Sentry and its server. */
  private static final class Demo {
    private final Path root;
    private final String agent;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final Path sample;
    private final Path origin;
    private final Path agentDir;
    private final String secret = randomHex(16);
    private final String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    Demo(Path root, String agent, Map<String, String> env, PrintStream out, PrintStream err) {
      this.root = root;
      this.agent = agent;
      this.env = env;
      this.out = out;
      this.err = err;
      this.sample = root.resolve("shop");
      this.origin = root.resolve("origin.git");
      this.agentDir = root.resolve("agent");
    }

    int run(boolean exit) throws IOException, InterruptedException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String javac = Path.of(System.getProperty("java.home"), "bin", "javac").toString();
      if (!Files.isExecutable(Path.of(javac))) {
        err.println(
            "autofix demo: the sample's tests need javac, and this Java ("
                + System.getProperty("java.home")
                + ") has none: run the demo with a JDK, not a JRE");
        return 1;
      }
      String test =
          "'"
              + javac
              + "' -d build Price.java Checkout.java PriceTest.java && '"
              + java
              + "' -cp build PriceTest";
      out.println("autofix demo in " + root);
      makeSample(test);
      out.println(
          "1. a sample repository "
              + sample
              + " with a bug in Price.java and a failing test (plain Java, run with this JDK: "
              + java
              + "), and a bare origin "
              + origin);
      out.println("   the test on main: " + firstLine(runTest(sample, test)));

      HttpServer sentry = fakeSentry();
      try {
        Map<String, String> settings = settings(test, sentry.getAddress().getPort(), "sandboxed");
        Assembly.Settings parsed = parse(settings);
        Optional<String> noSandbox =
            Agents.sandboxUnavailable(parsed.repository().orElseThrow().agents(), env);
        if (noSandbox.isPresent()) {
          out.println(
              "2. the sandbox cannot start here ("
                  + noSandbox.get()
                  + "): the agent runs trusted, with this account's reach");
          settings.put("AUTOFIX_AGENT_ACCESS", "trusted");
          parsed = parse(settings);
        } else {
          out.println("2. the agent runs sandboxed (bubblewrap): it can reach its worktree only");
        }
        if (!agent.equals("demo")) {
          // before anything starts: a real CLI that cannot run would leave the run queued
          Optional<String> cannot =
              Agents.runner(parsed.repository().orElseThrow().agents(), env).unavailable();
          if (cannot.isPresent()) {
            err.println(
                "autofix demo: the "
                    + agent
                    + " agent cannot run here: "
                    + cannot.get()
                    + ". Or run the demo with its scripted agent: demo --exit");
            return 1;
          }
        }
        try (Assembly server = Assembly.start(parsed, Clock.systemUTC())) {
          int port = server.port();
          String base = "http://127.0.0.1:" + port;
          out.println(
              "3. autofix listens on "
                  + base
                  + "/ (embedded PostgreSQL, data in "
                  + root
                  + "/data)");
          Optional<String> notReady = awaitReady(base);
          if (notReady.isPresent()) {
            err.println("autofix demo: the server is not ready: " + notReady.get());
            return 1;
          }
          JsonNode delivery = JSON.readTree(resource("issue-created.json").replace("@NOW@", now));
          JsonNode issue = delivery.get("data").get("issue");
          long runId = deliver(base, delivery);
          out.println(
              "4. Sentry issue "
                  + issue.get("shortId").asText()
                  + ": "
                  + issue.get("title").asText()
                  + " (a signed issue.created delivery, answered 202: run "
                  + runId
                  + ", "
                  + base
                  + "/runs/"
                  + runId
                  + ")");
          out.println("5. the agent (" + agentName() + ") works on it ...");
          JsonNode run = awaitEnded(base, runId, agent.equals("demo") ? 120 : 1800);
          return report(base, run, test, exit);
        }
      } finally {
        sentry.stop(0);
      }
    }

    private String agentName() {
      return agent.equals("demo") ? "the scripted demo agent" : "the real " + agent + " CLI";
    }

    private int report(String base, JsonNode run, String test, boolean exit)
        throws IOException, InterruptedException {
      String status = run.get("status").asText();
      if (!status.equals("branch_pushed")) {
        err.println(
            "autofix demo: the run ended "
                + status
                + ": "
                + run.path("reason").asText()
                + "\n  its log: "
                + base
                + "/api/runs/"
                + run.get("id").asText()
                + "/log");
        printLog(base, run.get("id").asLong());
        return 1;
      }
      try {
        List<String> said =
            get(base + "/api/runs/" + run.get("id").asText() + "/log")
                .body()
                .lines()
                .filter(l -> l.contains("agent | "))
                .map(l -> l.substring(l.indexOf("agent | ") + "agent | ".length()))
                .limit(8)
                .toList();
        if (!said.isEmpty()) {
          out.println("   what the agent printed:");
          said.forEach(l -> out.println("     " + l));
        }
      } catch (IOException | RuntimeException e) {
        // the log is for show here; the run's outcome is what counts
      }
      out.println("   its summary:");
      run.path("summary").asText("").lines().forEach(l -> out.println("     " + l));
      out.println("6. the diff it made, as committed by autofix:");
      git(origin, "diff", "main", BRANCH).lines().forEach(l -> out.println("     " + l));
      Path check = root.resolve("check");
      git(root, "clone", "-q", "--branch", BRANCH, origin.toString(), check.toString());
      String tests = runTest(check, test);
      boolean passes = tests.contains("3 checks passed");
      out.println(
          "7. the sample's tests on the pushed branch, in a fresh clone: " + firstLine(tests));
      out.println(
          "8. branch "
              + BRANCH
              + " is in the origin "
              + origin
              + " at "
              + git(origin, "rev-parse", "--short", BRANCH).strip()
              + "; the run ended branch_pushed (no pull request: AUTOFIX_PUBLISH=branch)");
      if (!comments.isEmpty()) {
        out.println("   and the comment autofix posted on the Sentry issue: " + comments.get(0));
      }
      if (!passes) {
        err.println("autofix demo: the pushed fix does not pass the sample's tests:\n" + tests);
        return 1;
      }
      if (!exit) {
        out.println("The status page is " + base + "/ ; Ctrl-C to stop.");
        CountDownLatch stop = new CountDownLatch(1);
        // Ctrl-C stops the demo like a SIGTERM stops the server: the server and its database are
        // closed before the JVM exits (a shutdown hook would race them).
        if (StopSignals.install(signal -> stop.countDown()).isEmpty()) {
          Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        }
        stop.await();
        out.println("stopping the demo");
      }
      return 0;
    }

    private void printLog(String base, long runId) {
      try {
        String log = get(base + "/api/runs/" + runId + "/log").body();
        List<String> lines = log.lines().toList();
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(l -> err.println("  " + l));
      } catch (IOException | InterruptedException | RuntimeException e) {
        err.println("  (the log could not be read: " + e.getMessage() + ")");
      }
    }

    private void makeSample(String test) throws IOException, InterruptedException {
      Files.createDirectories(sample);
      for (String file : List.of("Price.java", "Checkout.java", "PriceTest.java")) {
        Files.writeString(sample.resolve(file), resource(file));
      }
      Files.writeString(sample.resolve(".gitignore"), "build/\n");
      Files.writeString(
          sample.resolve("README.md"),
          "# shop\n\nThe autofix demo's sample. Tests: `" + test.replace(root + "/", "") + "`\n");
      git(root, "init", "-q", "--bare", "-b", "main", origin.toString());
      git(sample, "init", "-q", "-b", "main");
      git(sample, "add", "-A");
      git(
          sample,
          "-c",
          "user.name=autofix demo",
          "-c",
          "user.email=demo@autofix.invalid",
          "commit",
          "-q",
          "-m",
          "A shop whose discount is wrong");
      git(sample, "remote", "add", "origin", origin.toString());
      git(sample, "push", "-q", "origin", "main");
      Files.createDirectories(agentDir);
      Files.writeString(agentDir.resolve("Price.java.fixed"), resource("Price.java.fixed"));
      Path script = agentDir.resolve("demo-agent.sh");
      Files.writeString(script, resource("demo-agent.sh").replace("@TEST_COMMAND@", test));
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Map<String, String> settings(String test, int sentryPort, String access) {
      Map<String, String> s = new HashMap<>();
      for (String keep : List.of("PATH", "HOME", "JAVA_HOME", "LANG", "TMPDIR", "USER")) {
        if (env.get(keep) != null) {
          s.put(keep, env.get(keep));
        }
      }
      if (!agent.equals("demo")) {
        // the real CLIs read their login or key from the user's environment
        for (var e : env.entrySet()) {
          if (e.getKey().startsWith("ANTHROPIC_")
              || e.getKey().startsWith("OPENAI_")
              || e.getKey().startsWith("CLAUDE_")
              || e.getKey().equals("CODEX_HOME")
              || e.getKey().equals("AUTOFIX_CODEX_HOME")) {
            s.put(e.getKey(), e.getValue());
          }
        }
      }
      s.put("AUTOFIX_BIND", "127.0.0.1");
      s.put("AUTOFIX_PORT", "0");
      s.put("AUTOFIX_DATA_DIR", root.resolve("data").toString());
      s.put("AUTOFIX_SENTRY_CLIENT_SECRET", secret);
      s.put("AUTOFIX_SENTRY_API_URL", "http://127.0.0.1:" + sentryPort);
      s.put("AUTOFIX_SENTRY_TOKEN", "demo-token");
      s.put("AUTOFIX_SENTRY_ORG", "demo");
      s.put("AUTOFIX_SENTRY_POLL_INTERVAL", "PT1H");
      s.put("AUTOFIX_GITHUB_REPO", "demo/shop");
      s.put("AUTOFIX_PUBLISH", "branch");
      s.put("AUTOFIX_GIT_PUSH_URL", origin.toString());
      s.put("AUTOFIX_REPO_PATH", sample.toString());
      s.put("AUTOFIX_BASE_BRANCH", "main");
      s.put("AUTOFIX_TEST_COMMAND", test);
      s.put("AUTOFIX_AGENT_ACCESS", access);
      s.put("AUTOFIX_POLL_INTERVAL", "200ms");
      s.put("AUTOFIX_MAX_FIXES_PER_DAY", "3");
      if (agent.equals("demo")) {
        s.put("AUTOFIX_AGENT", "command");
        s.put("AUTOFIX_AGENT_COMMAND", agentDir.resolve("demo-agent.sh").toString());
        s.put("AUTOFIX_AGENT_READABLE", agentDir.toString());
        s.put("AUTOFIX_AGENT_TIMEOUT", "60s");
      } else {
        s.put("AUTOFIX_AGENT", agent);
        s.put("AUTOFIX_AGENT_TIMEOUT", "20m");
      }
      return s;
    }

    private static Assembly.Settings parse(Map<String, String> settings) throws IOException {
      try {
        return Assembly.settings(settings);
      } catch (Assembly.ConfigurationException e) {
        throw new IOException("the demo's configuration: " + String.join("; ", e.problems()));
      }
    }

    /** Sentry's event API as far as autofix uses it: the recommended event, comments, issues. */
    private HttpServer fakeSentry() throws IOException {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      String event = resource("event.json").replace("@NOW@", now);
      server.createContext(
          "/api/0/",
          exchange -> {
            try (exchange) {
              String path = exchange.getRequestURI().getPath();
              String method = exchange.getRequestMethod();
              if (method.equals("GET") && path.contains("/issues/4242/events/")) {
                send(exchange, 200, event);
              } else if (method.equals("POST") && path.endsWith("/comments/")) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                comments.add(body.path("text").asText().replaceAll("\\s+", " "));
                send(exchange, 201, "{\"id\":\"" + comments.size() + "\"}");
              } else if (method.equals("GET") && path.endsWith("/issues/")) {
                send(exchange, 200, "[]");
              } else {
                send(exchange, 404, "{\"detail\":\"The requested resource does not exist\"}");
              }
            }
          });
      server.start();
      return server;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }

    private long deliver(String base, JsonNode delivery) throws IOException, InterruptedException {
      byte[] body = JSON.writeValueAsBytes(delivery);
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/webhooks/sentry"))
                  .header("Content-Type", "application/json")
                  .header("Sentry-Hook-Resource", "issue")
                  .header("Sentry-Hook-Signature", sign(body))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 202) {
        throw new IOException(
            "the delivery was answered " + answer.statusCode() + ": " + answer.body());
      }
      return JSON.readTree(answer.body()).get("runId").asLong();
    }

    private Optional<String> awaitReady(String base) throws InterruptedException {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String last = "";
      while (System.nanoTime() < until) {
        try {
          HttpResponse<String> ready = get(base + "/readyz");
          if (ready.statusCode() == 200) {
            return Optional.empty();
          }
          last = ready.body();
        } catch (IOException e) {
          last = e.getMessage();
        }
        Thread.sleep(200);
      }
      return Optional.of(last);
    }

    private JsonNode awaitEnded(String base, long runId, int seconds)
        throws IOException, InterruptedException {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      String lastReason = "";
      while (true) {
        JsonNode run = JSON.readTree(get(base + "/api/runs/" + runId).body());
        String status = run.get("status").asText();
        if (List.of("pr_opened", "branch_pushed", "no_fix", "failed", "cancelled")
            .contains(status)) {
          return run;
        }
        String reason = run.path("reason").asText("");
        if (!reason.equals(lastReason) && !status.equals("running")) {
          out.println("   " + status + ": " + reason);
          lastReason = reason;
        }
        if (System.nanoTime() > until) {
          throw new IOException(
              "run " + runId + " did not end within " + seconds + " s; it is " + status);
        }
        Thread.sleep(250);
      }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private String sign(byte[] body) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
      }
    }

    private String runTest(Path dir, String test) throws IOException, InterruptedException {
      Process process =
          new ProcessBuilder("sh", "-c", test)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "the tests did not end within 120 s";
      }
      return output.strip();
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add("git");
      command.addAll(List.of(args));
      ProcessBuilder builder =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
      // the demo's own git calls: no hook or template of the user's
      builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("git " + String.join(" ", args) + " failed: " + output.strip());
      }
      return output;
    }
  }

  private static String firstLine(String text) {
    return text.lines().filter(l -> !l.isBlank()).findFirst().orElse("(no output)");
  }

  private static String resource(String name) {
    try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no demo resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String randomHex(int bytes) {
    byte[] value = new byte[bytes];
    new SecureRandom().nextBytes(value);
    return HexFormat.of().formatHex(value);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // a file the sandbox or the database still holds: the OS's temp cleaning takes it
                }
              });
    } catch (IOException e) {
      // nothing to delete
    }
  }
}
