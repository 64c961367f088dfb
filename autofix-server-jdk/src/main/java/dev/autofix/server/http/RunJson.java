package dev.autofix.server.http;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.RunEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shape of a run in the HTTP API (the field names are the API's contract). */
final class RunJson {
  private RunJson() {}

  static Map<String, Object> of(FixRun run) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", run.id().value());
    json.put("source", run.issue().id().source());
    json.put("issueId", run.issue().id().value());
    json.put("shortId", run.issue().shortId());
    json.put("project", run.issue().project());
    json.put("title", run.issue().title());
    json.put("culprit", run.issue().culprit());
    json.put("level", run.issue().level().wireName());
    json.put(
        "issueUrl", run.issue().permalink() == null ? null : run.issue().permalink().toString());
    json.put("status", run.status().wireName());
    json.put("createdAt", time(run.createdAt()));
    json.put("updatedAt", time(run.updatedAt()));
    json.put("startedAt", time(run.startedAt()));
    json.put("finishedAt", time(run.finishedAt()));
    json.put("notBefore", time(run.notBefore()));
    json.put("attempts", run.attempts());
    json.put("agent", run.agent());
    json.put("branch", run.branch());
    String url = run.pullRequestUrl() == null ? null : run.pullRequestUrl().toString();
    // In the branch mode the run keeps the compare page where a pull request would be.
    boolean branchOnly = run.status() == dev.autofix.core.model.RunStatus.BRANCH_PUSHED;
    json.put("prUrl", branchOnly ? null : url);
    json.put("compareUrl", branchOnly ? url : null);
    json.put("summary", run.summary());
    json.put("reason", run.reason());
    json.put("costUsd", run.costUsd());
    if (run.verifiedFix() != null) {
      // a verified commit waiting for the pull request host to come back
      Map<String, Object> pending = new LinkedHashMap<>();
      pending.put("commit", run.verifiedFix().patch().commit());
      pending.put("failedTries", run.verifiedFix().publishTries());
      pending.put("since", time(run.verifiedFix().publishSince()));
      pending.put("lastFailure", run.verifiedFix().lastFailure());
      json.put("pendingPublish", pending);
    }
    return json;
  }

  static List<Map<String, Object>> history(List<RunEvent> events) {
    return events.stream()
        .map(
            e -> {
              Map<String, Object> json = new LinkedHashMap<>();
              json.put("from", e.from() == null ? null : e.from().wireName());
              json.put("to", e.to().wireName());
              json.put("at", time(e.at()));
              json.put("reason", e.reason());
              if (e.cost() != null) {
                // the agent attempt this transition ended, and what it cost
                Map<String, Object> cost = new LinkedHashMap<>();
                cost.put("agent", e.cost().agent());
                cost.put("costUsd", e.cost().costUsd());
                cost.put("inputTokens", e.cost().inputTokens());
                cost.put("outputTokens", e.cost().outputTokens());
                json.put("attempt", cost);
              }
              return json;
            })
        .toList();
  }

  /**
   * What the run's agent attempts cost together, from its history; {@code null} when no attempt
   * reported a cost. ({@code costUsd} stays the last report, as before.)
   */
  static java.math.BigDecimal totalCost(List<RunEvent> events) {
    return events.stream()
        .map(RunEvent::cost)
        .filter(c -> c != null && c.costUsd() != null)
        .map(c -> c.costUsd())
        .reduce(java.math.BigDecimal::add)
        .orElse(null);
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
