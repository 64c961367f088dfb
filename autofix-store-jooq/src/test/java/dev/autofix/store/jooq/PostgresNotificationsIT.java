package dev.autofix.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresNotificationsIT {

  @Test
  void signal_wakesTheListenersOfEveryProcess() throws Exception {
    String channel = "autofix_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    Semaphore first = new Semaphore(0);
    Semaphore second = new Semaphore(0);
    try (TestDatabase.Schema a = TestDatabase.freshSchema(3);
        TestDatabase.Schema b = TestDatabase.Schema.sameSchema(a, 3);
        PostgresNotifications one =
            PostgresNotifications.listen(a.dataSource(), channel, first::release);
        PostgresNotifications two =
            PostgresNotifications.listen(b.dataSource(), channel, second::release)) {
      Thread.sleep(300); // both LISTENs are in place

      one.signal().wake();

      assertThat(second.tryAcquire(5, TimeUnit.SECONDS)).as("the other process woke").isTrue();
      assertThat(first.tryAcquire(5, TimeUnit.SECONDS)).as("and this one too").isTrue();
    }
  }

  @Test
  void listen_refusesAChannelThatIsNotAPlainName() {
    try (TestDatabase.Schema a = TestDatabase.freshSchema(2)) {
      assertThatThrownBy(
              () -> PostgresNotifications.listen(a.dataSource(), "x; drop table runs", () -> {}))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
