package dev.autofix.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.agents.Agents;
import dev.autofix.github.GitHubChecks;
import dev.autofix.sentry.SentryIssueSources;
import dev.autofix.store.jooq.StoreChecks;
import dev.autofix.support.check.Check;
import dev.autofix.support.disk.WritableSpace;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * {@code autofix doctor}: every check of a configuration in one pass, one line each ({@code ok},
 * {@code warn} or {@code fail}) and, under every line that is not ok, its fix. The configuration
 * first (every problem, each naming its key); then, when it reads, each part against the real
 * thing: the data dir, the database, the Sentry token, and per repository the checkout and its base
 * branch, the agent CLI and its login, the sandbox, the test command on the base branch, and the
 * push and pull-request access. Exit 0 when nothing fails, 1 when something does, 2 on a usage
 * error.
 */
final class DoctorCommand {
  private DoctorCommand() {}

  static String usage() {
    return """
        autofix doctor [--config PATH]
          Checks the configuration and everything it points at, one line each (ok, warn, fail),
          with the fix under every line that is not ok: the settings, the data dir, the database,
          the Sentry token, and per repository the checkout, the agent CLI and its login, the
          sandbox, the test command on the base branch (in a temporary worktree), the push (a dry
          run) and the pull-request access. Spends no model call.
          Exit status: 0 when nothing fails, 1 when something does, 2 on a usage error.
        """;
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    CommandArgs parsed;
    try {
      parsed = CommandArgs.parse(args);
      if (!parsed.positional().isEmpty()) {
        throw new CommandArgs.UsageException(
            "unknown argument '" + parsed.positional().getFirst() + "'");
      }
    } catch (CommandArgs.UsageException e) {
      err.println("autofix doctor: " + e.getMessage());
      err.print(usage());
      return 2;
    }
    if (parsed.help()) {
      out.print(usage());
      return 0;
    }
    Path config = parsed.config();
    Report report = new Report(out);
    out.println(
        "autofix doctor: "
            + (config == null
                ? "the configuration in the environment"
                : config + " and the environment"));
    Map<String, String> merged;
    try {
      merged = ConfigSource.load(config, env);
    } catch (IOException e) {
      report.add(Check.fail("config", e.getMessage(), "give --config a readable YAML file"));
      return report.end();
    }
    Assembly.Settings settings;
    try {
      settings = Assembly.settings(merged);
    } catch (Assembly.ConfigurationException e) {
      for (String problem : e.problems()) {
        report.add(
            Check.fail("config", problem, "fix the setting it names (--help lists every setting)"));
      }
      out.println("  (the other checks need a configuration that reads)");
      return report.end();
    }
    Map<String, Assembly.Repository> repositories = new LinkedHashMap<>();
    settings.repository().ifPresent(r -> repositories.put("", r));
    settings.projects().forEach((slug, r) -> repositories.put("projects." + slug + ": ", r));
    report.add(
        Check.ok(
            "config",
            "reads: "
                + repositories.size()
                + (repositories.size() == 1 ? " repository" : " repositories")
                + ", data dir "
                + settings.server().dataDir()));
    report.add(
        settings.server().adminToken().isPresent()
            ? Check.ok("admin token", "set: retry, cancel and trigger through the server work")
            : Check.warn(
                "admin token",
                "no AUTOFIX_ADMIN_TOKEN: retry, cancel and POST /api/issues are off (trigger then"
                    + " works only while the server is stopped)",
                "set AUTOFIX_ADMIN_TOKEN to a long random string"));
    Path dataDir = settings.server().dataDir();
    report.add(
        WritableSpace.problem(dataDir, WritableSpace.MIN_FREE_BYTES)
            .map(p -> Check.fail("data dir", p, "free space there, or set AUTOFIX_DATA_DIR"))
            .orElse(Check.ok("data dir", dataDir + " takes writes")));
    StoreChecks.run(settings.store()).forEach(report::add);
    OkHttpClient http = new OkHttpClient.Builder().build();
    ObjectMapper json = new ObjectMapper();
    try {
      SentryIssueSources.check(settings.sentry(), http, json).forEach(report::add);
      repositories.forEach(
          (prefix, repository) -> {
            Agents.check(repository.agents(), settings.environment())
                .forEach(c -> report.add(c.named(prefix)));
            GitHubChecks.run(repository.github(), http, json, settings.environment())
                .forEach(c -> report.add(c.named(prefix)));
          });
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    return report.end();
  }

  /** Prints each check as it comes, then the tally; its exit status. */
  private static final class Report {
    private final PrintStream out;
    private final List<Check> checks = new ArrayList<>();

    Report(PrintStream out) {
      this.out = out;
    }

    void add(Check check) {
      checks.add(check);
      out.printf(
          "  %-4s  %-14s %s%n",
          check.status().name().toLowerCase(Locale.ROOT), check.name(), oneLine(check.detail()));
      if (check.status() != Check.Status.OK) {
        out.printf("  %-4s  %-14s fix: %s%n", "", "", oneLine(check.fix()));
      }
      out.flush();
    }

    int end() {
      long failed = checks.stream().filter(c -> c.status() == Check.Status.FAIL).count();
      long warned = checks.stream().filter(c -> c.status() == Check.Status.WARN).count();
      out.println(
          checks.size()
              + " checks: "
              + (checks.size() - failed - warned)
              + " ok, "
              + warned
              + (warned == 1 ? " warning, " : " warnings, ")
              + failed
              + " failed");
      return failed > 0 ? 1 : 0;
    }

    private static String oneLine(String text) {
      return text.replace('\r', ' ').replace('\n', ' ');
    }
  }
}
