package dev.autofix.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.autofix.core.port.Workspaces;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentsModuleIT {
  @TempDir Path tmp;

  @Test
  void injector_resolvesGitWorkspaces_forARealCheckout() {
    GitFixture repo = GitFixture.create(tmp);
    Injector injector =
        Guice.createInjector(
            new AgentsModule(AgentsConfig.of(repo.checkout, repo.dataDir), System.getenv()));

    Workspaces workspaces = injector.getInstance(Workspaces.class);

    assertThat(workspaces.getClass().getSimpleName()).isEqualTo("GitWorkspaces");
    assertThat(injector.getInstance(Workspaces.class)).isSameAs(workspaces);
    assertThat(repo.dataDir.resolve("worktrees")).isDirectory();
  }
}
