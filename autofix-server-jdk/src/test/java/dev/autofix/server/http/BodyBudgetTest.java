package dev.autofix.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {
  private final BodyBudget budget = new BodyBudget(8 * 1024, 4 * 1024, Duration.ofMillis(10));

  @Test
  void aHold_takesRoomAsItGrows_andGivesAllOfItBackWhenClosed() throws Exception {
    try (BodyBudget.Hold hold = budget.hold()) {
      assertThat(budget.availableKib()).isEqualTo(8);
      assertThat(hold.growTo(1000)).isTrue();
      assertThat(budget.availableKib()).isEqualTo(7);
      assertThat(hold.growTo(3000)).isTrue();
      assertThat(budget.availableKib()).isEqualTo(5);
      assertThat(hold.growTo(2000)).isTrue(); // already held
      assertThat(budget.availableKib()).isEqualTo(5);
    }
    assertThat(budget.availableKib()).isEqualTo(8);
  }

  @Test
  void growTo_refuses_whenOthersHoldTheBudget_keepingWhatItHeld_andRecoversAfter()
      throws Exception {
    BodyBudget.Hold a = budget.hold();
    BodyBudget.Hold b = budget.hold();
    assertThat(a.growTo(4096)).isTrue();
    assertThat(b.growTo(3072)).isTrue();

    assertThat(b.growTo(8192)).isFalse();

    assertThat(budget.availableKib()).isEqualTo(1);
    a.close();
    assertThat(b.growTo(8192)).isTrue();
    b.close();
    assertThat(budget.availableKib()).isEqualTo(8);
  }

  @Test
  void slowBodies_holdOnlyWhatTheyGrewTo_soOthersStillFit() throws Exception {
    // eight bodies that declared the largest size but sent a byte each hold 1 KiB each
    BodyBudget.Hold[] slow = new BodyBudget.Hold[7];
    for (int i = 0; i < slow.length; i++) {
      slow[i] = budget.hold();
      assertThat(slow[i].growTo(1)).isTrue();
    }
    try (BodyBudget.Hold whole = budget.hold()) {
      assertThat(whole.growTo(1024)).isTrue();
    }
    for (BodyBudget.Hold hold : slow) {
      hold.close();
    }
    assertThat(budget.availableKib()).isEqualTo(8);
  }

  @Test
  void constructor_rejectsABudgetSmallerThanOneBody() {
    assertThatThrownBy(() -> new BodyBudget(1024, 4096, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must hold one largest body");
  }
}
