package dev.autofix.testkit;

import dev.autofix.core.model.PullRequestRef;
import dev.autofix.core.port.PullRequestPublisher;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@link PullRequestPublisher} that keeps one draft pull request per branch, like GitHub, and
 * records every request. Scripted results take precedence, in order.
 */
public final class RecordingPullRequestPublisher implements PullRequestPublisher {
  private final Map<String, PullRequestRef> byBranch = new HashMap<>();
  private final List<PublishRequest> requests = new ArrayList<>();
  private final Deque<PublishResult> script = new ArrayDeque<>();
  private Consumer<PublishRequest> hook = request -> {};

  /**
   * Runs {@code hook} inside every publish, while the patch's repository still exists (the
   * workspace is released after publishing).
   */
  public synchronized RecordingPullRequestPublisher onPublish(Consumer<PublishRequest> hook) {
    this.hook = hook;
    return this;
  }

  /** Makes the next publish answer {@code result}. */
  public synchronized RecordingPullRequestPublisher then(PublishResult result) {
    script.add(result);
    return this;
  }

  /** Every request, in order. */
  public synchronized List<PublishRequest> requests() {
    return List.copyOf(requests);
  }

  /** The pull requests opened, by branch. */
  public synchronized Map<String, PullRequestRef> pullRequests() {
    return Map.copyOf(byBranch);
  }

  @Override
  public synchronized PublishResult publish(PublishRequest request) {
    requests.add(request);
    hook.accept(request);
    PublishResult scripted = script.poll();
    if (scripted != null) {
      return scripted;
    }
    String branch = request.patch().branch();
    PullRequestRef existing = byBranch.get(branch);
    if (existing != null) {
      return new AlreadyOpen(existing);
    }
    int number = byBranch.size() + 1;
    PullRequestRef opened =
        new PullRequestRef(
            URI.create("https://github.example/acme/app/pull/" + number), number, branch, true);
    byBranch.put(branch, opened);
    return new Opened(opened);
  }
}
