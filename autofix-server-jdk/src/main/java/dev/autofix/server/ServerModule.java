package dev.autofix.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.usecase.AutofixPolicy;
import dev.autofix.core.usecase.FixNextRun;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Binds {@link AutofixServer} over whatever the other modules bound for each port. Requires: every
 * port, {@link ServerConfig}, {@link AutofixPolicy}, {@link Clock} and {@link FixNextRun.Ports}
 * ({@link CoreModule}).
 */
public final class ServerModule extends AbstractModule {
  private final Supplier<Optional<String>> agentsReady;
  private final Supplier<Optional<String>> databaseProblem;
  private final Supplier<Optional<String>> storageProblem;

  /** A server whose agents can always start. */
  public ServerModule() {
    this(Optional::empty);
  }

  /**
   * A server that claims no run while {@code agentsReady} says why agents cannot start (see {@link
   * AutofixServer.Builder#agentsReady}).
   */
  public ServerModule(Supplier<Optional<String>> agentsReady) {
    this(agentsReady, Optional::empty, Optional::empty);
  }

  /**
   * As {@link #ServerModule(Supplier)}, and {@code /readyz} also names the reasons {@code
   * databaseProblem} and {@code storageProblem} give (see {@link
   * AutofixServer.Builder#databaseProblem} and {@link AutofixServer.Builder#storageProblem}).
   */
  public ServerModule(
      Supplier<Optional<String>> agentsReady,
      Supplier<Optional<String>> databaseProblem,
      Supplier<Optional<String>> storageProblem) {
    this.agentsReady = java.util.Objects.requireNonNull(agentsReady, "agentsReady == null");
    this.databaseProblem =
        java.util.Objects.requireNonNull(databaseProblem, "databaseProblem == null");
    this.storageProblem =
        java.util.Objects.requireNonNull(storageProblem, "storageProblem == null");
  }

  @Provides
  @Singleton
  AutofixServer server(
      ServerConfig config, AutofixPolicy policy, Clock clock, FixNextRun.Ports ports) {
    AutofixServer.Builder builder =
        AutofixServer.builder()
            .bind(config.bind())
            .port(config.port())
            .ports(ports)
            .policy(policy)
            .clock(clock)
            .timeZone(config.timeZone())
            .maxBodyBytes(config.maxBodyBytes())
            .clientLimits(config.clientLimits())
            .pollInterval(config.pollInterval())
            .shutdownGrace(config.shutdownGrace())
            .recoveryInterval(config.recoveryInterval())
            .agentsReady(agentsReady)
            .databaseProblem(databaseProblem)
            .storageProblem(storageProblem);
    config.adminToken().ifPresent(builder::adminToken);
    config.readToken().ifPresent(builder::readToken);
    return builder.build();
  }
}
