package dev.autofix.github;

import dev.autofix.support.retry.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the waits instead of waiting. */
final class RecordingSleeper implements Sleeper {
  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) {
    waits.add(duration);
  }

  /** The waits other than the one-second spacing between writes. */
  List<Duration> retryWaits() {
    return waits.stream()
        .filter(d -> !d.equals(GitHubPullRequestPublisher.MUTATION_SPACING))
        .toList();
  }

  List<Duration> all() {
    return List.copyOf(waits);
  }
}
