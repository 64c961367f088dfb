package dev.autofix.core.model;

import java.util.Locale;

/** Derives the fix branch from the issue, so every retry finds the same branch and pull request. */
public final class BranchNames {
  private static final int MAX_SUFFIX = 60;

  private BranchNames() {}

  /**
   * {@code autofix/<short-id>}, lower-cased, with anything but letters, digits, - and _ dropped.
   */
  public static String forIssue(Issue issue) {
    String raw = issue.shortId().toLowerCase(Locale.ROOT);
    StringBuilder safe = new StringBuilder();
    for (int i = 0; i < raw.length() && safe.length() < MAX_SUFFIX; i++) {
      char c = raw.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        safe.append(c);
      } else if (c == '.' || c == ' ' || c == '/') {
        safe.append('-');
      }
    }
    String suffix = safe.toString().replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
    if (suffix.isEmpty()) {
      suffix = issue.id().source() + "-" + Integer.toHexString(issue.id().value().hashCode());
    }
    return "autofix/" + suffix;
  }
}
