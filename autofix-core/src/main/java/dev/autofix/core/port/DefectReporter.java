package dev.autofix.core.port;

import java.util.Map;
import java.util.Objects;

/**
 * Where defects go: the errors nobody anticipated. Expected failures never reach it. The
 * fingerprint groups occurrences of one defect, so one bug is one report.
 */
public interface DefectReporter {

  /** Reports a defect. Must not throw. */
  void report(Defect defect);

  /**
   * One occurrence of a defect.
   *
   * @param fingerprint stable across occurrences of the same defect
   * @param where the edge that caught it, for example {@code fix-run} or {@code webhook}
   * @param error what was thrown
   * @param context key facts (a run id, an issue id); no secrets
   */
  record Defect(String fingerprint, String where, Throwable error, Map<String, String> context) {
    public Defect {
      Objects.requireNonNull(fingerprint, "fingerprint == null");
      Objects.requireNonNull(where, "where == null");
      Objects.requireNonNull(error, "error == null");
      context = context == null ? Map.of() : Map.copyOf(context);
    }
  }
}
