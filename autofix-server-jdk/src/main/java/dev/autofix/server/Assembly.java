package dev.autofix.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.autofix.agents.Agents;
import dev.autofix.agents.AgentsConfig;
import dev.autofix.agents.AgentsModule;
import dev.autofix.core.port.FixTargets;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.core.usecase.TriggerIssue;
import dev.autofix.github.GitHubConfig;
import dev.autofix.github.GitHubModule;
import dev.autofix.github.GitHubPullRequestPublishers;
import dev.autofix.redis.RedisClients;
import dev.autofix.redis.RedisConfig;
import dev.autofix.redis.RedisModule;
import dev.autofix.sentry.SentryConfig;
import dev.autofix.sentry.SentryIssuePoller;
import dev.autofix.sentry.SentryModule;
import dev.autofix.store.jooq.JooqStoreModule;
import dev.autofix.store.jooq.PostgresNotifications;
import dev.autofix.store.jooq.StoreConfig;
import dev.autofix.store.jooq.StoreDatabase;
import dev.autofix.support.disk.WritableSpace;
import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The composition root: validates the whole configuration (every problem at once), creates the
 * closeable resources (database, HTTP client, Redis), wires the adapters' Guice modules around the
 * core, and owns the lot. {@link #close()} stops intake first, then the worker, and the database
 * last.
 */
final class Assembly implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Assembly.class);

  private final Deque<Named> resources = new ArrayDeque<>();
  private AutofixServer server;
  private AutoCloseable pollerStop;
  private DataSource dataSource;
  private boolean stopped;

  private Assembly() {}

  /** The configuration could not be used; {@link #problems()} says why, each naming its key. */
  static final class ConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    ConfigurationException(List<String> problems) {
      super(String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    List<String> problems() {
      return problems;
    }
  }

  /** Every adapter's configuration, validated together. */
  record Settings(
      ServerConfig server,
      SentryConfig sentry,
      StoreConfig store,
      Optional<RedisConfig> redis,
      Optional<Repository> repository,
      Map<String, Repository> projects,
      Map<String, String> environment) {}

  /** One repository: its checkout, agent and verification, and where its pull requests go. */
  record Repository(AgentsConfig agents, GitHubConfig github) {}

  /**
   * Reads every configuration from {@code env} (the merged YAML and environment) and checks what
   * can be checked before starting: reports all problems at once.
   */
  static Settings settings(Map<String, String> env) throws ConfigurationException {
    // One reader for every module: each problem names its key (and its project).
    dev.autofix.core.settings.Settings all = dev.autofix.core.settings.Settings.of(env);
    List<String> problems = new ArrayList<>();
    ServerConfig server = ServerConfig.read(all, env);
    Map<String, String> withDefaults = new HashMap<>(env);
    withDefaults.put("AUTOFIX_DATA_DIR", server.dataDir().toString());
    withDefaults.putIfAbsent(
        "AUTOFIX_MAX_FIXES_PER_DAY", Integer.toString(server.maxFixesPerDay()));
    Map<String, Map<String, String>> projectSettings = ConfigSource.projects(env);
    boolean hasDefault = present(env, "AUTOFIX_REPO_PATH") || projectSettings.isEmpty();
    if (!projectSettings.isEmpty() && !hasDefault && !present(env, "AUTOFIX_SENTRY_PROJECTS")) {
      // Only the mapped projects can be fixed: ignore the others at the webhook, with a reason.
      withDefaults.put("AUTOFIX_SENTRY_PROJECTS", String.join(",", projectSettings.keySet()));
    }
    dev.autofix.core.settings.Settings shared = all.scoped(withDefaults, "");
    SentryConfig sentry = SentryConfig.read(shared);
    StoreConfig store = StoreConfig.read(shared);
    Optional<RedisConfig> redis =
        present(env, "AUTOFIX_REDIS_URL")
            ? Optional.ofNullable(RedisConfig.read(shared))
            : Optional.empty();
    Optional<Repository> repository =
        hasDefault ? repository("", withDefaults, env, all) : Optional.empty();
    Map<String, Repository> projects = new java.util.LinkedHashMap<>();
    projectSettings.forEach(
        (slug, overrides) -> {
          Map<String, String> merged = new HashMap<>(withDefaults);
          merged.putAll(overrides);
          repository("projects." + slug + ": ", merged, env, all)
              .ifPresent(r -> projects.put(slug, r));
        });
    SettingsTable.unknown(env, all).forEach(warning -> LOG.warn("{}", warning));
    // a key several modules read (the daily cap, the data dir) is reported once
    all.problems().stream().map(Object::toString).distinct().forEach(problems::add);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return new Settings(server, sentry, store, redis, repository, projects, Map.copyOf(env));
  }

  private static Optional<Repository> repository(
      String where,
      Map<String, String> values,
      Map<String, String> env,
      dev.autofix.core.settings.Settings all) {
    dev.autofix.core.settings.Settings settings = all.scoped(values, where);
    int before = all.problems().size();
    AgentsConfig read = AgentsConfig.read(settings);
    String configFile = values.get(ConfigSource.CONFIG_FILE);
    // The agent must not read autofix's configuration file either.
    AgentsConfig agents =
        read == null || configFile == null
            ? read
            : read.withAccess(read.access().alsoHiding(List.of(Path.of(configFile))));
    GitHubConfig github = GitHubConfig.read(settings);
    if (agents != null) {
      checkCheckout(agents.repoPath(), settings);
      checkAgentCommand(agents, env, settings);
      checkBudget(agents, values, settings);
    }
    return all.problems().size() == before && agents != null && github != null
        ? Optional.of(new Repository(agents, github))
        : Optional.empty();
  }

  private static boolean present(Map<String, String> env, String key) {
    return env.get(key) != null && !env.get(key).isBlank();
  }

  private static void checkCheckout(Path repo, dev.autofix.core.settings.Settings settings) {
    if (!Files.isDirectory(repo)) {
      settings.problem(AgentsConfig.REPO_PATH, repo + " is not a directory");
    } else if (!Files.exists(repo.resolve(".git"))) {
      settings.problem(AgentsConfig.REPO_PATH, repo + " is not a git checkout (no .git in it)");
    }
  }

  /**
   * The spend ceiling counts a run's own budget before its agent starts: a ceiling below Claude's
   * per-run budget would let none ever start.
   */
  private static void checkBudget(
      AgentsConfig agents,
      Map<String, String> values,
      dev.autofix.core.settings.Settings settings) {
    java.util.Optional<java.math.BigDecimal> ceiling =
        dev.autofix.core.settings.Settings.of(values).find(ServerConfig.MAX_SPEND_PER_DAY_USD);
    java.math.BigDecimal budget = agents.claude().maxBudgetUsd();
    if (agents.agent() == AgentsConfig.Agent.CLAUDE
        && ceiling.isPresent()
        && budget.compareTo(ceiling.get()) > 0) {
      settings.problem(
          ServerConfig.MAX_SPEND_PER_DAY_USD,
          "$"
              + ceiling.get().toPlainString()
              + " is below AUTOFIX_CLAUDE_MAX_BUDGET_USD $"
              + budget.toPlainString()
              + ", the most one run may cost: no agent could ever start; raise the ceiling or"
              + " lower the budget");
    }
  }

  /** The agent's program must be there before any run is accepted for it. */
  private static void checkAgentCommand(
      AgentsConfig agents, Map<String, String> env, dev.autofix.core.settings.Settings settings) {
    var key =
        switch (agents.agent()) {
          case CLAUDE -> AgentsConfig.CLAUDE_BIN;
          case CODEX -> AgentsConfig.CODEX_BIN;
          case COMMAND -> AgentsConfig.AGENT_COMMAND;
        };
    String binary =
        switch (agents.agent()) {
          case CLAUDE -> agents.claude().binary();
          case CODEX -> agents.codex().binary();
          case COMMAND -> agents.command().strip().split("\\s+")[0];
        };
    if (!onPath(binary, env.getOrDefault("PATH", ""))) {
      settings.problem(
          key,
          "names '"
              + binary
              + "', the agent CLI of AUTOFIX_AGENT="
              + agents.agent().wireName()
              + ", which is not on PATH; install it or set its full path");
    }
  }

  static boolean onPath(String binary, String path) {
    if (binary.contains("/")) {
      return Files.isExecutable(Path.of(binary));
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }

  /** Creates the resources, wires the modules and starts the server. */
  static Assembly start(Settings settings, Clock clock) {
    Assembly assembly = new Assembly();
    try {
      assembly.wire(settings, clock);
      return assembly;
    } catch (RuntimeException e) {
      assembly.close();
      throw e;
    }
  }

  private void wire(Settings s, Clock clock) {
    StoreDatabase database = StoreDatabase.open(s.store());
    resources.push(new Named("database", database));
    dataSource = database.dataSource();
    OkHttpClient http = new OkHttpClient.Builder().build();
    resources.push(
        new Named(
            "http client",
            () -> {
              http.dispatcher().executorService().shutdown();
              http.connectionPool().evictAll();
            }));
    ObjectMapper json = new ObjectMapper();
    Module store = new JooqStoreModule(s.store());
    if (s.redis().isPresent()) {
      UnifiedJedis redis = RedisClients.open(s.redis().get());
      resources.push(new Named("redis", redis));
      store = Modules.override(store).with(new RedisModule(s.redis().get(), redis));
    }
    Injector injector =
        Guice.createInjector(
            new CoreModule(s.server(), clock),
            new ResourcesModule(database.dataSource(), http, json),
            store,
            new SentryModule(s.sentry()),
            repositories(s, http, json),
            new ServerModule(agentGate(s), database::problem, storage(s)));
    server = injector.getInstance(AutofixServer.class);
    resources.push(new Named("worker", server));
    PostgresNotifications notifications =
        PostgresNotifications.listen(
            database.dataSource(), PostgresNotifications.DEFAULT_CHANNEL, server::wakeLocal);
    resources.push(new Named("listener", notifications));
    server.alsoWake(notifications.signal());
    startPoller(s, http, json, injector, clock);
    server.start();
    summary(s, database.location(), server.getPort()).forEach(line -> LOG.info("{}", line));
    featuresOff(s).forEach(off -> LOG.warn("{}", off));
  }

  /**
   * Whether the data dir (the embedded database, worktrees, logs) can take writes. While it cannot,
   * deliveries are answered 503; with no Sentry token nothing polls for them afterwards.
   */
  private static java.util.function.Supplier<Optional<String>> storage(Settings s) {
    Path dataDir = s.server().dataDir();
    String after =
        s.sentry().token() == null
            ? "; deliveries refused meanwhile are lost: without AUTOFIX_SENTRY_TOKEN nothing polls"
                + " Sentry for them"
            : "; the Sentry poller picks up deliveries refused meanwhile";
    return () -> WritableSpace.problem(dataDir, WritableSpace.MIN_FREE_BYTES).map(p -> p + after);
  }

  /**
   * The start-up summary, a few lines at INFO: where it listens, the engine and the cap, and per
   * repository its checkout, agent, access profile, test command and GitHub repository.
   */
  static List<String> summary(Settings s, String database, int port) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "autofix listens on http://"
            + s.server().bind()
            + ":"
            + port
            + " (webhook /webhooks/sentry); database: "
            + database);
    lines.add(
        "engine: the PostgreSQL queue, "
            + s.server().maxConcurrent()
            + " agent(s) at once; daily cap: "
            + s.server().maxFixesPerDay()
            + " agent starts, kept in "
            + (s.redis().isPresent() ? "Redis " + s.redis().get().redactedUrl() : "PostgreSQL")
            + ", days in "
            + s.server().timeZone()
            + s.server()
                .maxSpendPerDayUsd()
                .map(max -> "; spend ceiling $" + max.toPlainString() + " a day")
                .orElse(""));
    Map<String, Repository> all = new java.util.LinkedHashMap<>();
    s.repository().ifPresent(r -> all.put("", r));
    all.putAll(s.projects());
    all.forEach(
        (slug, r) -> {
          AgentsConfig a = r.agents();
          lines.add(
              (slug.isEmpty() ? "repository" : "project " + slug + ":")
                  + " "
                  + a.repoPath()
                  + " (base "
                  + a.baseBranch()
                  + (r.github().publish() == dev.autofix.github.GitHubConfig.Publish.BRANCH
                      ? ") pushing branches only to " + r.github().pushDestination()
                      : ") to github " + r.github().owner() + "/" + r.github().repo())
                  + "; agent "
                  + a.agent().wireName()
                  + ", "
                  + (a.access().isSandboxed() ? "sandboxed" : "trusted (no sandbox)")
                  + "; test command "
                  + (a.testCommand() == null
                      ? "none (autofix verifies nothing itself)"
                      : "`" + a.testCommand() + "`"));
        });
    return lines;
  }

  /**
   * What a missing setting quietly switches off, one line each, said at start-up rather than found
   * out from the first run.
   */
  static List<String> featuresOff(Settings s) {
    List<String> off = new ArrayList<>();
    if (s.sentry().token() == null) {
      off.add(
          "no AUTOFIX_SENTRY_TOKEN: agents get the webhook's title and culprit only (no stack"
              + " trace), no comment is posted on the Sentry issue, and issues whose webhook was"
              + " lost are not polled for");
    }
    Map<String, Repository> all = new java.util.LinkedHashMap<>();
    s.repository().ifPresent(r -> all.put("", r));
    all.putAll(s.projects());
    all.forEach(
        (slug, r) -> {
          if (r.github().token() == null
              && r.github().publish() == dev.autofix.github.GitHubConfig.Publish.PULL_REQUEST) {
            off.add(
                (slug.isEmpty() ? "" : "projects." + slug + ": ")
                    + "no AUTOFIX_GITHUB_TOKEN: git pushes with your own credentials, but"
                    + " GitHub's API opens no pull request without a token, so runs end failed"
                    + " at the pull request (AUTOFIX_PUBLISH=branch pushes the branch only)");
          }
        });
    return off;
  }

  /**
   * Whether every configured repository's agents can start (the sandbox works, the agent is logged
   * in); says loudly which ones run trusted, outside any sandbox.
   */
  private static AgentGate agentGate(Settings s) {
    List<java.util.function.Supplier<Optional<String>>> checks = new ArrayList<>();
    Map<String, Repository> all = new java.util.LinkedHashMap<>();
    s.repository().ifPresent(r -> all.put("", r));
    all.putAll(s.projects());
    all.forEach(
        (slug, r) -> {
          String where = slug.isEmpty() ? "" : "projects." + slug + ": ";
          checks.add(
              () -> Agents.sandboxUnavailable(r.agents(), s.environment()).map(p -> where + p));
          if (!r.agents().access().isSandboxed()) {
            LOG.warn(
                "{}AUTOFIX_AGENT_ACCESS=trusted: the agent runs with this account's whole reach"
                    + " (its files, keys, processes and network, autofix's data and database"
                    + " included), with no sandbox{}",
                where,
                r.github().token() == null
                        || !r.github()
                            .pushDestination()
                            .toLowerCase(java.util.Locale.ROOT)
                            .startsWith("http")
                    ? "; without AUTOFIX_GITHUB_TOKEN (or pushing over ssh) the push uses your own"
                        + " git credentials through your global git config and ~/.ssh, which"
                        + " this agent can write"
                    : "");
          }
        });
    // A login is one project's: a project whose agent is logged out has its runs postponed (by the
    // attempt), and the gate closes only when no project's agent can start.
    checks.add(
        () -> {
          List<String> loggedOut = new ArrayList<>();
          all.forEach(
              (slug, r) ->
                  Agents.runner(r.agents(), s.environment())
                      .unavailable()
                      .ifPresent(
                          p ->
                              loggedOut.add(
                                  (slug.isEmpty() ? "" : "projects." + slug + ": ") + p)));
          return loggedOut.size() == all.size() && !loggedOut.isEmpty()
              ? Optional.of(String.join("; ", loggedOut))
              : Optional.empty();
        });
    return new AgentGate(checks, Duration.ofMinutes(1), s.server().pollInterval());
  }

  /**
   * The single repository of the environment form through its adapters' own modules; several (YAML
   * {@code projects:}) through a router that picks each run's repository by its project.
   */
  private static Module repositories(Settings s, OkHttpClient http, ObjectMapper json) {
    if (s.projects().isEmpty()) {
      Repository only = s.repository().orElseThrow();
      return Modules.combine(
          new AgentsModule(only.agents(), s.environment()),
          new GitHubModule(only.github(), s.environment()),
          ProjectsModule.single());
    }
    Map<String, FixTargets.Target> byProject = new java.util.LinkedHashMap<>();
    s.projects()
        .forEach((slug, r) -> byProject.put(slug, adapters(r, s.environment(), http, json)));
    ProjectRouter router =
        new ProjectRouter(
            byProject, s.repository().map(r -> adapters(r, s.environment(), http, json)));
    return new ProjectsModule(router);
  }

  private static FixTargets.Target adapters(
      Repository r, Map<String, String> env, OkHttpClient http, ObjectMapper json) {
    return new FixTargets.Target(
        Agents.workspaces(r.agents(), env),
        Agents.runner(r.agents(), env),
        Agents.verifier(r.agents(), env),
        GitHubPullRequestPublishers.create(r.github(), http, json, env));
  }

  private void startPoller(
      Settings s, OkHttpClient http, ObjectMapper json, Injector injector, Clock clock) {
    RecordIssue record = new RecordIssue(injector.getInstance(RunStore.class), server::wake, clock);
    SentryIssuePoller poller =
        SentryIssuePoller.create(s.sentry(), http, json, clock, record::execute);
    Duration every = s.sentry().pollInterval();
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("autofix-sentry-poller").factory());
    pollerStop =
        () -> {
          // a poll in flight may be writing a run: it gets a moment, then is interrupted
          scheduler.shutdown();
          if (!scheduler.awaitTermination(2, TimeUnit.SECONDS)) {
            scheduler.shutdownNow();
          }
        };
    resources.push(new Named("poller", pollerStop));
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            var result = poller.pollOnce();
            LOG.debug("Sentry poll: {}", result);
          } catch (RuntimeException e) {
            LOG.error("the Sentry poll failed", e);
          }
        },
        every.toMillis(),
        every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Records {@code reference}'s issue straight into the store, with no server running ({@code
   * autofix trigger}): opens the database (the embedded one starts from the data dir), looks the
   * issue up through Sentry's API and records it through the same insert-if-absent path as a
   * delivery; then notifies any server that shares the database, and closes everything again.
   */
  static TriggerIssue.Result triggerDirectly(Settings s, String reference, Clock clock) {
    try (StoreDatabase database = StoreDatabase.open(s.store())) {
      OkHttpClient http = new OkHttpClient.Builder().build();
      try {
        Injector injector =
            Guice.createInjector(
                new ResourcesModule(database.dataSource(), http, new ObjectMapper()),
                binder -> binder.bind(Clock.class).toInstance(clock),
                new JooqStoreModule(s.store()),
                new SentryModule(s.sentry()));
        RecordIssue record =
            new RecordIssue(
                injector.getInstance(RunStore.class),
                () ->
                    PostgresNotifications.notifyOnce(
                        database.dataSource(), PostgresNotifications.DEFAULT_CHANNEL),
                clock);
        return new TriggerIssue(injector.getInstance(IssueSource.class), record).execute(reference);
      } finally {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
      }
    }
  }

  int port() {
    return server.getPort();
  }

  AutofixServer server() {
    return server;
  }

  /** The database the server uses (for tests that act as another process on it). */
  DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Stops in this order: HTTP stops taking requests, the Sentry poller stops, the worker stops (a
   * running agent gets the grace period, then its process tree is killed and its run queued again),
   * then the listener, Redis, the HTTP client and, last, the database and its pool. Each step is
   * timed in the log. Only the first call stops anything.
   *
   * @return whether this call stopped it (false when it was already stopped)
   */
  synchronized boolean stop() {
    if (stopped) {
      return false;
    }
    stopped = true;
    long start = System.nanoTime();
    List<String> took = new ArrayList<>();
    if (server != null) {
      timed("http", server::stopAccepting, took);
    }
    if (pollerStop != null) {
      timed("poller", pollerStop, took);
    }
    if (server != null) {
      timed("worker", server, took);
    }
    while (!resources.isEmpty()) {
      Named resource = resources.pop();
      if (resource.resource() != server && resource.resource() != pollerStop) {
        timed(resource.name(), resource.resource(), took);
      }
    }
    LOG.info(
        "stopped in {} ms ({})",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        String.join(", ", took));
    return true;
  }

  private static void timed(String name, AutoCloseable resource, List<String> took) {
    long start = System.nanoTime();
    try {
      resource.close();
    } catch (Exception e) {
      LOG.warn("stopping the {} failed: {}", name, e.getMessage());
    }
    took.add(name + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
  }

  /** A resource the assembly closes, with the name its stop is logged under. */
  private record Named(String name, AutoCloseable resource) {}

  /** Binds the resources the assembly owns, for the adapters' modules. */
  private static final class ResourcesModule extends AbstractModule {
    private final DataSource dataSource;
    private final OkHttpClient http;
    private final ObjectMapper json;

    ResourcesModule(DataSource dataSource, OkHttpClient http, ObjectMapper json) {
      this.dataSource = dataSource;
      this.http = http;
      this.json = json;
    }

    @Override
    protected void configure() {
      bind(DataSource.class).toInstance(dataSource);
      bind(OkHttpClient.class).toInstance(http);
      bind(ObjectMapper.class).toInstance(json);
    }
  }
}
