package dev.autofix.store.jooq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseFailuresTest {

  @Test
  void redact_hidesThePasswordParameter() {
    assertThat(
            DatabaseFailures.redact(
                "jdbc:postgresql://db:5432/autofix?user=a&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/autofix?user=a&password=****&ssl=true");
  }

  @Test
  void isUnreachable_isTrue_forConnectionFailuresOnly() {
    assertThat(DatabaseFailures.isUnreachable(new RuntimeException(new ConnectException("x"))))
        .isTrue();
    assertThat(DatabaseFailures.isUnreachable(new SQLTransientConnectionException("timeout")))
        .isTrue();
    assertThat(DatabaseFailures.isUnreachable(new SQLException("refused", "08001"))).isTrue();
    assertThat(DatabaseFailures.isUnreachable(new SQLException("unique", "23505"))).isFalse();
  }

  @Test
  void isOutOfResources_isTrue_forClass53Only() {
    assertThat(
            DatabaseFailures.isOutOfResources(
                new RuntimeException(
                    new SQLException("could not extend file \"base/5/16384\"", "53100"))))
        .isTrue();
    assertThat(DatabaseFailures.isOutOfResources(new SQLException("too many", "53300"))).isTrue();
    assertThat(DatabaseFailures.isOutOfResources(new SQLException("unique", "23505"))).isFalse();
    assertThat(DatabaseFailures.isOutOfResources(new RuntimeException("no state"))).isFalse();
  }

  @Test
  void isAboutOneRow_isTrue_forDataAndConstraintErrorsOnly() {
    assertThat(
            DatabaseFailures.isAboutOneRow(new RuntimeException(new SQLException("long", "22001"))))
        .isTrue();
    assertThat(DatabaseFailures.isAboutOneRow(new SQLException("not null", "23502"))).isTrue();
    assertThat(DatabaseFailures.isAboutOneRow(new SQLException("deadlock", "40P01"))).isFalse();
    assertThat(DatabaseFailures.isAboutOneRow(new SQLException("timeout", "57014"))).isFalse();
    assertThat(DatabaseFailures.isAboutOneRow(new RuntimeException("no state"))).isFalse();
  }

  @Test
  void rootMessage_isTheInnermostMessage_onOneLine() {
    Exception e = new RuntimeException("outer", new SQLException("line one\n  line two"));

    assertThat(DatabaseFailures.rootMessage(e)).isEqualTo("line one line two");
  }
}
