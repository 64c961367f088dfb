package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.settings.Setting;
import dev.autofix.core.settings.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key table is the one list of settings: help, the README and typo checks come from it. */
class SettingsTableTest {
  private static final Path README = Path.of("..", "README.md");
  private static final String BEGIN = "<!-- settings table: generated from the key table -->";
  private static final String END = "<!-- end of settings table -->";

  @TempDir Path dir;

  @Test
  void everyKeyIsOnce_andHasAMeaning() {
    List<Setting<?>> all = SettingsTable.all();
    assertThat(all).extracting(Setting::key).doesNotHaveDuplicates();
    assertThat(all).allSatisfy(s -> assertThat(s.meaning()).isNotBlank());
    assertThat(all.size()).isGreaterThan(60);
  }

  /**
   * The README's table is the key table rendered: every key in one is in the other, with the same
   * default and meaning. To update the README after changing the table, run this test with {@code
   * -Dautofix.writeReadme=true}.
   */
  @Test
  void theReadmesTable_isTheKeyTable() throws IOException {
    String readme = Files.readString(README);
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    assertThat(begin).as("the README marks its settings table").isPositive();
    String rendered = SettingsTable.markdown();
    if (Boolean.getBoolean("autofix.writeReadme")) {
      readme =
          readme.substring(0, begin + BEGIN.length()) + "\n" + rendered + readme.substring(end);
      Files.writeString(README, readme);
    }
    String table = readme.substring(begin + BEGIN.length(), end).strip();
    Matcher keys = Pattern.compile("(?m)^\\| `(AUTOFIX_[A-Z0-9_]+)`").matcher(table);
    java.util.Set<String> inReadme = new java.util.TreeSet<>();
    while (keys.find()) {
      inReadme.add(keys.group(1));
    }
    assertThat(inReadme)
        .containsExactlyInAnyOrderElementsOf(
            SettingsTable.all().stream().map(Setting::key).toList());
    assertThat(table)
        .as("run SettingsTableTest with -Dautofix.writeReadme=true to render it again")
        .isEqualTo(rendered.strip());
  }

  @Test
  void help_listsEveryKey_withItsDefault() {
    String help = Main.usage();
    for (Setting<?> s : SettingsTable.all()) {
      assertThat(help).contains(s.key() + " (" + s.describeDefault() + ")");
    }
  }

  @Test
  void aTypoInTheFile_isAnError_withTheKeyItMeant() throws IOException {
    Path yaml = dir.resolve("autofix.yaml");
    Files.writeString(
        yaml,
        "max_fixes_per_dya: 5\nsentry:\n  client_secrt: abc\nprojects:\n  back-end:\n"
            + "    repo_path: /srv/back\n    admin_token: t\n");

    Map<String, String> merged = ConfigSource.load(yaml, Map.of("HOME", dir.toString()));
    Settings settings = Settings.of(merged);
    List<String> warnings = SettingsTable.unknown(merged, settings);

    assertThat(warnings).isEmpty();
    assertThat(settings.problems())
        .extracting(Object::toString)
        .containsExactlyInAnyOrder(
            "max_fixes_per_dya in the configuration file is not a setting; did you mean"
                + " max_fixes_per_day?",
            "sentry_client_secrt in the configuration file is not a setting; did you mean"
                + " sentry_client_secret?",
            "projects.back-end.admin_token cannot be set per project; set admin_token at the top"
                + " of the file");
  }

  @Test
  void anUnknownVariable_isAWarning_withTheKeyItMeant() throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("AUTOFIX_MAX_FIXES_PER_DYA", "5");
    env.put("AUTOFIX_PORT", "8080");
    env.put("PATH", "/bin");
    Settings settings = Settings.of(env);

    assertThat(SettingsTable.unknown(ConfigSource.load(null, env), settings))
        .containsExactly(
            "the environment variable AUTOFIX_MAX_FIXES_PER_DYA is not an autofix setting and is"
                + " ignored; did you mean AUTOFIX_MAX_FIXES_PER_DAY?");
    assertThat(settings.problems()).isEmpty();
  }

  @Test
  void theServer_refusesToStart_onATypoInTheFile() throws IOException {
    Path yaml = dir.resolve("typo.yaml");
    Files.writeString(yaml, "max_fixes_per_dya: 5\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        Main.run(
            List.of("--config", yaml.toString()),
            Map.of("HOME", dir.toString()),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "max_fixes_per_dya in the configuration file is not a setting; did you mean"
                + " max_fixes_per_day?");
  }
}
