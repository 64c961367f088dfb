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
import dev.autofix.core.usecase.FixNextRun;
import java.time.Clock;
import java.util.Objects;

/**
 * Binds what the use cases need besides the adapters: the {@link Clock}, the {@link AutofixPolicy},
 * the run logs under the data directory, the default {@link DefectReporter}, and the {@link
 * FixNextRun.Ports} made of the adapters' bindings. Replace any of them with {@code
 * Modules.override}.
 */
public final class CoreModule extends AbstractModule {
  private final ServerConfig config;
  private final Clock clock;

  CoreModule(ServerConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config, "config == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  @Override
  protected void configure() {
    bind(ServerConfig.class).toInstance(config);
    bind(Clock.class).toInstance(clock);
    bind(AutofixPolicy.class).toInstance(config.policy());
    // The adapters a run passes through, straight from their bindings.
    try {
      bind(FixNextRun.Ports.class)
          .toConstructor(
              FixNextRun.Ports.class.getConstructor(
                  RunStore.class,
                  RateLimiter.class,
                  IssueSource.class,
                  FixTargets.class,
                  RunLogs.class,
                  DefectReporter.class))
          .in(Singleton.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("FixNextRun.Ports lost its constructor", e);
    }
  }

  @Provides
  @Singleton
  RunLogs runLogs() {
    return FileRunLogs.create(config.dataDir().resolve("logs"), 8L * 1024 * 1024, clock);
  }

  @Provides
  @Singleton
  DefectReporter defectReporter() {
    return LoggingDefectReporter.create();
  }
}
