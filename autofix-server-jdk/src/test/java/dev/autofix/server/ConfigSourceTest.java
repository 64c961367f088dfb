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
  void projects_mapsEachSentryProjectToItsRepositorySettings() throws IOException {
    Path yaml = dir.resolve("autofix.yaml");
    Files.writeString(
        yaml,
        """
        github_token_is_not_here: true
        projects:
          back-end:
            repo_path: /src/backend
            github_repo: acme/backend
            test_command: mvn -q test
          web.app:
            repo_path: /src/web
            agent: codex
        """);

    Map<String, String> config = ConfigSource.load(yaml, Map.of());
    Map<String, Map<String, String>> projects = ConfigSource.projects(config);

    assertThat(projects).containsOnlyKeys("back-end", "web.app");
    assertThat(projects.get("back-end"))
        .containsExactly(
            Map.entry("AUTOFIX_REPO_PATH", "/src/backend"),
            Map.entry("AUTOFIX_GITHUB_REPO", "acme/backend"),
            Map.entry("AUTOFIX_TEST_COMMAND", "mvn -q test"));
    assertThat(projects.get("web.app"))
        .containsEntry("AUTOFIX_AGENT", "codex")
        .containsEntry("AUTOFIX_REPO_PATH", "/src/web");
    assertThat(config).doesNotContainKey("AUTOFIX_PROJECTS_BACK_END_REPO_PATH");
  }

  @Test
  void projects_mustBeAMapping() throws IOException {
    Path yaml = dir.resolve("autofix.yaml");
    Files.writeString(yaml, "projects: [backend]\n");
    assertThatThrownBy(() -> ConfigSource.load(yaml, Map.of()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("must map Sentry project slugs");
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
