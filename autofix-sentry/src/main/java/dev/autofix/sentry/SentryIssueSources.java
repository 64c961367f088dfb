package dev.autofix.sentry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.port.IssueSource;
import okhttp3.OkHttpClient;

/**
 * Creates the Sentry {@link IssueSource} from outside this package.
 *
 * <p>{@link SentryIssueSource} is package-private (adapter implementations stay hidden), so its
 * static {@code create} cannot be called from another package; this public factory can.
 */
public final class SentryIssueSources {
  private SentryIssueSources() {}

  /**
   * A Sentry issue source.
   *
   * @param config the configuration
   * @param http the HTTP client for the REST API (owned by the caller, who closes it)
   * @param json the JSON mapper
   */
  public static IssueSource create(SentryConfig config, OkHttpClient http, ObjectMapper json) {
    return SentryIssueSource.create(config, http, json);
  }

  /**
   * {@code autofix doctor}'s checks of {@code config}: the webhook secret, and whether the API
   * token reads the organization's issues (one {@code GET}; a warning without a token).
   */
  public static java.util.List<dev.autofix.support.check.Check> check(
      SentryConfig config, OkHttpClient http, ObjectMapper json) {
    return SentryChecks.run(config, http, json);
  }
}
