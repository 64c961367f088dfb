package dev.autofix.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, and their percentiles (nearest rank). */
final class Latencies {
  private long[] samples;
  private int size;
  private boolean sorted;

  Latencies(int initialCapacity) {
    this.samples = new long[Math.max(16, initialCapacity)];
  }

  void add(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, samples.length * 2);
    }
    samples[size++] = nanos;
    sorted = false;
  }

  void addAll(Latencies other) {
    for (int i = 0; i < other.size; i++) {
      add(other.samples[i]);
    }
  }

  int size() {
    return size;
  }

  /**
   * The nearest-rank percentile: the smallest sample such that at least {@code p} % of the samples
   * are at or below it; 0 when there are no samples.
   */
  long percentile(double p) {
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    }
    if (size == 0) {
      return 0;
    }
    sort();
    int rank = (int) Math.ceil(p / 100.0 * size);
    return samples[Math.max(0, rank - 1)];
  }

  long max() {
    return size == 0 ? 0 : percentile(100);
  }

  private void sort() {
    if (!sorted) {
      Arrays.sort(samples, 0, size);
      sorted = true;
    }
  }
}
