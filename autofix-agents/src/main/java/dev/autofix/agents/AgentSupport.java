package dev.autofix.agents;

import dev.autofix.agents.internal.AgentFiles;
import dev.autofix.agents.internal.Egress;
import dev.autofix.agents.internal.InsideFiles;
import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.agents.internal.PromptBuilder;
import dev.autofix.core.port.AgentRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every agent runner shares: the prompt, the sandbox or not, the summary file. */
final class AgentSupport {
  private static final Logger LOG = LoggerFactory.getLogger(AgentSupport.class);
  static final int MAX_SUMMARY_CHARS = 20_000;

  /** Past this size a file the agent left is not read at all. */
  static final long MAX_FILE_BYTES = 1L << 20;

  private final AgentsConfig config;
  private final Map<String, String> userEnvironment;
  private final ProcessRunner runner;
  private final UntrustedProcesses processes;

  AgentSupport(AgentsConfig config, Map<String, String> userEnvironment) {
    this.config = config;
    this.userEnvironment = Map.copyOf(userEnvironment);
    this.runner = new ProcessRunner(config.logLimitBytes(), 4_000, Duration.ofSeconds(3));
    this.processes = new UntrustedProcesses(config, userEnvironment);
  }

  AgentsConfig config() {
    return config;
  }

  /** The user's environment as given (before any filtering), for settings such as base URLs. */
  Map<String, String> userEnvironment() {
    return userEnvironment;
  }

  boolean sandboxed() {
    return config.access().isSandboxed();
  }

  /** Where the user's home is, for the agent's login files. */
  Path userHome() {
    String home = userEnvironment.get("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
  }

  /**
   * Runs the agent's {@code command} in the task's worktree, sandboxed or trusted.
   *
   * @param variables set on top of the environment (the agent's own settings)
   * @param allowVariables names or globs of the user's variables the agent needs in the sandbox
   *     (its model credentials); trusted, it gets the user's whole environment anyway
   * @param homeSeed files copied into the sandbox's home, by their path under it
   * @param destinations the model API and login hosts the sandbox may reach
   */
  ProcessRunner.Result run(
      AgentRunner.AgentTask task,
      String label,
      List<String> command,
      Map<String, String> variables,
      List<String> allowVariables,
      Map<String, Path> homeSeed,
      List<Egress.Destination> destinations,
      String stdin,
      Consumer<String> stdoutListener) {
    Path dir = task.workspace().directory();
    Map<String, String> env = new TreeMap<>(variables);
    env.put("AUTOFIX_SUMMARY_FILE", summaryFile(dir).toString());
    return processes.run(
        runner,
        new UntrustedProcesses.Launch(
            task.run().id(),
            label,
            command,
            dir,
            env,
            allowVariables,
            homeSeed,
            destinations,
            stdin,
            config.agentTimeout(),
            stdoutListener),
        task.log());
  }

  /**
   * Builds the task's prompt, keeps a copy under {@code <dataDir>/runs/run-<id>/prompt.md}, and
   * removes a summary an earlier attempt may have left.
   */
  String prepare(AgentRunner.AgentTask task) {
    Path workspace = task.workspace().directory();
    String prompt;
    try {
      prompt =
          PromptBuilder.forWorkspace(config.promptTemplate(), workspace)
              .build(task.issue(), task.details());
    } catch (UncheckedIOException e) {
      throw new WorkspaceException("cannot read the prompt template", e);
    }
    try {
      InsideFiles.directory(workspace, AgentFiles.DIRECTORY);
      InsideFiles.delete(workspace, AgentFiles.SUMMARY);
      Path copy = runDirectory(task).resolve("prompt.md");
      Files.createDirectories(copy.getParent());
      Files.writeString(copy, prompt);
      task.log().append("prompt: " + prompt.length() + " characters, saved in " + copy);
    } catch (IOException e) {
      throw new WorkspaceException("cannot prepare the agent's files", e);
    }
    return prompt;
  }

  /** A directory of autofix's own for this run, outside the worktree. */
  Path runDirectory(AgentRunner.AgentTask task) {
    return config.dataDir().resolve("runs").resolve("run-" + task.run().id().value());
  }

  /** The summary the agent wrote, capped, or {@code null} when it wrote none. */
  static String readSummary(Path workspace) {
    return readInside(workspace, AgentFiles.SUMMARY);
  }

  /**
   * The text of {@code workspace/relative}, capped, or {@code null}: the agent left it, so no link
   * is followed on the whole path and only a regular file is read.
   */
  static String readInside(Path workspace, String relative) {
    try {
      return switch (InsideFiles.read(workspace, relative, MAX_FILE_BYTES)) {
        case InsideFiles.Text text -> capped(new String(text.bytes(), StandardCharsets.UTF_8));
        case InsideFiles.Missing missing -> null;
        case InsideFiles.TooLarge large ->
            "(the agent's "
                + relative
                + " has "
                + large.size()
                + " bytes, over the "
                + MAX_FILE_BYTES
                + "-byte cap; not read)";
        case InsideFiles.NotAFile notAFile -> {
          LOG.warn("not reading the agent's {}: {}", relative, notAFile.what());
          yield null;
        }
      };
    } catch (IOException e) {
      LOG.warn("cannot read {}: {}", workspace.resolve(relative), e.getMessage());
      return null;
    }
  }

  private static String capped(String raw) {
    String text = raw.strip();
    if (text.isEmpty()) {
      return null;
    }
    return text.length() <= MAX_SUMMARY_CHARS
        ? text
        : text.substring(0, MAX_SUMMARY_CHARS) + "\n\n…(cut)";
  }

  /**
   * Whether {@code file} is a file with something in it: a login, say. Links are followed: these
   * are the user's own files (dotfile managers link them), read before any agent runs.
   */
  static boolean hasContent(Path file) {
    try {
      return Files.isRegularFile(file) && Files.size(file) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The user's own settings file's text (following links), up to 16 MiB (what the sandbox copies),
   * or {@code null} when it is missing or unreadable: read to tell whether an agent is logged in,
   * never shown.
   */
  static String readUserFile(Path file) {
    try (var in = Files.newInputStream(file)) {
      return new String(in.readNBytes(16 << 20), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The text of {@code file}, capped, or {@code null} when it is missing, empty, unreadable, not a
   * regular file (a link is not followed: the agent wrote it) or over {@link #MAX_FILE_BYTES}.
   */
  static String readCapped(Path file) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        LOG.warn("{} is not a regular file; not read", file);
        return null;
      }
      if (attributes.size() > MAX_FILE_BYTES) {
        LOG.warn("{} has {} bytes, over {}; not read", file, attributes.size(), MAX_FILE_BYTES);
        return "(the agent's "
            + file.getFileName()
            + " has "
            + attributes.size()
            + " bytes, over the "
            + MAX_FILE_BYTES
            + "-byte cap; not read)";
      }
      byte[] bytes;
      try (var channel =
          Files.newByteChannel(
              file, java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) MAX_FILE_BYTES);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
          // read up to the cap, whatever the file grew to meanwhile
        }
        bytes = java.util.Arrays.copyOf(buffer.array(), buffer.position());
      }
      String text = new String(bytes, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        return null;
      }
      return text.length() <= MAX_SUMMARY_CHARS
          ? text
          : text.substring(0, MAX_SUMMARY_CHARS) + "\n\n…(cut)";
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.warn("cannot read {}: {}", file, e.getMessage());
      return null;
    }
  }

  static Path summaryFile(Path workspace) {
    return workspace.resolve(AgentFiles.SUMMARY);
  }

  /** The end of {@code text}, at most {@code max} characters, stripped. */
  static String tail(String text, int max) {
    String t = text == null ? "" : text.strip();
    return t.length() <= max ? t : "…" + t.substring(t.length() - max);
  }
}
