package dev.autofix.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.Delivery;
import dev.autofix.core.model.RunStatus;
import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.CountingWorkSignal;
import dev.autofix.testkit.FakeIssueSource;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.MutableClock;
import java.util.Map;
import org.junit.jupiter.api.Test;

// Lives in the testkit module because the use-case tests run over the testkit's fakes, and core
// cannot depend on the testkit (which depends on core).
class ReceiveDeliveryTest {
  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private final InMemoryRunStore store = new InMemoryRunStore();
  private final CountingWorkSignal signal = new CountingWorkSignal();
  private final FakeIssueSource source = new FakeIssueSource(64);
  private final ReceiveDelivery receive = new ReceiveDelivery(source, store, signal, clock);

  @Test
  void execute_acceptsAndQueuesRun_whenIssueIsNew() {
    ReceiveDelivery.Result result = receive(FakeIssueSource.delivery("42"));

    assertThat(result).isInstanceOf(ReceiveDelivery.Accepted.class);
    var run = ((ReceiveDelivery.Accepted) result).run();
    assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(run.issue().id().value()).isEqualTo("42");
    assertThat(run.createdAt()).isEqualTo(clock.instant());
    assertThat(store.find(run.id())).contains(run);
    assertThat(signal.wakeUps()).isEqualTo(1);
  }

  @Test
  void execute_isNoOp_whenIssueIsDuplicate() {
    var first = (ReceiveDelivery.Accepted) receive(FakeIssueSource.delivery("42"));

    ReceiveDelivery.Result second = receive(FakeIssueSource.delivery("42"));

    assertThat(second).isEqualTo(new ReceiveDelivery.Duplicate(first.run().id(), RunStatus.QUEUED));
    assertThat(store.list(RunStore.RunQuery.firstPage(10))).hasSize(1);
    assertThat(signal.wakeUps()).as("a duplicate does not wake the worker").isEqualTo(1);
  }

  @Test
  void execute_ignores_whenDeliveryIsNotANewIssue() {
    ReceiveDelivery.Result result =
        receive(FakeIssueSource.delivery("ignore:issue.resolved", FakeIssueSource.VALID));

    assertThat(result).isEqualTo(new ReceiveDelivery.Ignored("issue.resolved"));
    assertThat(store.list(RunStore.RunQuery.firstPage(10))).isEmpty();
    assertThat(signal.wakeUps()).isZero();
  }

  @Test
  void execute_isUnauthorized_whenSignatureIsWrongOrMissing() {
    assertThat(receive(FakeIssueSource.delivery("issue:42", "forged")))
        .isInstanceOf(ReceiveDelivery.Unauthorized.class);
    assertThat(receive(FakeIssueSource.delivery("issue:42", null)))
        .isInstanceOf(ReceiveDelivery.Unauthorized.class);
    assertThat(store.list(RunStore.RunQuery.firstPage(10))).isEmpty();
  }

  @Test
  void execute_isMalformed_whenBodyCannotBeParsed() {
    assertThat(receive(FakeIssueSource.delivery("{not json", FakeIssueSource.VALID)))
        .isInstanceOf(ReceiveDelivery.Malformed.class);
    assertThat(store.list(RunStore.RunQuery.firstPage(10))).isEmpty();
  }

  @Test
  void execute_isTooLarge_whenBodyExceedsLimit() {
    Delivery big = new Delivery(Map.of(FakeIssueSource.SIGNATURE_HEADER, "valid"), new byte[65]);

    assertThat(receive(big)).isEqualTo(new ReceiveDelivery.TooLarge(64));
  }

  @Test
  void execute_isUnavailable_whenRunCannotBeRecorded() {
    store.setAvailable(false);

    ReceiveDelivery.Result result = receive(FakeIssueSource.delivery("42"));

    assertThat(result).isInstanceOf(ReceiveDelivery.Unavailable.class);
    assertThat(signal.wakeUps()).isZero();
  }

  private ReceiveDelivery.Result receive(Delivery delivery) {
    return receive.execute(new ReceiveDelivery.Command(delivery));
  }
}
