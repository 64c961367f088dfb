package dev.autofix.store.jooq.internal;

import static dev.autofix.store.jooq.schema.Tables.RUNS;
import static dev.autofix.store.jooq.schema.Tables.RUN_EVENTS;

import dev.autofix.core.model.FixRun;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.CommonTableExpression;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.Record1;
import org.jooq.Record5;
import org.jooq.impl.DSL;

/**
 * The insert-if-absent of new runs, as one statement for one or more issues: insert the runs {@code
 * on conflict do nothing}, and the first history entry for each row it created (PostgreSQL runs
 * every data-modifying CTE to completion), returning the created runs' ids with their issue keys.
 *
 * <p>jOOQ builds and renders the statement once per row count, from the generated tables; each call
 * then binds its values on a plain JDBC {@link PreparedStatement}, which the driver prepares on the
 * server after a few uses. Rendering and mapping through jOOQ on every call cost about a third of
 * the throughput of this, the hottest statement (see the module README's benchmark).
 */
public final class NewRunInsert {
  /** The parameters of one row, in the order the caller's values are bound. */
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
    REASON
  }

  /** One issue to insert, created at {@code now}. */
  public record Row(Issue issue, Instant now) {
    public Row {
      Objects.requireNonNull(issue, "issue == null");
      Objects.requireNonNull(now, "now == null");
    }
  }

  private final int rows;
  private final String sql;
  // positions[row][p.ordinal()] = the 1-based JDBC index of parameter p of that row
  private final int[][] positions;

  private NewRunInsert(int rows, String sql, int[][] positions) {
    this.rows = rows;
    this.sql = sql;
    this.positions = positions;
  }

  /** Renders the statement for {@code rows} rows with {@code dsl}'s dialect and settings. */
  public static NewRunInsert render(DSLContext dsl, int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be at least 1: " + rows);
    }
    String queued = RunStatus.QUEUED.wireName();
    var insert =
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
            RUNS.UPDATED_AT,
            RUNS.REASON);
    var values = insert.values(List.of(rowOf(0, queued)));
    for (int r = 1; r < rows; r++) {
      values = values.values(List.of(rowOf(r, queued)));
    }
    CommonTableExpression<Record5<Long, String, String, Instant, String>> created =
        DSL.name("created")
            .as(
                values
                    .onConflict(RUNS.SOURCE, RUNS.ISSUE_ID)
                    .doNothing()
                    .returningResult(
                        RUNS.ID, RUNS.SOURCE, RUNS.ISSUE_ID, RUNS.CREATED_AT, RUNS.REASON));
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
                                created.field(RUNS.CREATED_AT),
                                // the run's reason, when it has one (FixRun.queuedReason)
                                DSL.coalesce(
                                    created.field(RUNS.REASON),
                                    DSL.inline("new issue", RUN_EVENTS.REASON)))
                            .from(created))
                    .returningResult(RUN_EVENTS.ID));
    Query query =
        DSL.with(created)
            .with(event)
            .select(
                created.field(RUNS.ID), created.field(RUNS.SOURCE), created.field(RUNS.ISSUE_ID))
            .from(created);
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
    if (order.size() != rows * P.values().length || placeholders != order.size()) {
      throw new IllegalStateException(
          "the insert rendered " + placeholders + " placeholders for parameters " + order);
    }
    int[][] positions = new int[rows][P.values().length];
    for (int r = 0; r < rows; r++) {
      for (P p : P.values()) {
        int at = order.indexOf(name(p, r));
        if (at < 0) {
          throw new IllegalStateException("parameter " + name(p, r) + " missing from " + order);
        }
        positions[r][p.ordinal()] = at + 1;
      }
    }
    return new NewRunInsert(rows, sql, positions);
  }

  private static Field<?>[] rowOf(int r, String queued) {
    return new Field<?>[] {
      param(P.SOURCE, r, RUNS.SOURCE),
      param(P.ISSUE_ID, r, RUNS.ISSUE_ID),
      param(P.SHORT_ID, r, RUNS.SHORT_ID),
      param(P.PROJECT, r, RUNS.PROJECT),
      param(P.TITLE, r, RUNS.TITLE),
      param(P.CULPRIT, r, RUNS.CULPRIT),
      param(P.LEVEL, r, RUNS.LEVEL),
      param(P.PERMALINK, r, RUNS.PERMALINK),
      param(P.FIRST_SEEN, r, RUNS.FIRST_SEEN),
      param(P.EVENT_COUNT, r, RUNS.EVENT_COUNT),
      DSL.inline(queued, RUNS.STATUS),
      DSL.inline(0, RUNS.ATTEMPTS),
      param(P.CREATED_AT, r, RUNS.CREATED_AT),
      param(P.UPDATED_AT, r, RUNS.UPDATED_AT),
      param(P.REASON, r, RUNS.REASON)
    };
  }

  private static String name(P p, int row) {
    return p.name() + "_" + row;
  }

  private static <T> Param<T> param(P p, int row, Field<T> column) {
    return DSL.param(name(p, row), column.getDataType());
  }

  /** The statement as sent, for tests and logs. */
  public String sql() {
    return sql;
  }

  /**
   * Inserts a queued run for each row's issue, created at the row's {@code now} (to the
   * microsecond, as stored), unless the issue has one already. The rows' issues must be distinct.
   *
   * @return the new runs' ids by issue; an issue that had a run already is absent
   */
  public Map<IssueId, Long> execute(Connection connection, List<Row> batch) throws SQLException {
    if (batch.size() != rows) {
      throw new IllegalArgumentException(
          "this statement inserts " + rows + " rows, not " + batch.size());
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int r = 0; r < rows; r++) {
        bind(statement, positions[r], batch.get(r));
      }
      Map<IssueId, Long> created = new HashMap<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          created.put(new IssueId(result.getString(2), result.getString(3)), result.getLong(1));
        }
      }
      return created;
    }
  }

  private static void bind(PreparedStatement statement, int[] at, Row row) throws SQLException {
    Issue issue = row.issue();
    setText(statement, at[P.SOURCE.ordinal()], issue.id().source());
    setText(statement, at[P.ISSUE_ID.ordinal()], issue.id().value());
    setText(statement, at[P.SHORT_ID.ordinal()], issue.shortId());
    setText(statement, at[P.PROJECT.ordinal()], issue.project());
    setText(statement, at[P.TITLE.ordinal()], issue.title());
    setText(statement, at[P.CULPRIT.ordinal()], issue.culprit());
    setText(statement, at[P.LEVEL.ordinal()], issue.level().wireName());
    setText(
        statement,
        at[P.PERMALINK.ordinal()],
        issue.permalink() == null ? null : issue.permalink().toString());
    setTime(statement, at[P.FIRST_SEEN.ordinal()], issue.firstSeen());
    statement.setLong(at[P.EVENT_COUNT.ordinal()], issue.eventCount());
    setTime(statement, at[P.CREATED_AT.ordinal()], row.now());
    setTime(statement, at[P.UPDATED_AT.ordinal()], row.now());
    setText(statement, at[P.REASON.ordinal()], FixRun.queuedReason(issue));
  }

  private static void setText(PreparedStatement statement, int at, String value)
      throws SQLException {
    if (value == null) {
      statement.setNull(at, Types.VARCHAR);
    } else {
      statement.setString(at, value);
    }
  }

  private static void setTime(PreparedStatement statement, int at, Instant value)
      throws SQLException {
    if (value == null) {
      statement.setNull(at, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      statement.setObject(at, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
    }
  }
}
