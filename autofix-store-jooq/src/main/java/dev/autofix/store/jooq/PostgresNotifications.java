package dev.autofix.store.jooq;

import static org.jooq.impl.DSL.function;
import static org.jooq.impl.DSL.inline;

import dev.autofix.core.port.WorkSignal;
import dev.autofix.store.jooq.internal.Dsl;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.SQLDataType;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the workers of every process that shares the database when a run becomes runnable, with
 * PostgreSQL {@code LISTEN/NOTIFY}: {@link #signal()} notifies, and each process's listener calls
 * its own wake-up. Polling stays the backstop; a lost notification only delays a run to the next
 * poll.
 */
public final class PostgresNotifications implements AutoCloseable {
  /** The channel autofix notifies on. */
  public static final String DEFAULT_CHANNEL = "autofix_work";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresNotifications.class);

  /** At most one notification per this gap: other processes hear of new work this much later. */
  static final Duration NOTIFY_GAP = Duration.ofMillis(20);

  private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final DataSource dataSource;
  private final DSLContext dsl;
  private final String channel;
  private final Runnable onWake;
  private final Thread listener;
  private final Thread notifier;
  private final java.util.concurrent.Semaphore pending = new java.util.concurrent.Semaphore(0);
  private volatile boolean running = true;

  private PostgresNotifications(DataSource dataSource, String channel, Runnable onWake) {
    this.dataSource = dataSource;
    this.dsl = Dsl.on(dataSource);
    this.channel = channel;
    this.onWake = onWake;
    this.listener =
        Thread.ofPlatform().daemon().name("autofix-listen-" + channel).unstarted(this::listen);
    this.notifier =
        Thread.ofPlatform().daemon().name("autofix-notify-" + channel).unstarted(this::send);
  }

  /**
   * Starts listening on {@code channel}; {@code onWake} runs (on the listener thread) for each
   * batch of notifications. The listener holds one connection of {@code dataSource} while it lives
   * and reconnects when the database comes back.
   */
  public static PostgresNotifications listen(
      DataSource dataSource, String channel, Runnable onWake) {
    Objects.requireNonNull(dataSource, "dataSource == null");
    Objects.requireNonNull(onWake, "onWake == null");
    if (channel == null || !CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("not a channel name: " + channel);
    }
    PostgresNotifications notifications = new PostgresNotifications(dataSource, channel, onWake);
    notifications.listener.start();
    notifications.notifier.start();
    return notifications;
  }

  /**
   * The signal that notifies every listener on the channel. It never throws and never waits: the
   * notification goes out on a thread of its own, and wake-ups that arrive while one is pending are
   * folded into it (the webhook's answer does not wait on a database round trip).
   */
  public WorkSignal signal() {
    return () -> {
      if (pending.availablePermits() == 0) {
        pending.release();
      }
    };
  }

  /**
   * Notifies every listener on {@code channel} once, now, and waits for it: for a short-lived
   * process (such as {@code autofix trigger}) that records a run and exits. Returns whether the
   * notification went out; a failure only delays the run to the listeners' next poll.
   */
  public static boolean notifyOnce(DataSource dataSource, String channel) {
    Objects.requireNonNull(dataSource, "dataSource == null");
    if (channel == null || !CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("not a channel name: " + channel);
    }
    try {
      Dsl.on(dataSource)
          .select(function("pg_notify", SQLDataType.VARCHAR, inline(channel), inline("")))
          .execute();
      return true;
    } catch (RuntimeException e) {
      LOG.debug("could not notify other processes; they will poll: {}", e.getMessage());
      return false;
    }
  }

  private void send() {
    while (running) {
      try {
        pending.acquire();
        pending.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
      try {
        // pg_notify is a function, so jOOQ can say it; LISTEN below has no such form.
        dsl.select(function("pg_notify", SQLDataType.VARCHAR, inline(channel), inline("")))
            .execute();
      } catch (RuntimeException e) {
        LOG.debug("could not notify other processes; they will poll: {}", e.getMessage());
      }
      try {
        // A burst of new issues folds into one notification per gap instead of a round trip
        // per issue (a measured eighth of the server's CPU under a burst of new issues).
        Thread.sleep(NOTIFY_GAP);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void listen() {
    while (running) {
      try (Connection connection = dataSource.getConnection();
          Statement statement = connection.createStatement()) {
        connection.setAutoCommit(true);
        statement.execute("LISTEN " + channel); // the name is checked against CHANNEL above
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          // a short wait, as a stop waits for it (an interrupt does not end the socket read)
          PGNotification[] notifications = pg.getNotifications(250);
          if (notifications != null && notifications.length > 0) {
            onWake.run();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (running) {
          LOG.debug("listening for work failed ({}); retrying in 1 s", e.getMessage());
          sleep();
        }
      }
    }
  }

  private void sleep() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    listener.interrupt();
    notifier.interrupt();
    try {
      notifier.join(5_000);
      listener.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
