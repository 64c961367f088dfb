package dev.autofix.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DefectsTest {

  private static RuntimeException sameBug(String message) {
    return new IllegalStateException(message);
  }

  private static RuntimeException otherBug() {
    return new IllegalArgumentException("x");
  }

  @Test
  void fingerprint_isStableAcrossOccurrences_andIgnoresMessages() {
    String[] prints = new String[2];
    for (int i = 0; i < 2; i++) {
      prints[i] = Defects.fingerprint(sameBug("run " + i + " failed at " + System.nanoTime()));
    }
    assertThat(prints[0]).isEqualTo(prints[1]).hasSize(12).matches("[0-9a-f]+");
  }

  @Test
  void fingerprint_differsBetweenBugs() {
    assertThat(Defects.fingerprint(sameBug("a"))).isNotEqualTo(Defects.fingerprint(otherBug()));
    assertThat(Defects.fingerprint(new RuntimeException("wrap", sameBug("a"))))
        .isNotEqualTo(Defects.fingerprint(sameBug("a")));
  }

  @Test
  void describe_namesTypeMessageAndFingerprint() {
    assertThat(Defects.describe(new IllegalStateException("boom"), "abc"))
        .isEqualTo("defect abc: IllegalStateException: boom");
    assertThat(Defects.describe(new NullPointerException(), "abc"))
        .isEqualTo("defect abc: NullPointerException");
  }
}
