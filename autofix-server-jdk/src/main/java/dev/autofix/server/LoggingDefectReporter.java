package dev.autofix.server;

import dev.autofix.core.port.DefectReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link DefectReporter}: one error line per defect with its fingerprint, so log search
 * groups occurrences. (The edges already logged the stack trace.)
 */
final class LoggingDefectReporter implements DefectReporter {
  private static final Logger LOG = LoggerFactory.getLogger("dev.autofix.defects");

  static DefectReporter create() {
    return new LoggingDefectReporter();
  }

  @Override
  public void report(Defect defect) {
    try {
      LOG.error(
          "defect {} at {}: {} {}",
          defect.fingerprint(),
          defect.where(),
          defect.error().toString(),
          defect.context());
    } catch (RuntimeException ignored) {
      // a reporter must never throw
    }
  }
}
