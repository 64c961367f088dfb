package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The subcommands' usage mistakes are exit 2 with a line naming them, before anything runs. */
class CommandArgsTest {
  private record Run(int exit, String err, String out) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            List.of(args),
            Map.of("PATH", "/usr/bin:/bin"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void usageMistakes_exitTwo_namingTheMistake() {
    assertThat(run("doctor", "--config"))
        .satisfies(
            r -> {
              assertThat(r.exit()).isEqualTo(2);
              assertThat(r.err()).contains("autofix doctor: --config needs a file path");
            });
    assertThat(run("doctor", "extra").err()).contains("unknown argument 'extra'");
    assertThat(run("trigger").err()).contains("which issue?");
    assertThat(run("trigger", "A-1", "B-2"))
        .satisfies(
            r -> {
              assertThat(r.exit()).isEqualTo(2);
              assertThat(r.err()).contains("one issue at a time ('B-2'");
            });
    assertThat(run("trigger", "--bogus", "A-1").err()).contains("unknown option '--bogus'");
  }

  @Test
  void help_printsTheUsage_andExitsZero() {
    assertThat(run("doctor", "--help"))
        .satisfies(
            r -> {
              assertThat(r.exit()).isZero();
              assertThat(r.out()).contains("autofix doctor [--config PATH]");
            });
    assertThat(run("trigger", "-h").out()).contains("autofix trigger [--config PATH]");
  }

  @Test
  void parse_takesTheConfigInBothForms() throws Exception {
    assertThat(CommandArgs.parse(List.of("--config", "a.yml", "X-1")).config())
        .hasToString("a.yml");
    assertThat(CommandArgs.parse(List.of("--config=b.yml")).config()).hasToString("b.yml");
    assertThat(CommandArgs.parse(List.of("X-1")).positional()).containsExactly("X-1");
  }
}
