package dev.autofix.sentry.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a person pastes to name a Sentry issue, read: the issue's page URL ({@code
 * https://acme.sentry.io/issues/4711/}, {@code https://sentry.io/organizations/acme/issues/4711/},
 * a self-hosted host's), its numeric id ({@code 4711}), or its short id ({@code SHOP-4Z}). Only the
 * id is taken from a URL: the API host stays the configured one, so a pasted link never sends the
 * token elsewhere.
 */
public final class IssueReference {
  /** Longer than any URL Sentry links to; a longer reference is refused before it is parsed. */
  static final int MAX_LENGTH = 2000;

  private static final Pattern NUMERIC = Pattern.compile("[0-9]{1,19}");
  // a project slug (letters, digits, _ and -), a dash, and the issue's suffix
  private static final Pattern SHORT_ID =
      Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,99}-[A-Za-z0-9]{1,20}");

  /** Hosts under sentry.io that are not an organization's own. */
  private static final Set<String> SHARED_SUBDOMAINS = Set.of("www", "us", "de", "eu");

  private IssueReference() {}

  /** What a reference names. */
  public sealed interface Parsed permits ById, ByShortId, Invalid {}

  /** An issue by its numeric id. */
  public record ById(String id) implements Parsed {}

  /** An issue by its short id, upper case as Sentry writes it. */
  public record ByShortId(String shortId) implements Parsed {}

  /** Not a reference to an issue of {@code org}; the reason says what was expected. */
  public record Invalid(String reason) implements Parsed {}

  /**
   * Reads {@code text}.
   *
   * @param org the configured organization: a URL that names another one is refused
   */
  public static Parsed parse(String text, String org) {
    Objects.requireNonNull(org, "org == null");
    if (text == null || text.isBlank()) {
      return new Invalid("no issue given: pass its URL, its id (4711) or its short id (SHOP-4Z)");
    }
    String reference = text.strip();
    if (reference.length() > MAX_LENGTH) {
      return new Invalid("the issue reference is longer than " + MAX_LENGTH + " characters");
    }
    String lower = reference.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return fromUrl(reference, org);
    }
    return fromId(reference, "'" + printable(reference) + "'");
  }

  private static Parsed fromId(String id, String what) {
    if (NUMERIC.matcher(id).matches()) {
      return new ById(id);
    }
    if (SHORT_ID.matcher(id).matches()) {
      return new ByShortId(id.toUpperCase(Locale.ROOT));
    }
    return new Invalid(
        what
            + " is not a Sentry issue: pass its URL, its numeric id (4711) or its short id"
            + " (SHOP-4Z)");
  }

  private static Parsed fromUrl(String reference, String org) {
    URI uri;
    try {
      uri = new URI(reference);
    } catch (URISyntaxException e) {
      return new Invalid("not a URL: " + e.getMessage());
    }
    if (uri.getHost() == null || uri.getRawPath() == null) {
      return new Invalid("the URL " + printable(reference) + " has no host or no path");
    }
    List<String> segments = new ArrayList<>();
    // split before decoding: an encoded slash stays inside its segment (and is no id)
    for (String segment : uri.getRawPath().split("/")) {
      if (!segment.isEmpty()) {
        try {
          segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          return new Invalid("the URL " + printable(reference) + " has a bad escape in its path");
        }
      }
    }
    String named = null;
    int organizations = segments.indexOf("organizations");
    if (organizations >= 0 && organizations + 1 < segments.size()) {
      named = segments.get(organizations + 1);
    } else {
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      if (host.endsWith(".sentry.io")) {
        String subdomain = host.substring(0, host.length() - ".sentry.io".length());
        if (!subdomain.contains(".") && !SHARED_SUBDOMAINS.contains(subdomain)) {
          named = subdomain;
        }
      }
    }
    if (named != null && !named.equalsIgnoreCase(org)) {
      return new Invalid(
          "the URL is an issue of organization "
              + printable(named)
              + ", and autofix reads organization "
              + org
              + " (AUTOFIX_SENTRY_ORG)");
    }
    int issues = segments.indexOf("issues");
    if (issues < 0 || issues + 1 >= segments.size()) {
      return new Invalid(
          "the URL "
              + printable(reference)
              + " is not an issue's page (expected .../issues/<id>/)");
    }
    return fromId(
        segments.get(issues + 1), "the URL's issue '" + printable(segments.get(issues + 1)) + "'");
  }

  /** At most 100 characters of {@code text}, without control characters, to quote it back. */
  private static String printable(String text) {
    String clean =
        text.codePoints()
            .map(c -> Character.isISOControl(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return clean.length() <= 100 ? clean : clean.substring(0, 100) + "…";
  }
}
