package dev.autofix.sentry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.IssueSource;
import okhttp3.OkHttpClient;

/**
 * Binds {@link IssueSource} to Sentry, and {@link SentryConfig}. Requires: {@link OkHttpClient},
 * {@link ObjectMapper} (owned and closed by the caller).
 */
public final class SentryModule extends AbstractModule {
  private final SentryConfig config;

  public SentryModule(SentryConfig config) {
    this.config = requireNonNull(config, "config == null");
  }

  @Override
  protected void configure() {
    bind(SentryConfig.class).toInstance(config);
  }

  @Provides
  @Singleton
  IssueSource issueSource(OkHttpClient http, ObjectMapper json) {
    return SentryIssueSource.create(config, http, json);
  }
}
