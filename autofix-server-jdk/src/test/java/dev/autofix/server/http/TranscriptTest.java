package dev.autofix.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TranscriptTest {
  private static final String T = "2026-12-08T01:00:00Z ";

  @Test
  void theDiffIsOneColouredBlock_evenWithALineThatLooksLikeJson() {
    String html =
        Transcript.render(
            T
                + "committed abc (1 file changed)\n"
                + T
                + "diff | --- a/calc.py\n"
                + T
                + "diff | +++ b/calc.py\n"
                + T
                + "diff | @@ -1,2 +1,2 @@\n"
                + T
                + "diff | -    return a - b\n"
                + T
                + "diff | +    return a + b\n"
                + T
                + "diff | {\"type\":\"assistant\",\"message\":\"not an event here\"}\n"
                + T
                + "diff |  context\n");

    assertThat(html.split("class=\"change\"", -1)).as("one block").hasSize(2);
    assertThat(html)
        .contains("<span class=\"del\">-    return a - b</span>")
        .contains("<span class=\"add\">+    return a + b</span>")
        .contains("--- a/calc.py\n")
        .contains("{&quot;type&quot;:&quot;assistant&quot;")
        .doesNotContain("entry say");
  }

  @Test
  void aProcesssOutputIsFoldedIntoOneBlock_andAnEventEndsIt() {
    String html =
        Transcript.render(
            T
                + "verification: python -m pytest -q\n"
                + T
                + "test | F.\n"
                + T
                + "test ! warning: something\n"
                + T
                + "test | 1 failed, 1 passed\n"
                + T
                + "test: exited with 1 after 2 s\n"
                + T
                + "verification: failed\n"
                + T
                + "claude | {\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}}\n");

    assertThat(html).contains("test output (3 lines)").contains("! warning: something");
    assertThat(html)
        .contains("entry error\"><span class=\"when\">01:00:00</span>verification: failed");
    assertThat(html.indexOf("test output")).isLessThan(html.indexOf("entry say"));
  }

  @Test
  void everythingIsEscaped() {
    String html =
        Transcript.render(
            T
                + "<script>alert(1)</script>\n"
                + T
                + "test | <img src=x onerror=alert(1)>\n"
                + T
                + "diff | +<svg onload=alert(1)>\n");

    assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("<svg");
  }
}
