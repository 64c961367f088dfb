package dev.autofix.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.port.PullRequestPublisher;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * The public entry point to the GitHub publisher for code outside this package.
 *
 * <p>{@link GitHubPullRequestPublisher} stays package-private (ArchUnit rule: port implementations
 * are hidden), and Java does not let other packages call a public static method of a
 * package-private class, so embedders wiring by hand call this instead.
 */
public final class GitHubPullRequestPublishers {
  private GitHubPullRequestPublishers() {}

  /**
   * A publisher for {@code config}; the caller owns {@code http} and closes it.
   *
   * @see GitHubPullRequestPublisher#create(GitHubConfig, OkHttpClient, ObjectMapper)
   */
  public static PullRequestPublisher create(
      GitHubConfig config, OkHttpClient http, ObjectMapper json) {
    return GitHubPullRequestPublisher.create(config, http, json);
  }

  /**
   * A publisher for {@code config} whose git children take what they may from {@code environment}
   * (the server's), not from this JVM's.
   */
  public static PullRequestPublisher create(
      GitHubConfig config, OkHttpClient http, ObjectMapper json, Map<String, String> environment) {
    return GitHubPullRequestPublisher.create(config, http, json, environment);
  }
}
