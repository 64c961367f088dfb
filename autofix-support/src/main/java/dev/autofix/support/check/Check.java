package dev.autofix.support.check;

import java.util.Objects;

/**
 * What one check of a configuration found, for {@code autofix doctor}: each adapter checks its own
 * part against the real thing (a dry-run push, an API call, the sandbox started) and says so.
 *
 * @param name what was checked, one or two words ({@code sentry api}, {@code push})
 * @param status ok, warn or fail
 * @param detail what was found, one line
 * @param fix what to do about it; empty when the status is ok
 */
public record Check(String name, Status status, String detail, String fix) {
  /** How a check came out. A warning is worth reading; only a failure makes doctor fail. */
  public enum Status {
    OK,
    WARN,
    FAIL
  }

  public Check {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(detail, "detail == null");
    fix = fix == null ? "" : fix;
    if (status != Status.OK && fix.isBlank()) {
      throw new IllegalArgumentException("a " + status + " check needs its fix: " + name);
    }
  }

  public static Check ok(String name, String detail) {
    return new Check(name, Status.OK, detail, "");
  }

  public static Check warn(String name, String detail, String fix) {
    return new Check(name, Status.WARN, detail, fix);
  }

  public static Check fail(String name, String detail, String fix) {
    return new Check(name, Status.FAIL, detail, fix);
  }

  /** This check with {@code prefix} before its name (a project's, say). */
  public Check named(String prefix) {
    return prefix.isEmpty() ? this : new Check(prefix + name, status, detail, fix);
  }
}
