package dev.autofix.store.jooq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autofix.core.model.IssueId;
import org.junit.jupiter.api.Test;

class KnownIssuesTest {
  @Test
  void runOf_returnsTheRememberedRun_andNothingForAnUnknownIssue() {
    KnownIssues known = new KnownIssues(10);
    known.remember(new IssueId("sentry", "1"), 42);

    assertThat(known.runOf(new IssueId("sentry", "1"))).hasValue(42);
    assertThat(known.runOf(new IssueId("sentry", "2"))).isEmpty();
    assertThat(known.runOf(new IssueId("other", "1"))).isEmpty();
  }

  @Test
  void remember_staysWithinCapacity_whenMoreIssuesArrive() {
    KnownIssues known = new KnownIssues(3);
    for (int i = 0; i < 100; i++) {
      known.remember(new IssueId("sentry", Integer.toString(i)), i);
    }

    assertThat(known.size()).isEqualTo(3);
    assertThat(known.runOf(new IssueId("sentry", "99"))).hasValue(99);
  }

  @Test
  void remember_keepsTheSize_whenAnIssueIsRememberedAgain() {
    KnownIssues known = new KnownIssues(2);
    known.remember(new IssueId("sentry", "1"), 1);
    known.remember(new IssueId("sentry", "2"), 2);
    known.remember(new IssueId("sentry", "2"), 2);

    assertThat(known.size()).isEqualTo(2);
    assertThat(known.runOf(new IssueId("sentry", "1"))).hasValue(1);
  }

  @Test
  void forget_removesTheIssue() {
    KnownIssues known = new KnownIssues(2);
    known.remember(new IssueId("sentry", "1"), 1);

    known.forget(new IssueId("sentry", "1"));

    assertThat(known.runOf(new IssueId("sentry", "1"))).isEmpty();
  }

  @Test
  void constructor_rejectsAZeroCapacity() {
    assertThatThrownBy(() -> new KnownIssues(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
