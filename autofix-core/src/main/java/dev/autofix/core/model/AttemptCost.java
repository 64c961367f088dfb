package dev.autofix.core.model;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What one agent attempt cost, recorded with the transition that ended it, so that every attempt
 * keeps its own figure (a retry adds one; nothing overwrites one) and a run's or a day's cost is
 * their sum.
 *
 * @param agent the agent that ran ({@code claude}, {@code codex}, {@code command})
 * @param costUsd what it cost in US dollars: the agent's own report (Claude Code), or its tokens at
 *     the configured prices (Codex); {@code null} when unknown
 * @param inputTokens the input tokens it reported, or {@code null}
 * @param outputTokens the output tokens it reported, or {@code null}
 */
public record AttemptCost(String agent, BigDecimal costUsd, Long inputTokens, Long outputTokens) {
  public AttemptCost {
    Objects.requireNonNull(agent, "agent == null");
    agent = Texts.storable(agent);
    if (costUsd != null && costUsd.signum() < 0) {
      throw new IllegalArgumentException("costUsd < 0: " + costUsd);
    }
  }
}
