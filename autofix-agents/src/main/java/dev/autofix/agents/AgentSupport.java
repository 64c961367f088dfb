package dev.autofix.agents;

import dev.autofix.agents.internal.AgentFiles;
import dev.autofix.agents.internal.Environments;
import dev.autofix.agents.internal.ProcessRunner;
import dev.autofix.agents.internal.PromptBuilder;
import dev.autofix.core.port.AgentRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every agent runner shares: the prompt, the clean environment, the summary file. */
final class AgentSupport {
  private static final Logger LOG = LoggerFactory.getLogger(AgentSupport.class);
  static final int MAX_SUMMARY_CHARS = 20_000;

  private final AgentsConfig config;
  private final Map<String, String> environment;
  private final ProcessRunner runner;

  AgentSupport(AgentsConfig config, Map<String, String> userEnvironment) {
    this.config = config;
    this.environment = Environments.clean(userEnvironment, config.envDenyList());
    this.runner = new ProcessRunner(config.logLimitBytes(), 4_000, Duration.ofSeconds(3));
  }

  AgentsConfig config() {
    return config;
  }

  ProcessRunner runner() {
    return runner;
  }

  /** The agent's environment: the user's minus autofix's secrets, plus {@code extra}. */
  Map<String, String> environment(Path workspace, Map<String, String> extra) {
    Map<String, String> env = new TreeMap<>(environment);
    env.put("AUTOFIX_SUMMARY_FILE", summaryFile(workspace).toString());
    env.putAll(extra);
    return env;
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
      Files.deleteIfExists(summaryFile(workspace));
      Files.createDirectories(summaryFile(workspace).getParent());
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
    return config.dataDir().resolve("runs").resolve("run-" + task.run().id());
  }

  /** The summary the agent wrote, capped, or {@code null} when it wrote none. */
  static String readSummary(Path workspace) {
    return readCapped(summaryFile(workspace));
  }

  /** The text of {@code file}, capped, or {@code null} when it is missing, empty or unreadable. */
  static String readCapped(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return null;
      }
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        return null;
      }
      return text.length() <= MAX_SUMMARY_CHARS
          ? text
          : text.substring(0, MAX_SUMMARY_CHARS) + "\n\n…(cut)";
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
