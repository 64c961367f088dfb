package dev.autofix.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.DefectReporter;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.usecase.AutofixPolicy;
import java.time.Clock;
import java.util.Objects;

/**
 * Binds what the use cases need besides the adapters: the {@link Clock}, the {@link AutofixPolicy},
 * the run logs under the data directory and the default {@link DefectReporter}. Replace any of them
 * with {@code Modules.override}.
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
