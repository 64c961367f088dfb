package dev.autofix.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One exception of a chain: its type, its message and its frames, innermost call last (Sentry's
 * order).
 *
 * @param type the exception type, for example {@code ValueError}
 * @param value the exception message, possibly empty
 * @param module the type's module or package, or {@code null}
 * @param frames the stack frames, outermost first
 */
public record ExceptionInfo(String type, String value, String module, List<StackFrame> frames) {
  public ExceptionInfo {
    Objects.requireNonNull(type, "type == null");
    value = value == null ? "" : value;
    frames = frames == null ? List.of() : List.copyOf(frames);
  }

  /** The frames in the application's own code, in the same order. */
  public List<StackFrame> inAppFrames() {
    return frames.stream().filter(StackFrame::inApp).toList();
  }
}
