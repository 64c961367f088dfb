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
 * would pass it. When today's spend and this run's own budget fit, and only the other running
 * agents' budgets do not, the run waits a few minutes ({@link Busy}) rather than until the next day
 * ({@link Reached}). An agent without a budget (one that cannot cap its own cost) counts for
 * nothing until it reports its cost: then the ceiling is reached only when today's spend has got
 * there.
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

  /** Whether one more agent may start under the ceiling now. */
  public sealed interface Check permits Fits, Busy, Reached {}

  /** It fits. */
  public record Fits() implements Check {}

  /**
   * It would fit by today's spend alone, but not beside the agents running now: it waits a little
   * rather than until tomorrow, since they may end cheaper than their budget, or never start.
   */
  public record Busy(String reason) implements Check {}

  /** Today's spend (with this run's budget) reaches the ceiling: it waits for the next day. */
  public record Reached(String reason) implements Check {}

  /**
   * Whether one more agent may start.
   *
   * @param spentToday what today's ended runs cost
   * @param running how many runs are running, this one included
   * @param budgetPerRun the most one run of this agent may cost, if it has a budget
   */
  public Check check(BigDecimal spentToday, long running, Optional<BigDecimal> budgetPerRun) {
    Objects.requireNonNull(spentToday, "spentToday == null");
    String spent = "$" + spentToday.toPlainString() + " spent today";
    if (budgetPerRun.isEmpty()) {
      return spentToday.compareTo(maxPerDayUsd) >= 0 ? new Reached(reason(spent)) : new Fits();
    }
    BigDecimal budget = budgetPerRun.get();
    if (spentToday.add(budget).compareTo(maxPerDayUsd) > 0) {
      return new Reached(
          reason(spent + ", and this run may cost up to $" + budget.toPlainString()));
    }
    BigDecimal projected = spentToday.add(budget.multiply(BigDecimal.valueOf(running)));
    if (projected.compareTo(maxPerDayUsd) > 0) {
      return new Busy(
          reason(
              spent + ", " + running + " running at up to $" + budget.toPlainString() + " each"));
    }
    return new Fits();
  }

  private String reason(String figures) {
    return "daily spend ceiling of $" + maxPerDayUsd.toPlainString() + " reached (" + figures + ")";
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
