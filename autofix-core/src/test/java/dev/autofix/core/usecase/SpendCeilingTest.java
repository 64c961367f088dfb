package dev.autofix.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpendCeilingTest {
  private final SpendCeiling five = new SpendCeiling(new BigDecimal("5"), ZoneOffset.UTC);

  @Test
  void check_countsEveryRunningAgentAtItsBudget_butOnlyTodaysSpendDefersToTomorrow() {
    Optional<BigDecimal> two = Optional.of(new BigDecimal("2"));

    assertThat(five.check(new BigDecimal("1"), 2, two))
        .as("1 + 2 x 2 = 5")
        .isEqualTo(new SpendCeiling.Fits());
    assertThat(five.check(new BigDecimal("1.01"), 2, two))
        .as("5.01, but 1.01 + 2 fits alone")
        .isInstanceOf(SpendCeiling.Busy.class);
    assertThat(five.check(BigDecimal.ZERO, 3, two)).as("6").isInstanceOf(SpendCeiling.Busy.class);
    assertThat(five.check(new BigDecimal("3.5"), 1, two))
        .as("3.5 + 2 > 5 even alone")
        .isEqualTo(
            new SpendCeiling.Reached(
                "daily spend ceiling of $5 reached ($3.5 spent today, and this run may cost up to"
                    + " $2)"));
  }

  @Test
  void check_withoutABudget_onlyOnceTodaysSpendGotThere() {
    assertThat(five.check(new BigDecimal("4.99"), 9, Optional.empty()))
        .isEqualTo(new SpendCeiling.Fits());
    assertThat(five.check(new BigDecimal("5"), 0, Optional.empty()))
        .isEqualTo(new SpendCeiling.Reached("daily spend ceiling of $5 reached ($5 spent today)"));
  }

  @Test
  void theDay_isTheZones() {
    SpendCeiling berlin = new SpendCeiling(BigDecimal.ONE, ZoneId.of("Europe/Berlin"));
    Instant lateEvening = Instant.parse("2026-12-06T23:30:00Z"); // 00:30 on the 7th in Berlin

    assertThat(berlin.startOfDay(lateEvening)).isEqualTo(Instant.parse("2026-12-06T23:00:00Z"));
    assertThat(berlin.nextDay(lateEvening)).isEqualTo(Instant.parse("2026-12-07T23:00:00Z"));
  }

  @Test
  void rejectsACeilingThatIsNotPositive() {
    assertThatThrownBy(() -> new SpendCeiling(BigDecimal.ZERO, ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPerDayUsd must be positive");
  }
}
