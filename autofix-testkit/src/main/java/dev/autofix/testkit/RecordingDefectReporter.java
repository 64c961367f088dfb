package dev.autofix.testkit;

import dev.autofix.core.port.DefectReporter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link DefectReporter} that keeps every defect for assertions. */
public final class RecordingDefectReporter implements DefectReporter {
  private final List<Defect> defects = new CopyOnWriteArrayList<>();

  @Override
  public void report(Defect defect) {
    defects.add(defect);
  }

  /** Every defect reported, in order. */
  public List<Defect> defects() {
    return List.copyOf(defects);
  }
}
