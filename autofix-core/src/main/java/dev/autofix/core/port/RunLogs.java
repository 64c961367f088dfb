package dev.autofix.core.port;

import dev.autofix.core.model.RunId;

/** Each run's log: what the harness did and the agent's transcript, readable while it grows. */
public interface RunLogs {

  /** The log of run {@code id}, created on first use; appending goes on where it left off. */
  RunLog open(RunId id);

  /** The last {@code maxChars} characters of the run's log; empty when it has none. */
  String tail(RunId id, int maxChars);

  /** One run's log. Appends never throw for a full disk or a closed file: logs are best effort. */
  interface RunLog {
    /** Appends one line. */
    void append(String line);
  }
}
