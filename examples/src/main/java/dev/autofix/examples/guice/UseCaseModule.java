package dev.autofix.examples.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.DefectReporter;
import dev.autofix.core.port.FixVerifier;
import dev.autofix.core.port.IssueSource;
import dev.autofix.core.port.PullRequestPublisher;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunLogs;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.port.WorkSignal;
import dev.autofix.core.port.Workspaces;
import dev.autofix.core.usecase.AutofixPolicy;
import dev.autofix.core.usecase.FixNextRun;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.core.usecase.RecoverRuns;
import dev.autofix.testkit.InMemoryRunLogs;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the use cases and what they need besides the adapters: the {@link Clock}, the {@link
 * AutofixPolicy}, {@link RunLogs} (in memory), a {@link DefectReporter} that logs, and a {@link
 * WorkSignal} that does nothing (this example has no worker loop to wake). Requires: every adapter
 * port.
 *
 * <p>The server's {@code CoreModule} does the same for the server, but its constructor is
 * package-private (it takes the server's own configuration), so an embedder writes a module like
 * this one.
 */
public final class UseCaseModule extends AbstractModule {
  private static final Logger LOG = LoggerFactory.getLogger(UseCaseModule.class);

  private final AutofixPolicy policy;
  private final Clock clock;

  public UseCaseModule(AutofixPolicy policy, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  @Override
  protected void configure() {
    bind(AutofixPolicy.class).toInstance(policy);
    bind(Clock.class).toInstance(clock);
    bind(RunLogs.class).to(InMemoryRunLogs.class).in(Singleton.class);
  }

  @Provides
  @Singleton
  DefectReporter defectReporter() {
    return defect ->
        LOG.error("autofix defect {} in {}", defect.fingerprint(), defect.where(), defect.error());
  }

  @Provides
  @Singleton
  WorkSignal workSignal() {
    return () -> {};
  }

  @Provides
  @Singleton
  FixNextRun.Ports ports(
      RunStore store,
      RateLimiter limiter,
      IssueSource source,
      Workspaces workspaces,
      AgentRunner agent,
      FixVerifier verifier,
      PullRequestPublisher publisher,
      RunLogs logs,
      DefectReporter defects) {
    return new FixNextRun.Ports(
        store,
        limiter,
        source,
        new dev.autofix.core.port.FixTargets.Target(workspaces, agent, verifier, publisher),
        logs,
        defects);
  }

  @Provides
  @Singleton
  FixNextRun fixNextRun(FixNextRun.Ports ports) {
    return new FixNextRun(ports, policy, clock);
  }

  @Provides
  @Singleton
  RecordIssue recordIssue(RunStore store, WorkSignal signal) {
    return new RecordIssue(store, signal, clock);
  }

  @Provides
  @Singleton
  RecoverRuns recoverRuns(RunStore store, WorkSignal signal) {
    return new RecoverRuns(store, signal, policy, clock);
  }
}
