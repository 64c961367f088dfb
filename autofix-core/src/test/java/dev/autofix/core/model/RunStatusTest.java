package dev.autofix.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunStatusTest {

  @Test
  void wireName_isTheHttpApiSpelling() {
    assertThat(RunStatus.values())
        .extracting(RunStatus::wireName)
        .containsExactly(
            "queued",
            "deferred",
            "running",
            "pr_opened",
            "branch_pushed",
            "no_fix",
            "failed",
            "cancelled");
    for (RunStatus status : RunStatus.values()) {
      assertThat(RunStatus.fromWire(status.wireName())).isEqualTo(status);
    }
  }

  @Test
  void fromWire_rejectsUnknownStatus() {
    assertThatThrownBy(() -> RunStatus.fromWire("done"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown run status: done");
  }

  @Test
  void canTransitionTo_allowsExactlyTheStateMachine() {
    assertAllowed(RunStatus.QUEUED, EnumSet.of(RunStatus.RUNNING, RunStatus.CANCELLED));
    assertAllowed(
        RunStatus.DEFERRED, EnumSet.of(RunStatus.RUNNING, RunStatus.CANCELLED, RunStatus.QUEUED));
    assertAllowed(
        RunStatus.RUNNING,
        EnumSet.of(
            RunStatus.QUEUED,
            RunStatus.DEFERRED,
            RunStatus.PR_OPENED,
            RunStatus.BRANCH_PUSHED,
            RunStatus.NO_FIX,
            RunStatus.FAILED,
            RunStatus.CANCELLED));
    for (RunStatus terminal :
        EnumSet.of(
            RunStatus.PR_OPENED,
            RunStatus.BRANCH_PUSHED,
            RunStatus.NO_FIX,
            RunStatus.FAILED,
            RunStatus.CANCELLED)) {
      assertThat(terminal.isTerminal()).isTrue();
      assertAllowed(terminal, EnumSet.of(RunStatus.QUEUED));
    }
  }

  @Test
  void isRunnable_onlyForQueuedAndDeferred() {
    assertThat(EnumSet.allOf(RunStatus.class).stream().filter(RunStatus::isRunnable))
        .containsExactly(RunStatus.QUEUED, RunStatus.DEFERRED);
  }

  private static void assertAllowed(RunStatus from, Set<RunStatus> allowed) {
    for (RunStatus to : RunStatus.values()) {
      assertThat(from.canTransitionTo(to))
          .as("%s -> %s", from.wireName(), to.wireName())
          .isEqualTo(allowed.contains(to));
    }
  }
}
