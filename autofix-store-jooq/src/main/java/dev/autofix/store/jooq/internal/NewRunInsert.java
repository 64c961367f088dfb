package dev.autofix.store.jooq.internal;

import static dev.autofix.store.jooq.schema.Tables.RUNS;
import static dev.autofix.store.jooq.schema.Tables.RUN_EVENTS;

import dev.autofix.core.model.Issue;
import dev.autofix.core.model.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.jooq.CommonTableExpression;
import org.jooq.DSLContext;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.Record1;
import org.jooq.impl.DSL;

/**
 * The insert-if-absent of a new run, as one statement: insert the run {@code on conflict do
 * nothing}, and the first history entry for the row it created, if any (PostgreSQL runs every
 * data-modifying CTE to completion), returning only the new run's id.
 *
 * <p>jOOQ builds and renders the statement once, from the generated tables; each call then binds
 * its values on a plain JDBC {@link PreparedStatement}, which the driver prepares on the server
 * after a few uses. Rendering and mapping through jOOQ on every call cost about a third of the
 * throughput of this, the hottest statement (see the module README's benchmark).
 */
public final class NewRunInsert {
  /** The parameters, in the order the caller's values are bound. */
  private enum P {
    SOURCE,
    ISSUE_ID,
    SHORT_ID,
    PROJECT,
    TITLE,
    CULPRIT,
    LEVEL,
    PERMALINK,
    FIRST_SEEN,
    EVENT_COUNT,
    CREATED_AT,
    UPDATED_AT,
    EVENT_AT
  }

  private final String sql;
  // positions[p.ordinal()] = the 1-based JDBC index of parameter p in the rendered statement
  private final int[] positions;

  private NewRunInsert(String sql, int[] positions) {
    this.sql = sql;
    this.positions = positions;
  }

  /** Renders the statement with {@code dsl}'s dialect and settings. */
  public static NewRunInsert render(DSLContext dsl) {
    String queued = RunStatus.QUEUED.wireName();
    CommonTableExpression<Record1<Long>> created =
        DSL.name("created")
            .as(
                DSL.insertInto(
                        RUNS,
                        RUNS.SOURCE,
                        RUNS.ISSUE_ID,
                        RUNS.SHORT_ID,
                        RUNS.PROJECT,
                        RUNS.TITLE,
                        RUNS.CULPRIT,
                        RUNS.LEVEL,
                        RUNS.PERMALINK,
                        RUNS.FIRST_SEEN,
                        RUNS.EVENT_COUNT,
                        RUNS.STATUS,
                        RUNS.ATTEMPTS,
                        RUNS.CREATED_AT,
                        RUNS.UPDATED_AT)
                    .values(
                        param(P.SOURCE, RUNS.SOURCE),
                        param(P.ISSUE_ID, RUNS.ISSUE_ID),
                        param(P.SHORT_ID, RUNS.SHORT_ID),
                        param(P.PROJECT, RUNS.PROJECT),
                        param(P.TITLE, RUNS.TITLE),
                        param(P.CULPRIT, RUNS.CULPRIT),
                        param(P.LEVEL, RUNS.LEVEL),
                        param(P.PERMALINK, RUNS.PERMALINK),
                        param(P.FIRST_SEEN, RUNS.FIRST_SEEN),
                        param(P.EVENT_COUNT, RUNS.EVENT_COUNT),
                        DSL.inline(queued, RUNS.STATUS),
                        DSL.inline(0, RUNS.ATTEMPTS),
                        param(P.CREATED_AT, RUNS.CREATED_AT),
                        param(P.UPDATED_AT, RUNS.UPDATED_AT))
                    .onConflict(RUNS.SOURCE, RUNS.ISSUE_ID)
                    .doNothing()
                    .returningResult(RUNS.ID));
    CommonTableExpression<Record1<Long>> event =
        DSL.name("event")
            .as(
                DSL.insertInto(
                        RUN_EVENTS,
                        RUN_EVENTS.RUN_ID,
                        RUN_EVENTS.FROM_STATUS,
                        RUN_EVENTS.TO_STATUS,
                        RUN_EVENTS.AT,
                        RUN_EVENTS.REASON)
                    .select(
                        DSL.select(
                                created.field(RUNS.ID),
                                DSL.inline(null, RUN_EVENTS.FROM_STATUS),
                                DSL.inline(queued, RUN_EVENTS.TO_STATUS),
                                param(P.EVENT_AT, RUN_EVENTS.AT),
                                DSL.inline("new issue", RUN_EVENTS.REASON))
                            .from(created))
                    .returningResult(RUN_EVENTS.ID));
    Query query = DSL.with(created).with(event).select(created.field(RUNS.ID)).from(created);
    String sql = dsl.render(query);
    // jOOQ lists the parameters in the order it renders them; inlined ones have no placeholder
    List<String> order = new ArrayList<>();
    dsl.extractParams(query)
        .forEach(
            (name, param) -> {
              if (!param.isInline()) {
                order.add(name);
              }
            });
    int placeholders = (int) sql.chars().filter(c -> c == '?').count();
    if (order.size() != P.values().length || placeholders != order.size()) {
      throw new IllegalStateException(
          "the insert rendered " + placeholders + " placeholders for parameters " + order);
    }
    int[] positions = new int[P.values().length];
    for (P p : P.values()) {
      int at = order.indexOf(p.name());
      if (at < 0) {
        throw new IllegalStateException("parameter " + p + " missing from " + order);
      }
      positions[p.ordinal()] = at + 1;
    }
    return new NewRunInsert(sql, positions);
  }

  private static <T> Param<T> param(P p, org.jooq.Field<T> column) {
    return DSL.param(p.name(), column.getDataType());
  }

  /** The statement as sent, for tests and logs. */
  public String sql() {
    return sql;
  }

  /**
   * Inserts a queued run for {@code issue} created at {@code now} (to the microsecond, as stored),
   * unless the issue has one already.
   *
   * @return the new run's id; empty when a run for the issue existed (the unique key decided)
   */
  public OptionalLong execute(Connection connection, Issue issue, Instant now) throws SQLException {
    Objects.requireNonNull(issue, "issue == null");
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      setText(statement, P.SOURCE, issue.id().source());
      setText(statement, P.ISSUE_ID, issue.id().value());
      setText(statement, P.SHORT_ID, issue.shortId());
      setText(statement, P.PROJECT, issue.project());
      setText(statement, P.TITLE, issue.title());
      setText(statement, P.CULPRIT, issue.culprit());
      setText(statement, P.LEVEL, issue.level().wireName());
      setText(
          statement, P.PERMALINK, issue.permalink() == null ? null : issue.permalink().toString());
      setTime(statement, P.FIRST_SEEN, issue.firstSeen());
      statement.setLong(positions[P.EVENT_COUNT.ordinal()], issue.eventCount());
      setTime(statement, P.CREATED_AT, now);
      setTime(statement, P.UPDATED_AT, now);
      setTime(statement, P.EVENT_AT, now);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  private void setText(PreparedStatement statement, P p, String value) throws SQLException {
    int at = positions[p.ordinal()];
    if (value == null) {
      statement.setNull(at, Types.VARCHAR);
    } else {
      statement.setString(at, value);
    }
  }

  private void setTime(PreparedStatement statement, P p, Instant value) throws SQLException {
    int at = positions[p.ordinal()];
    if (value == null) {
      statement.setNull(at, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      statement.setObject(at, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
    }
  }
}
