package dev.autofix.core.model;

import java.util.Objects;

/**
 * One line of source code around a stack frame.
 *
 * @param number the 1-based line number
 * @param code the line's text
 */
public record ContextLine(int number, String code) {
  public ContextLine {
    Objects.requireNonNull(code, "code == null");
  }
}
