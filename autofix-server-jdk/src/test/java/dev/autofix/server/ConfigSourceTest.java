package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {
  @TempDir Path dir;

  @Test
  void load_flattensYaml_andLetsEnvironmentWin() throws IOException {
    Path yaml = dir.resolve("autofix.yaml");
    Files.writeString(
        yaml,
        """
        port: 9000
        max-fixes-per-day: 4
        sentry:
          api_url: https://sentry.example
          projects: [backend, web]
        """);

    Map<String, String> config =
        ConfigSource.load(yaml, Map.of("AUTOFIX_PORT", "9100", "PATH", "/usr/bin"));

    assertThat(config)
        .containsEntry("AUTOFIX_PORT", "9100")
        .containsEntry("AUTOFIX_MAX_FIXES_PER_DAY", "4")
        .containsEntry("AUTOFIX_SENTRY_API_URL", "https://sentry.example")
        .containsEntry("AUTOFIX_SENTRY_PROJECTS", "backend,web")
        .containsEntry("PATH", "/usr/bin");
  }

  @Test
  void load_explainsAMissingOrBrokenFile() throws IOException {
    assertThatThrownBy(() -> ConfigSource.load(dir.resolve("nope.yaml"), Map.of()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not exist");
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "port: [unclosed");
    assertThatThrownBy(() -> ConfigSource.load(broken, Map.of()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not valid YAML");
  }
}
