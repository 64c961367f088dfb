package dev.autofix.store.jooq.internal;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** Tells a database that cannot be reached from other failures, and words both on one line. */
public final class DatabaseFailures {
  private DatabaseFailures() {}

  /** Whether {@code failure} means the database could not be reached (down, refused, timed out). */
  public static boolean isUnreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof ConnectException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        // 08: connection exception; 57P01..57P03: the server is shutting down or starting up.
        if (state.startsWith("08") || state.startsWith("57P")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Whether {@code failure} says the database is out of a resource for now (SQLSTATE class 53: disk
   * full, out of memory, too many connections): like an unreachable database, an outage to retry
   * later, not a defect.
   */
  public static boolean isOutOfResources(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState().startsWith("53");
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Whether {@code failure} is about the values of a row (SQLSTATE class 22, data exception, or 23,
   * integrity constraint violation): the same statement without that row would have succeeded.
   */
  public static boolean isAboutOneRow(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return state.startsWith("22") || state.startsWith("23");
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The innermost message of {@code failure}'s chain, on one line. */
  public static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.replaceAll("\\s+", " ").trim();
  }

  /**
   * {@code url} with any password taken out, for messages and logs: the {@code password}
   * parameter's value becomes {@code ****}.
   */
  public static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
  }
}
