package dev.autofix.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.DefectReporter;
import dev.autofix.core.port.FixTargets;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.AutofixPolicy;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Binds {@link AutofixServer} over whatever the other modules bound for each port. Requires: every
 * port, {@link ServerConfig}, {@link AutofixPolicy} and {@link Clock} ({@link CoreModule}).
 */
public final class ServerModule extends AbstractModule {
  private final Supplier<Optional<String>> agentsReady;

  /** A server whose agents can always start. */
  public ServerModule() {
    this(Optional::empty);
  }

  /**
   * A server that claims no run while {@code agentsReady} says why agents cannot start (see {@link
   * AutofixServer.Builder#agentsReady}).
   */
  public ServerModule(Supplier<Optional<String>> agentsReady) {
    this.agentsReady = java.util.Objects.requireNonNull(agentsReady, "agentsReady == null");
  }

  @Provides
  @Singleton
  AutofixServer server(
      ServerConfig config,
      AutofixPolicy policy,
      Clock clock,
      RunStore store,
      RateLimiter limiter,
      IssueSource source,
      FixTargets targets,
      RunLogs logs,
      DefectReporter defects) {
    AutofixServer.Builder builder =
        AutofixServer.builder()
            .bind(config.bind())
            .port(config.port())
            .store(store)
            .limiter(limiter)
            .source(source)
            .targets(targets)
            .logs(logs)
            .defects(defects)
            .policy(policy)
            .clock(clock)
            .maxBodyBytes(config.maxBodyBytes())
            .pollInterval(config.pollInterval())
            .shutdownGrace(config.shutdownGrace())
            .recoveryInterval(config.recoveryInterval())
            .agentsReady(agentsReady);
    config.adminToken().ifPresent(builder::adminToken);
    return builder.build();
  }
}
