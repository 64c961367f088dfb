package dev.autofix.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatenciesTest {
  @Test
  void percentile_isTheNearestRank_whenSamplesArriveUnordered() {
    Latencies latencies = new Latencies(4);
    for (long v = 100; v >= 1; v--) {
      latencies.add(v);
    }

    assertThat(latencies.percentile(50)).isEqualTo(50);
    assertThat(latencies.percentile(99)).isEqualTo(99);
    assertThat(latencies.percentile(99.5)).isEqualTo(100);
    assertThat(latencies.max()).isEqualTo(100);
    assertThat(latencies.size()).isEqualTo(100);
  }

  @Test
  void percentile_isTheSmallestSampleCoveringP_whenFewSamples() {
    Latencies latencies = new Latencies(1);
    latencies.add(30);
    latencies.add(10);
    latencies.add(20);

    assertThat(latencies.percentile(1)).isEqualTo(10);
    assertThat(latencies.percentile(50)).isEqualTo(20);
    assertThat(latencies.percentile(99)).isEqualTo(30);
  }

  @Test
  void percentile_isZero_whenEmpty_andRejectsOutOfRange() {
    Latencies latencies = new Latencies(1);

    assertThat(latencies.percentile(99)).isZero();
    assertThatThrownBy(() -> latencies.percentile(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void addAll_mergesAnotherRecorder() {
    Latencies a = new Latencies(1);
    Latencies b = new Latencies(1);
    a.add(5);
    b.add(1);
    b.add(9);

    a.addAll(b);

    assertThat(a.size()).isEqualTo(3);
    assertThat(a.percentile(50)).isEqualTo(5);
  }
}
