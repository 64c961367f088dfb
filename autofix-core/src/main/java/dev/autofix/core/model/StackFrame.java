package dev.autofix.core.model;

import java.util.List;

/**
 * One frame of a stack trace, as a fixer needs it.
 *
 * @param file the file name or path, or {@code null}
 * @param line the 1-based line number, or {@code 0} when unknown
 * @param function the function or method, or {@code null}
 * @param module the module, package or class, or {@code null}
 * @param inApp whether the frame is in the application's own code rather than a library
 * @param context the source lines around {@code line}, in order (may be empty)
 */
public record StackFrame(
    String file,
    int line,
    String function,
    String module,
    boolean inApp,
    List<ContextLine> context) {
  public StackFrame {
    context = context == null ? List.of() : List.copyOf(context);
    if (line < 0) {
      throw new IllegalArgumentException("line < 0: " + line);
    }
  }
}
