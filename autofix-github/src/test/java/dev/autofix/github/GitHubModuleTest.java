package dev.autofix.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.autofix.core.port.PullRequestPublisher;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class GitHubModuleTest {

  @Test
  void injector_bindsTheGitHubPublisher_whenGivenAClientAndAMapper() {
    OkHttpClient http = new OkHttpClient();
    Injector injector =
        Guice.createInjector(
            new GitHubModule(GitHubConfig.of("acme", "shop")),
            new AbstractModule() {
              @Override
              protected void configure() {
                bind(OkHttpClient.class).toInstance(http);
                bind(ObjectMapper.class).toInstance(new ObjectMapper());
              }
            });

    PullRequestPublisher publisher = injector.getInstance(PullRequestPublisher.class);

    assertThat(publisher).isInstanceOf(GitHubPullRequestPublisher.class);
    assertThat(injector.getInstance(PullRequestPublisher.class)).isSameAs(publisher);
  }
}
