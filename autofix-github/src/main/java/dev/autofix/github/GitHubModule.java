package dev.autofix.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.autofix.core.port.PullRequestPublisher;
import java.util.Map;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * Binds {@link PullRequestPublisher} to the GitHub publisher. Requires: {@link OkHttpClient} and
 * {@link ObjectMapper}, which the caller creates and closes.
 */
public final class GitHubModule extends AbstractModule {
  private final GitHubConfig config;
  private final Map<String, String> environment;

  /** A module for {@code config}, with this process's environment for git. */
  public GitHubModule(GitHubConfig config) {
    this(config, System.getenv());
  }

  /**
   * A module for {@code config}; git's children take only {@code PATH}, proxy and CA variables
   * (and, when no token authenticates the push, the user's home and ssh agent) from {@code
   * environment}.
   */
  public GitHubModule(GitHubConfig config, Map<String, String> environment) {
    this.config = Objects.requireNonNull(config, "config == null");
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment == null"));
  }

  @Provides
  @Singleton
  PullRequestPublisher pullRequestPublisher(OkHttpClient http, ObjectMapper json) {
    return GitHubPullRequestPublisher.create(config, http, json, environment);
  }
}
