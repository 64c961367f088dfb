package dev.autofix.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autofix.core.model.Issue;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.TriggerIssue;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code autofix trigger <Sentry issue URL, id or short id>}: records an issue that already exists,
 * now, through the same insert-if-absent path as the webhook, so de-duplication and the daily cap
 * hold. When the server is running (something answers on its configured address), the command goes
 * through its {@code POST /api/issues} with the admin token; when nothing listens there, it records
 * the run in the database itself and exits, and the server takes the run when it starts.
 */
final class TriggerCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A lookup may wait out Sentry's retries; the answer comes well within this. */
  private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(3);

  private TriggerCommand() {}

  static String usage() {
    return """
        autofix trigger [--config PATH] <Sentry issue URL | id | short id>
          Records an existing Sentry issue now, as its webhook would have: one run per issue,
          ever, and the daily cap holds. Through the running server's POST /api/issues (needs
          AUTOFIX_ADMIN_TOKEN), or, when the server is not running, straight into its database
          (the server takes the run when it starts).
          Exit status: 0 when the issue has a run (new or earlier), 1 when it was not recorded,
          2 on a usage or configuration error.
        """;
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    CommandArgs parsed;
    try {
      parsed = CommandArgs.parse(args);
    } catch (CommandArgs.UsageException e) {
      err.println("autofix trigger: " + e.getMessage());
      err.print(usage());
      return 2;
    }
    if (parsed.help()) {
      out.print(usage());
      return 0;
    }
    if (parsed.positional().size() > 1) {
      err.println(
          "autofix trigger: one issue at a time ('"
              + parsed.positional().get(1)
              + "' is a second"
              + " one)");
      return 2;
    }
    if (parsed.positional().isEmpty()) {
      err.println("autofix trigger: which issue? Pass its URL, its id or its short id");
      err.print(usage());
      return 2;
    }
    Path config = parsed.config();
    String reference = parsed.positional().getFirst();
    Assembly.Settings settings;
    try {
      settings = Assembly.settings(ConfigSource.load(config, env));
    } catch (IOException e) {
      err.println("autofix trigger: " + e.getMessage());
      return 2;
    } catch (Assembly.ConfigurationException e) {
      err.println("autofix trigger: fix the configuration first:");
      e.problems().forEach(problem -> err.println("  - " + problem));
      return 2;
    }
    URI server = serverUri(settings.server());
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    try {
      return viaServer(http, server, settings.server(), reference, out, err);
    } catch (HttpConnectTimeoutException e) {
      // something may be there and slow: never go around a server that may be running
      err.println(
          "autofix trigger: "
              + server
              + " did not take the connection within 2 s; is the server running there? Try again,"
              + " or check AUTOFIX_BIND and AUTOFIX_PORT");
      return 1;
    } catch (ConnectException e) {
      Optional<String> taken = dev.autofix.store.jooq.StoreDatabase.inUse(settings.store());
      if (taken.isPresent()) {
        err.println(
            "autofix trigger: nothing answers at "
                + server
                + ", but "
                + taken.get()
                + ". Give this command the server's AUTOFIX_BIND and AUTOFIX_PORT (and"
                + " AUTOFIX_ADMIN_TOKEN), or stop the server");
        return 1;
      }
      out.println(
          "no server answers at " + server + "; recording the issue in the database directly");
    } catch (IOException e) {
      err.println("autofix trigger: the server at " + server + " failed: " + Main.oneLine(e));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      http.close();
    }
    try {
      return directly(settings, server, reference, out, err);
    } catch (RuntimeException e) {
      err.println("autofix trigger: cannot record the issue: " + Main.oneLine(e));
      return 1;
    }
  }

  /** Where the server listens, as this machine reaches it (a wildcard bind through loopback). */
  static URI serverUri(ServerConfig config) {
    String host = config.bind();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + config.port() + "/");
  }

  private static int viaServer(
      HttpClient http,
      URI server,
      ServerConfig config,
      String reference,
      PrintStream out,
      PrintStream err)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("issue", reference);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.resolve("/api/issues"))
            .timeout(ANSWER_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    config.adminToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      answer = JSON.createObjectNode();
    }
    String outcome = answer.path("outcome").asText("");
    String reason =
        answer.path("reason").asText(answer.path("error").asText(response.body().strip()));
    switch (outcome) {
      case "accepted" -> {
        out.println(
            issueLine(answer.path("issue"))
                + " recorded as run "
                + answer.path("runId").asLong()
                + " by the server at "
                + server);
        printLinks(out, server, answer.path("runId").asLong());
        return 0;
      }
      case "duplicate" -> {
        duplicate(out, server, issueLine(answer.path("issue")), answer.path("runId").asLong());
        return 0;
      }
      default -> {
        if (response.statusCode() == 403 || response.statusCode() == 401) {
          err.println(
              "autofix trigger: the server at "
                  + server
                  + " refused the request ("
                  + response.statusCode()
                  + ": "
                  + reason
                  + "). Set AUTOFIX_ADMIN_TOKEN to the server's admin token for this command"
                  + (config.adminToken().isEmpty() ? " (it is not set here)" : ""));
        } else {
          err.println(
              "autofix trigger: not recorded, "
                  + (outcome.isEmpty() ? "HTTP " + response.statusCode() : outcome)
                  + ": "
                  + reason);
        }
        return 1;
      }
    }
  }

  private static int directly(
      Assembly.Settings settings, URI server, String reference, PrintStream out, PrintStream err) {
    switch (Assembly.triggerDirectly(settings, reference, Clock.systemUTC())) {
      case TriggerIssue.Recorded recorded -> {
        String issue = issueLine(recorded.issue());
        switch (recorded.result()) {
          case RunStore.Inserted inserted -> {
            out.println(
                issue
                    + " recorded as run "
                    + inserted.run().id().value()
                    + "; the server takes it when it starts");
            printLinks(out, server, inserted.run().id().value());
            return 0;
          }
          case RunStore.AlreadyExists known -> {
            duplicate(out, server, issue, known.id().value());
            return 0;
          }
          case RunStore.Unavailable unavailable -> {
            err.println("autofix trigger: the store cannot record it now: " + unavailable.reason());
            return 1;
          }
        }
      }
      case TriggerIssue.NotRecorded notRecorded -> {
        err.println("autofix trigger: not recorded, " + describe(notRecorded.why()));
        return 1;
      }
    }
  }

  /** The outcome and its reason, as the server's API names them. */
  private static String describe(IssueSource.LookupResult why) {
    return switch (why) {
      case IssueSource.Ignored ignored -> "ignored: " + ignored.reason();
      case IssueSource.Malformed malformed -> "malformed: " + malformed.reason();
      case IssueSource.NotFound notFound -> "not_found: " + notFound.message();
      case IssueSource.LookupUnsupported unsupported -> "unsupported: " + unsupported.reason();
      case IssueSource.Unavailable unavailable ->
          "unavailable: "
              + unavailable.message()
              + "; try again in "
              + Math.max(1, unavailable.retryAfter().toSeconds())
              + " s";
      case IssueSource.Located located -> "located: " + located.issue().shortId();
    };
  }

  private static void duplicate(PrintStream out, URI server, String issue, long runId) {
    out.println(
        issue
            + " already has run "
            + runId
            + ": autofix starts one agent per issue, ever (POST /api/runs/"
            + runId
            + "/retry runs it again)");
    printLinks(out, server, runId);
  }

  private static void printLinks(PrintStream out, URI server, long runId) {
    out.println("  status page: " + server);
    out.println("  the run:     " + server.resolve("/api/runs/" + runId));
  }

  private static String issueLine(Issue issue) {
    return issue.shortId() + " \"" + abbreviate(issue.title()) + "\"";
  }

  private static String issueLine(JsonNode issue) {
    return issue.path("shortId").asText("the issue")
        + (issue.hasNonNull("title")
            ? " \"" + abbreviate(issue.path("title").asText()) + "\""
            : "");
  }

  /** One line of at most 100 characters, without control characters (a title is anyone's). */
  private static String abbreviate(String text) {
    String line =
        text.codePoints()
            .map(c -> Character.isISOControl(c) ? ' ' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return line.length() <= 100 ? line : line.substring(0, 100) + "…";
  }
}
