package dev.autofix.core.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the list syntax does with quotes, braces and escapes that do not pair up. */
class ListSyntaxTest {
  static final Setting<List<String>> LIST =
      Setting.of("AUTOFIX_AGENT_READABLE", SettingType.list(), List.of(), "agents", "paths");

  @Test
  void anApostropheInOneItem_doesNotSwallowTheRestSilently() {
    Settings s = Settings.of(Map.of("AUTOFIX_AGENT_READABLE", "/home/o'brien/cache,/opt/sdk"));
    List<String> items = s.get(LIST);
    assertThat(items.size() == 2 || !s.problems().isEmpty())
        .as("got " + items + " with problems " + s.problems())
        .isTrue();
  }

  @Test
  void aTomlEscapedQuote_keepsTheItemWhole() {
    // codex -c: a TOML basic string with an escaped quote and a comma in it
    assertThat(SettingType.split("instructions=\"say \\\"hi, there\\\"\",model=\"o3\""))
        .containsExactly("instructions=\"say \\\"hi, there\\\"\"", "model=\"o3\"");
  }

  @Test
  void anUnbalancedBrace_isAProblem_notOneSilentItem() {
    Settings s = Settings.of(Map.of("AUTOFIX_AGENT_READABLE", "{/a,/b,/c"));
    List<String> items = s.get(LIST);
    assertThat(items.size() == 3 || !s.problems().isEmpty())
        .as("got " + items + " with problems " + s.problems())
        .isTrue();
  }
}
