package dev.autofix.core.model;

import java.math.BigDecimal;

/**
 * What an agent reported about its work. Nothing in here is trusted to decide success: the diff and
 * the harness's own verification do that.
 *
 * @param summary the agent's summary (root cause, fix, how it verified it), or {@code null}
 * @param costUsd the cost the agent reported, or {@code null}
 * @param turns how many turns the agent took, or {@code null}
 * @param sessionId the agent's session id, or {@code null}
 * @param inputTokens the input tokens the agent reported using, or {@code null}
 * @param outputTokens the output tokens the agent reported using, or {@code null}
 */
public record AgentReport(
    String summary,
    BigDecimal costUsd,
    Integer turns,
    String sessionId,
    Long inputTokens,
    Long outputTokens) {
  /** A report without token counts. */
  public AgentReport(String summary, BigDecimal costUsd, Integer turns, String sessionId) {
    this(summary, costUsd, turns, sessionId, null, null);
  }

  /** A report that says nothing. */
  public static AgentReport empty() {
    return new AgentReport(null, null, null, null);
  }
}
