package dev.autofix.examples.embedded;

import dev.autofix.core.model.RunId;
import dev.autofix.core.port.RunLogs;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run logs that go to the host's own logging, with the last 64 KiB of each run kept in memory for
 * {@link #tail}. A host with a log store of its own would write there instead.
 */
final class Slf4jRunLogs implements RunLogs {
  private static final Logger LOG = LoggerFactory.getLogger("autofix.run");
  private static final int KEEP_CHARS = 64 * 1024;

  private final Map<RunId, StringBuilder> tails = new ConcurrentHashMap<>();

  @Override
  public RunLog open(RunId id) {
    StringBuilder tail = tails.computeIfAbsent(id, ignored -> new StringBuilder());
    return line -> {
      LOG.info("run {} | {}", id, line);
      synchronized (tail) {
        tail.append(line).append('\n');
        if (tail.length() > KEEP_CHARS) {
          tail.delete(0, tail.length() - KEEP_CHARS);
        }
      }
    };
  }

  @Override
  public String tail(RunId id, int maxChars) {
    StringBuilder tail = tails.get(id);
    if (tail == null) {
      return "";
    }
    synchronized (tail) {
      return tail.substring(Math.max(0, tail.length() - maxChars));
    }
  }
}
