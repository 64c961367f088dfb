package dev.autofix.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.PullRequestPublisher;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * Binds {@link PullRequestPublisher} to the GitHub publisher. Requires: {@link OkHttpClient} and
 * {@link ObjectMapper}, which the caller creates and closes.
 */
public final class GitHubModule extends AbstractModule {
  private final GitHubConfig config;

  /** A module for {@code config}. */
  public GitHubModule(GitHubConfig config) {
    this.config = Objects.requireNonNull(config, "config == null");
  }

  @Provides
  @Singleton
  PullRequestPublisher pullRequestPublisher(OkHttpClient http, ObjectMapper json) {
    return GitHubPullRequestPublisher.create(config, http, json);
  }
}
