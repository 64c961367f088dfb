package dev.autofix.testkit;

import dev.autofix.core.model.RunId;
import dev.autofix.core.port.RunLogs;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@link RunLogs} in memory. */
public final class InMemoryRunLogs implements RunLogs {
  private final ConcurrentMap<RunId, StringBuffer> logs = new ConcurrentHashMap<>();

  @Override
  public RunLog open(RunId id) {
    StringBuffer buffer = logs.computeIfAbsent(id, k -> new StringBuffer());
    return line -> buffer.append(line).append('\n');
  }

  @Override
  public String tail(RunId id, int maxChars) {
    StringBuffer buffer = logs.get(id);
    if (buffer == null) {
      return "";
    }
    String all = buffer.toString();
    return all.length() <= maxChars ? all : all.substring(all.length() - maxChars);
  }
}
