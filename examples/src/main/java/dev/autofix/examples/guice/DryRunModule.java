package dev.autofix.examples.guice;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.autofix.agents.AgentsConfig;
import dev.autofix.agents.AgentsModule;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import dev.autofix.core.usecase.AutofixPolicy;
import dev.autofix.core.usecase.FixNextRun;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.github.GitHubConfig;
import dev.autofix.github.GitHubModule;
import dev.autofix.sentry.SentryConfig;
import dev.autofix.sentry.SentryModule;
import dev.autofix.store.jooq.JooqStoreModule;
import dev.autofix.store.jooq.StoreConfig;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * The standalone modules (Sentry, PostgreSQL store, agents, GitHub, use cases) with two swaps
 * through {@code Modules.override}: the team's own script as the agent, and the in-memory store and
 * daily cap, for a dry run that needs no database. Requires nothing: the HTTP client and the JSON
 * mapper come in through the constructor, owned and closed by the caller.
 */
public final class DryRunModule extends AbstractModule {
  private final Module modules;

  /**
   * @param env the {@code AUTOFIX_*} configuration and the environment the agent inherits
   * @param teamScript the team's agent, a command line run with {@code /bin/sh -c} in the worktree
   * @param http the HTTP client of the Sentry and GitHub adapters
   * @param json their JSON mapper
   */
  public DryRunModule(
      Map<String, String> env, String teamScript, OkHttpClient http, ObjectMapper json) {
    Objects.requireNonNull(http, "http == null");
    Objects.requireNonNull(json, "json == null");
    Module standard =
        Modules.combine(
            new SentryModule(SentryConfig.fromEnv(env)),
            new JooqStoreModule(StoreConfig.fromEnv(env)),
            new AgentsModule(AgentsConfig.fromEnv(env), env),
            new GitHubModule(GitHubConfig.fromEnv(env)),
            new UseCaseModule(AutofixPolicy.defaults(), Clock.systemUTC()),
            binder -> {
              binder.bind(OkHttpClient.class).toInstance(http);
              binder.bind(ObjectMapper.class).toInstance(json);
            });
    Map<String, String> withScript = new HashMap<>(env);
    withScript.put("AUTOFIX_AGENT", "command");
    withScript.put("AUTOFIX_AGENT_COMMAND", teamScript);
    this.modules =
        Modules.override(standard)
            .with(
                new TeamScriptAgentModule(AgentsConfig.fromEnv(withScript), env),
                new InMemoryStoreModule(10));
  }

  @Override
  protected void configure() {
    install(modules);
  }

  /**
   * Runs the team's script once on one Sentry issue, recorded in memory only: {@code DryRunModule
   * <script> <sentry-issue-id> <title>}, configured by the usual {@code AUTOFIX_*} variables (at
   * least {@code AUTOFIX_SENTRY_CLIENT_SECRET}, {@code AUTOFIX_REPO_PATH}, {@code
   * AUTOFIX_GITHUB_REPO}). The fix still goes out as a draft pull request.
   */
  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: DryRunModule <script> <sentry-issue-id> <title>");
      System.exit(2);
    }
    OkHttpClient http = new OkHttpClient();
    try {
      Injector injector =
          Guice.createInjector(
              new DryRunModule(System.getenv(), args[0], http, new ObjectMapper()));
      Issue issue =
          new Issue(
              new IssueId("sentry", args[1]),
              null,
              null,
              args[2],
              null,
              Level.ERROR,
              null,
              null,
              1);
      injector.getInstance(RecordIssue.class).execute(issue);
      FixNextRun.Result result =
          injector.getInstance(FixNextRun.class).execute(new FixNextRun.Command("dry-run"));
      System.out.println(result);
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}
