package dev.autofix.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.autofix.agents.AgentsConfig;
import dev.autofix.agents.AgentsModule;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.github.GitHubConfig;
import dev.autofix.github.GitHubModule;
import dev.autofix.redis.RedisClients;
import dev.autofix.redis.RedisConfig;
import dev.autofix.redis.RedisModule;
import dev.autofix.sentry.SentryConfig;
import dev.autofix.sentry.SentryIssuePoller;
import dev.autofix.sentry.SentryModule;
import dev.autofix.store.jooq.JooqStoreModule;
import dev.autofix.store.jooq.StoreConfig;
import dev.autofix.store.jooq.StoreDatabase;
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
 * core, and owns the lot. {@link #close()} releases everything in reverse order.
 */
final class Assembly implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Assembly.class);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private AutofixServer server;

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
      AgentsConfig agents,
      GitHubConfig github,
      Map<String, String> environment) {}

  /**
   * Reads every configuration from {@code env} (the merged YAML and environment) and checks what
   * can be checked before starting: reports all problems at once.
   */
  static Settings settings(Map<String, String> env) throws ConfigurationException {
    List<String> problems = new ArrayList<>();
    ServerConfig server = ServerConfig.fromEnv(env, problems);
    Map<String, String> withDefaults = new HashMap<>(env);
    withDefaults.put("AUTOFIX_DATA_DIR", server.dataDir().toString());
    withDefaults.putIfAbsent(
        "AUTOFIX_MAX_FIXES_PER_DAY", Integer.toString(server.maxFixesPerDay()));
    SentryConfig sentry = read(problems, "Sentry", () -> SentryConfig.fromEnv(withDefaults));
    StoreConfig store = read(problems, "database", () -> StoreConfig.fromEnv(withDefaults));
    Optional<RedisConfig> redis =
        env.containsKey("AUTOFIX_REDIS_URL") && !env.get("AUTOFIX_REDIS_URL").isBlank()
            ? Optional.ofNullable(read(problems, "Redis", () -> RedisConfig.fromEnv(withDefaults)))
            : Optional.empty();
    AgentsConfig agents = read(problems, "agent", () -> AgentsConfig.fromEnv(withDefaults));
    GitHubConfig github = read(problems, "GitHub", () -> GitHubConfig.fromEnv(withDefaults));
    if (agents != null) {
      checkCheckout(agents.repoPath(), problems);
      checkAgentCommand(agents, env, problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return new Settings(server, sentry, store, redis, agents, github, Map.copyOf(env));
  }

  private interface Read<T> {
    T get();
  }

  private static <T> T read(List<String> problems, String what, Read<T> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      problems.add(e.getMessage() == null ? what + ": " + e : e.getMessage());
      return null;
    }
  }

  private static void checkCheckout(Path repo, List<String> problems) {
    if (!Files.isDirectory(repo)) {
      problems.add("AUTOFIX_REPO_PATH " + repo + " is not a directory");
    } else if (!Files.exists(repo.resolve(".git"))) {
      problems.add("AUTOFIX_REPO_PATH " + repo + " is not a git checkout (no .git in it)");
    }
  }

  private static void checkAgentCommand(
      AgentsConfig agents, Map<String, String> env, List<String> problems) {
    String binary =
        switch (agents.agent()) {
          case CLAUDE -> agents.claude().binary();
          case CODEX -> agents.codex().binary();
          case COMMAND -> {
            if (agents.command() == null || agents.command().isBlank()) {
              problems.add("AUTOFIX_AGENT_COMMAND is required when AUTOFIX_AGENT is command");
              yield null;
            }
            yield agents.command().strip().split("\\s+")[0];
          }
        };
    if (binary != null && !onPath(binary, env.getOrDefault("PATH", ""))) {
      problems.add(
          "the agent CLI '"
              + binary
              + "' (AUTOFIX_AGENT="
              + agents.agent().wireName()
              + ") is not on PATH; install it or set its full path");
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
    resources.push(database);
    OkHttpClient http = new OkHttpClient.Builder().build();
    resources.push(
        () -> {
          http.dispatcher().executorService().shutdown();
          http.connectionPool().evictAll();
        });
    ObjectMapper json = new ObjectMapper();
    Module store = new JooqStoreModule(s.store());
    if (s.redis().isPresent()) {
      UnifiedJedis redis = RedisClients.open(s.redis().get());
      resources.push(redis);
      store = Modules.override(store).with(new RedisModule(s.redis().get(), redis));
    }
    Injector injector =
        Guice.createInjector(
            new CoreModule(s.server(), clock),
            new ResourcesModule(database.dataSource(), http, json),
            store,
            new SentryModule(s.sentry()),
            new AgentsModule(s.agents(), s.environment()),
            new GitHubModule(s.github()),
            new ServerModule());
    server = injector.getInstance(AutofixServer.class);
    resources.push(server);
    startPoller(s, http, json, injector, clock);
    server.start();
    LOG.info(
        "database: {}; daily cap: {} in {}",
        database.location(),
        s.redis().isPresent() ? "Redis " + s.redis().get().redactedUrl() : "PostgreSQL",
        s.server().timeZone());
  }

  private void startPoller(
      Settings s, OkHttpClient http, ObjectMapper json, Injector injector, Clock clock) {
    RecordIssue record = new RecordIssue(injector.getInstance(RunStore.class), server::wake, clock);
    SentryIssuePoller poller =
        SentryIssuePoller.create(
            s.sentry(), http, json, clock, issue -> record.execute(new RecordIssue.Command(issue)));
    Duration every = s.sentry().pollInterval();
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("autofix-sentry-poller").factory());
    resources.push(scheduler::shutdownNow);
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

  int port() {
    return server.getPort();
  }

  AutofixServer server() {
    return server;
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resource, e.getMessage());
      }
    }
  }

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
