package dev.autofix.core.usecase;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * A dollar ceiling on a day's agents, beside the daily count ({@code
 * AUTOFIX_MAX_SPEND_PER_DAY_USD}). What an agent costs is known only once it has ended, so the
 * ceiling counts as reached when today's spend plus, for every running agent, its per-run budget
 * would pass it. An agent without a budget (one that cannot cap its own cost) counts for nothing
 * until it reports its cost: then the ceiling is reached only when today's spend has got there.
 *
 * @param maxPerDayUsd the most today's agents may cost, in US dollars
 * @param zone the zone whose midnight starts a new day (the daily cap's)
 */
public record SpendCeiling(BigDecimal maxPerDayUsd, ZoneId zone) {
  public SpendCeiling {
    Objects.requireNonNull(maxPerDayUsd, "maxPerDayUsd == null");
    Objects.requireNonNull(zone, "zone == null");
    if (maxPerDayUsd.signum() <= 0) {
      throw new IllegalArgumentException("maxPerDayUsd must be positive: " + maxPerDayUsd);
    }
  }

  /**
   * Why one more agent start would pass the ceiling, or empty when it would not.
   *
   * @param spentToday what today's ended runs cost
   * @param running how many runs are running, this one included
   * @param budgetPerRun the most one run of this agent may cost, if it has a budget
   */
  public Optional<String> reached(
      BigDecimal spentToday, long running, Optional<BigDecimal> budgetPerRun) {
    Objects.requireNonNull(spentToday, "spentToday == null");
    boolean reached =
        budgetPerRun
            .map(b -> spentToday.add(b.multiply(BigDecimal.valueOf(running))))
            .map(projected -> projected.compareTo(maxPerDayUsd) > 0)
            .orElse(spentToday.compareTo(maxPerDayUsd) >= 0);
    if (!reached) {
      return Optional.empty();
    }
    return Optional.of(
        "daily spend ceiling of $"
            + maxPerDayUsd.toPlainString()
            + " reached ($"
            + spentToday.toPlainString()
            + " spent today"
            + budgetPerRun
                .map(b -> ", " + running + " running at up to $" + b.toPlainString() + " each")
                .orElse("")
            + ")");
  }

  /** When today started, in the ceiling's zone. */
  public Instant startOfDay(Instant now) {
    return LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
  }

  /** When the next day starts, in the ceiling's zone. */
  public Instant nextDay(Instant now) {
    return LocalDate.ofInstant(now, zone).plusDays(1).atStartOfDay(zone).toInstant();
  }
}
