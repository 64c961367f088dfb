package dev.autofix.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {
  private final BodyBudget budget = new BodyBudget(8 * 1024, 4 * 1024, Duration.ofMillis(10));

  @Test
  void reserve_holdsTheDeclaredLength_untilClosed() throws Exception {
    try (BodyBudget.Reservation r = budget.reserve(3000).orElseThrow()) {
      assertThat(budget.availableKib()).isEqualTo(8 - 3);
    }
    assertThat(budget.availableKib()).isEqualTo(8);
  }

  @Test
  void reserve_refuses_whenFullBodiesFillTheBudget_andRecoversAfter() throws Exception {
    BodyBudget.Reservation a = budget.reserve(-1).orElseThrow(); // undeclared: the largest body
    BodyBudget.Reservation b = budget.reserve(1_000_000).orElseThrow(); // over: the largest body

    Optional<BodyBudget.Reservation> c = budget.reserve(10);

    assertThat(c).isEmpty();
    a.close();
    b.close();
    assertThat(budget.reserve(10)).isPresent();
  }

  @Test
  void reserve_takesAtLeastOneKib_forAnEmptyBody() throws Exception {
    budget.reserve(0).orElseThrow();

    assertThat(budget.availableKib()).isEqualTo(7);
  }

  @Test
  void constructor_rejectsABudgetSmallerThanOneBody() {
    assertThatThrownBy(() -> new BodyBudget(1024, 4096, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must hold one largest body");
  }
}
