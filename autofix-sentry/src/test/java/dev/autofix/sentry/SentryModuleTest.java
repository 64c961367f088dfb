package dev.autofix.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.autofix.core.port.IssueSource;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class SentryModuleTest {

  @Test
  void injector_resolvesIssueSource_whenHttpClientAndMapperAreBound() {
    SentryConfig config = SentryConfig.withClientSecret("s3cret");
    Injector injector =
        Guice.createInjector(
            new SentryModule(config),
            new AbstractModule() {
              @Override
              protected void configure() {
                bind(OkHttpClient.class).toInstance(new OkHttpClient());
                bind(ObjectMapper.class).toInstance(new ObjectMapper());
              }
            });

    IssueSource source = injector.getInstance(IssueSource.class);

    assertThat(source.name()).isEqualTo("sentry");
    assertThat(injector.getInstance(IssueSource.class)).isSameAs(source);
    assertThat(injector.getInstance(SentryConfig.class)).isSameAs(config);
  }
}
