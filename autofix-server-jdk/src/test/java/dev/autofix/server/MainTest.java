package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void run_printsUsage_forHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("Usage: autofix-server").contains("--config PATH");
  }

  @Test
  void run_printsVersion() {
    assertThat(run("--version")).isZero();
    assertThat(out()).startsWith("autofix ");
  }

  private int run(String... args) {
    return Main.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }
}
