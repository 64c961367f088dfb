package dev.autofix.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TextsTest {
  @Test
  void nulAndLoneSurrogates_becomeTheReplacementCharacter_pairsStay() {
    assertThat(Texts.storable("a\0b")).isEqualTo("a\uFFFDb");
    assertThat(Texts.storable("high \uD800 alone")).isEqualTo("high \uFFFD alone");
    assertThat(Texts.storable("low \uDC00 alone")).isEqualTo("low \uFFFD alone");
    assertThat(Texts.storable("at the end \uD83D")).isEqualTo("at the end \uFFFD");
    assertThat(Texts.storable("reversed \uDE00\uD83D")).isEqualTo("reversed \uFFFD\uFFFD");
    assertThat(Texts.storable("a pair \uD83D\uDE00 stays")).isEqualTo("a pair \uD83D\uDE00 stays");
    String plain = "plain ✓";
    assertThat(Texts.storable(plain)).isSameAs(plain);
    assertThat(Texts.storable(null)).isNull();
    assertThat(Texts.isStorable("a pair \uD83D\uDE00")).isTrue();
    assertThat(Texts.isStorable("\uD83D")).isFalse();
    assertThat(Texts.isStorable(null)).isTrue();
  }

  @Test
  void anIssueMarksReplacedText_andItsRunSaysSo() {
    Issue plain = issue("KeyError: 'user'", "app.py");
    Issue hostile = issue("KeyError: \0", "app.py \uDC00");

    assertThat(plain.textReplaced()).isFalse();
    assertThat(hostile.textReplaced()).isTrue();
    assertThat(hostile.title()).isEqualTo("KeyError: \uFFFD");
    assertThat(hostile.culprit()).isEqualTo("app.py \uFFFD");
    assertThat(hostile.unmarked().textReplaced()).isFalse();
    assertThat(hostile.unmarked().title()).isEqualTo(hostile.title());

    FixRun run = FixRun.queued(new RunId(1), hostile, java.time.Instant.EPOCH);
    assertThat(run.reason()).isEqualTo(FixRun.NEW_ISSUE_TEXT_REPLACED).contains("U+FFFD");
    assertThat(run.issue()).isEqualTo(hostile.unmarked());
    assertThat(FixRun.queued(new RunId(2), plain, java.time.Instant.EPOCH).reason()).isNull();
  }

  private static Issue issue(String title, String culprit) {
    return new Issue(
        new IssueId("sentry", "1"),
        "SHOP-1",
        "shop",
        title,
        culprit,
        Level.ERROR,
        URI.create("https://sentry.example/issues/1/"),
        null,
        1);
  }
}
