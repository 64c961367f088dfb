package dev.autofix.agents;

import dev.autofix.core.port.RunLogs;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Helpers shared by this module's tests. */
public final class TestSupport {
  private TestSupport() {}

  /** The scripted agent CLI in the test resources. */
  public static Path fakeAgent() {
    try {
      return Path.of(TestSupport.class.getResource("fake-agent.sh").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code pid} is a live process (a zombie counts as dead). */
  public static boolean isRunning(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String text = Files.readString(stat);
      // pid (comm) S ...: the state follows the last ')'
      char state = text.substring(text.lastIndexOf(')') + 2).charAt(0);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  /** A run log that keeps its lines in memory. */
  public static final class ListLog implements RunLogs.RunLog {
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void append(String line) {
      lines.add(line);
    }

    public List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    public String text() {
      return String.join("\n", lines());
    }
  }
}
