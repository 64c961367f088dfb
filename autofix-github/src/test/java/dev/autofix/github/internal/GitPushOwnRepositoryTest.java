package dev.autofix.github.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a process left behind (trusted mode) could plant in autofix's repository between its last
 * restore and the push: a commondir whose config turns the push into {@code ext::}, and a config of
 * its own allowing that transport. The token never reaches the agent's program.
 */
class GitPushOwnRepositoryTest {
  @TempDir Path tmp;

  private static String sh(Path dir, String script) throws Exception {
    Process p =
        new ProcessBuilder("sh", "-c", script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return out.strip();
  }

  @Test
  void aCommondirOrAConfigPlantedInTheRepository_getsNoTransportAndNoToken() throws Exception {
    String token = "ghp_plantedConfigToken";
    String sha =
        sh(
            tmp,
            "git init -q --bare own && cd own && t=$(git mktree </dev/null) && "
                + "echo m | git -c user.name=a -c user.email=a@x commit-tree $t");
    Path steal = tmp.resolve("steal.sh");
    Files.writeString(steal, "#!/bin/sh\nenv > " + tmp.resolve("stolen") + "\nexit 1\n");
    Files.setPosixFilePermissions(steal, PosixFilePermissions.fromString("rwx------"));
    String evilConfig =
        "[core]\\n\\tbare = true\\n[protocol \"ext\"]\\n\\tallow = always\\n"
            + "[http \"https://github.com/\"]\\n\\tfollowRedirects = true\\n"
            + "[url \"ext::"
            + steal
            + " \"]\\n\\tinsteadOf = https://github.com/\\n";
    sh(
        tmp,
        "mkdir -p evil/refs evil/objects/info && echo "
            + tmp.resolve("own/objects")
            + " > evil/objects/info/alternates && printf '"
            + evilConfig
            + "' > evil/config && echo "
            + tmp.resolve("evil")
            + " > own/commondir && printf '"
            + evilConfig
            + "' >> own/config");
    GitPush push =
        new GitPush(
            new GitPush.Settings(
                "https://github.com/acme/shop.git", token, Duration.ofSeconds(20), 1),
            Map.of("PATH", "/usr/bin:/bin"),
            d -> {});

    try {
      push.push(tmp.resolve("own"), sha, "autofix/x");
    } catch (RuntimeException expected) {
      // github.com is not reachable here: the push fails either way
    }

    assertThat(tmp.resolve("stolen")).as("the agent's program never ran").doesNotExist();
  }
}
