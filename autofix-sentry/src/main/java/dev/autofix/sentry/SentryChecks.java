package dev.autofix.sentry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.sentry.internal.SentryApi;
import dev.autofix.support.check.Check;
import dev.autofix.support.retry.Sleeper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;

/**
 * {@code autofix doctor}'s checks of the Sentry side: the webhook's secret is set, and the API
 * token reads the organization's issues ({@code GET /organizations/{org}/issues/?limit=1}, which
 * needs {@code event:read}, as the stack trace, the poller and {@code trigger} do).
 */
final class SentryChecks {
  private SentryChecks() {}

  static List<Check> run(SentryConfig config, OkHttpClient http, ObjectMapper json) {
    List<Check> checks = new ArrayList<>();
    checks.add(
        Check.ok(
            "sentry webhook",
            "AUTOFIX_SENTRY_CLIENT_SECRET is set: every delivery's signature is checked"
                + (config.legacyEnabled()
                    ? "; legacy WebHooks deliveries need their secret"
                    : "")));
    SentryApi api = SentryIssueSource.api(config, http, json, Sleeper.real(), Clock.systemUTC());
    if (api == null) {
      checks.add(
          Check.warn(
              "sentry api",
              "no AUTOFIX_SENTRY_TOKEN: agents get no stack trace, nothing is posted on the issue,"
                  + " lost webhooks are not polled for, and trigger cannot look issues up",
              "create a token on the internal integration's page and set AUTOFIX_SENTRY_TOKEN"));
      return checks;
    }
    String org = config.org();
    checks.add(
        switch (api.get(
            api.url("organizations", org, "issues").addQueryParameter("limit", "1").build())) {
          case SentryApi.Ok ok ->
              Check.ok(
                  "sentry api",
                  "the token reads the issues of organization " + org + " at " + config.apiUrl());
          case SentryApi.Rejected rejected ->
              Check.fail(
                  "sentry api",
                  "Sentry answered " + rejected.status() + " for the issues of organization " + org,
                  switch (rejected.status()) {
                    case 401 -> "AUTOFIX_SENTRY_TOKEN is not a valid token: copy it again";
                    case 403 ->
                        "give the integration Issue & Event: Read (the token needs event:read)";
                    case 404 ->
                        "AUTOFIX_SENTRY_ORG is your organization's slug, as in its URLs; and"
                            + " AUTOFIX_SENTRY_API_URL your region's or server's host";
                    default -> "see Sentry's answer: " + rejected.body();
                  });
          case SentryApi.Unavailable unavailable ->
              Check.fail(
                  "sentry api",
                  unavailable.message(),
                  "check the network and AUTOFIX_SENTRY_API_URL, then run doctor again");
        });
    return checks;
  }
}
