package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.autofix.core.port.AgentRunner;
import dev.autofix.core.port.FixVerifier;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentsModuleTest {
  private final AgentsConfig config =
      AgentsConfig.fromEnv(
          Map.of(
              "AUTOFIX_REPO_PATH", "/srv/app",
              "AUTOFIX_DATA_DIR", "/var/lib/autofix",
              "AUTOFIX_AGENT", "codex"));

  @Test
  void injector_resolvesTheAgentAndVerifier_withoutTouchingTheDisk() {
    Injector injector = Guice.createInjector(new AgentsModule(config, Map.of("PATH", "/usr/bin")));

    AgentRunner runner = injector.getInstance(AgentRunner.class);
    FixVerifier verifier = injector.getInstance(FixVerifier.class);

    assertThat(runner.name()).isEqualTo("codex");
    assertThat(injector.getInstance(AgentRunner.class)).isSameAs(runner);
    assertThat(verifier.getClass().getSimpleName()).isEqualTo("ShellFixVerifier");
    assertThat(config.repoPath()).isEqualTo(Path.of("/srv/app"));
  }

  @Test
  void injector_bindsEveryAgentByName() {
    for (String agent : new String[] {"claude", "codex", "command"}) {
      AgentsConfig c =
          AgentsConfig.fromEnv(
              Map.of(
                  "AUTOFIX_REPO_PATH", "/srv/app",
                  "AUTOFIX_DATA_DIR", "/var/lib/autofix",
                  "AUTOFIX_AGENT", agent,
                  "AUTOFIX_AGENT_COMMAND", "aider --yes"));
      Injector injector = Guice.createInjector(new AgentsModule(c, Map.of()));

      assertThat(injector.getInstance(AgentRunner.class).name()).isEqualTo(agent);
    }
  }
}
