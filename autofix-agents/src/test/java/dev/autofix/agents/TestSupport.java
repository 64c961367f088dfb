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

  /**
   * The default sandbox, able to read the test resources (in CI the checkout may lie under /tmp,
   * which the sandbox hides) and {@code extraReadable}, and given the stand-ins' {@code FAKE_*}
   * variables.
   */
  public static AgentAccess sandbox(Path... extraReadable) {
    List<String> readable = new ArrayList<>();
    readable.add(fakeAgent().getParent().toString());
    for (Path path : extraReadable) {
      readable.add(path.toString());
    }
    AgentAccess d = AgentAccess.sandboxed();
    return new AgentAccess(
        d.mode(), d.writable(), readable, d.hidden(), d.allowedHosts(), List.of("FAKE_*"), null);
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

  /** The pids of live processes with {@code argument} as one of their arguments. */
  public static List<Long> processesWithArgument(String argument) {
    List<Long> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            h -> {
              try {
                String cmdline =
                    Files.readString(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
                if (List.of(cmdline.split("\0")).contains(argument) && isRunning(h.pid())) {
                  found.add(h.pid());
                }
              } catch (IOException | RuntimeException e) {
                // gone meanwhile
              }
            });
    return found;
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
