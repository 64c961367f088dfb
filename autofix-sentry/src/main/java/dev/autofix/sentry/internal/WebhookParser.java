package dev.autofix.sentry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autofix.core.model.Issue;
import dev.autofix.core.model.IssueId;
import dev.autofix.core.model.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a verified webhook payload (already parsed to a tree) into an {@link Issue}.
 *
 * <p>Where the issue id lives: {@code issue.created}: {@code data.issue.id}; {@code
 * event_alert.triggered}: {@code data.event.issue_id}; {@code error.created}: {@code
 * data.error.issue_id}; the legacy WebHooks plugin: {@code id}.
 */
public final class WebhookParser {
  private static final Pattern PROJECT_IN_EVENT_URL =
      Pattern.compile("/api/0/projects/[^/]+/([^/]+)/events/");
  private static final Pattern EVENT_SUFFIX = Pattern.compile("events/[^/]+/?$");

  private final String source;

  public WebhookParser(String source) {
    this.source = Objects.requireNonNull(source, "source == null");
  }

  /** What a payload turned out to be. */
  public sealed interface Outcome permits Parsed, Changed, NotHandled, Invalid {}

  /** A payload about what happened to an issue (resolved, ignored or archived, unresolved). */
  public record Changed(IssueId issue, dev.autofix.core.port.IssueSource.Change change)
      implements Outcome {}

  /**
   * A payload about an issue.
   *
   * @param issue the issue
   * @param environment the event's environment, or {@code null} when the payload does not say
   */
  public record Parsed(Issue issue, String environment) implements Outcome {}

  /** A well-formed payload that asks for no fix. */
  public record NotHandled(String reason) implements Outcome {}

  /** A payload that cannot be read. */
  public record Invalid(String reason) implements Outcome {}

  /** Parses an Integration Platform payload of resource {@code resource}. */
  public Outcome parseIntegration(String resource, JsonNode root) {
    String action = Json.text(root, "action");
    if (action == null) {
      return new Invalid("payload has no action");
    }
    JsonNode data = Json.object(root, "data");
    String kind = resource + "." + action;
    try {
      return switch (kind) {
        case "issue.created" -> fromIssueWebhook(data);
        case "event_alert.triggered" -> fromEvent(Json.object(data, "event"), "data.event");
        case "error.created" -> fromEvent(Json.object(data, "error"), "data.error");
        case "issue.resolved" -> changed(data, dev.autofix.core.port.IssueSource.Change.RESOLVED);
        // archiving arrives as "ignored" (the older name) or "archived"
        case "issue.ignored", "issue.archived" ->
            changed(data, dev.autofix.core.port.IssueSource.Change.IGNORED);
        case "issue.unresolved" ->
            changed(data, dev.autofix.core.port.IssueSource.Change.UNRESOLVED);
        default -> new NotHandled(kind + " does not ask for a fix");
      };
    } catch (InvalidPayloadException e) {
      return new Invalid(kind + ": " + e.getMessage());
    }
  }

  /** Parses a legacy WebHooks plugin payload (flat: {@code id}, {@code project_slug}, ...). */
  public Outcome parseLegacy(JsonNode root) {
    try {
      String id = Json.text(root, "id");
      if (id == null) {
        return new Invalid("legacy payload has no id");
      }
      JsonNode event = Json.object(root, "event");
      String project = Json.text(root, "project_slug");
      if (project == null) {
        project = Json.text(root, "project");
      }
      String title = firstNonNull(Json.text(event, "title"), Json.text(root, "message"));
      Issue issue =
          new Issue(
              new IssueId(source, id),
              null,
              project,
              title == null ? titleFromMetadata(event, id) : title,
              firstNonNull(Json.text(root, "culprit"), Json.text(event, "culprit")),
              level(firstNonNull(Json.text(root, "level"), Json.text(event, "level"))),
              withoutQuery(Json.uri(root, "url")),
              null,
              1);
      return new Parsed(issue, environment(event));
    } catch (InvalidPayloadException e) {
      return new Invalid("legacy payload: " + e.getMessage());
    }
  }

  private Outcome changed(JsonNode data, dev.autofix.core.port.IssueSource.Change change) {
    JsonNode issue = Json.object(data, "issue");
    String id = issue == null ? null : Json.text(issue, "id");
    if (id == null) {
      throw new InvalidPayloadException("data.issue.id is missing");
    }
    return new Changed(new IssueId(source, id), change);
  }

  private Outcome fromIssueWebhook(JsonNode data) {
    JsonNode issue = Json.object(data, "issue");
    if (issue == null) {
      throw new InvalidPayloadException("data.issue is missing");
    }
    return new Parsed(issueFromIssueObject(source, issue), null);
  }

  /** Parses one issue of a REST API issue list. */
  public Outcome parseApiIssue(JsonNode issue) {
    try {
      return new Parsed(issueFromIssueObject(source, issue), null);
    } catch (InvalidPayloadException e) {
      return new Invalid("issue: " + e.getMessage());
    }
  }

  /**
   * Reads an issue object as the {@code issue} webhook and the REST API both send it (camelCase:
   * {@code id}, {@code shortId}, {@code project.slug}, {@code firstSeen}, {@code count}, ...).
   *
   * @throws InvalidPayloadException when the id is missing or a field is unreadable
   */
  private static Issue issueFromIssueObject(String source, JsonNode issue) {
    String id = Json.text(issue, "id");
    if (id == null) {
      throw new InvalidPayloadException("issue has no id");
    }
    URI permalink = Json.uri(issue, "permalink");
    if (permalink == null) {
      permalink = Json.uri(issue, "web_url");
    }
    String title = Json.text(issue, "title");
    return new Issue(
        new IssueId(source, id),
        Json.text(issue, "shortId"),
        Json.text(Json.object(issue, "project"), "slug"),
        title == null ? titleFromMetadata(issue, id) : title,
        Json.text(issue, "culprit"),
        level(Json.text(issue, "level")),
        permalink,
        Json.instant(issue, "firstSeen"),
        count(Json.text(issue, "count")));
  }

  private Outcome fromEvent(JsonNode event, String where) {
    if (event == null) {
      throw new InvalidPayloadException(where + " is missing");
    }
    String issueId = Json.text(event, "issue_id");
    if (issueId == null) {
      throw new InvalidPayloadException(where + ".issue_id is missing");
    }
    String title = Json.text(event, "title");
    Issue issue =
        new Issue(
            new IssueId(source, issueId),
            null,
            projectFromEventUrl(Json.text(event, "url")),
            title == null ? titleFromMetadata(event, issueId) : title,
            Json.text(event, "culprit"),
            level(Json.text(event, "level")),
            issuePageFromEventPage(Json.uri(event, "web_url")),
            null,
            1);
    return new Parsed(issue, environment(event));
  }

  /** The environment of an event payload: its field, else its {@code environment} tag. */
  static String environment(JsonNode event) {
    String environment = Json.text(event, "environment");
    if (environment != null) {
      return environment;
    }
    JsonNode tags = Json.array(event, "tags");
    if (tags != null) {
      for (JsonNode tag : tags) {
        if (tag.isArray() && tag.size() == 2 && "environment".equals(tag.get(0).asText())) {
          return tag.get(1).isNull() ? null : tag.get(1).asText();
        }
        if (tag.isObject() && "environment".equals(Json.text(tag, "key"))) {
          return Json.text(tag, "value");
        }
      }
    }
    return null;
  }

  private static String titleFromMetadata(JsonNode node, String id) {
    JsonNode metadata = Json.object(node, "metadata");
    String type = Json.text(metadata, "type");
    String value = Json.text(metadata, "value");
    if (type != null && value != null) {
      return type + ": " + value;
    }
    if (type != null || value != null) {
      return type != null ? type : value;
    }
    return "Sentry issue " + id;
  }

  private static Level level(String wire) {
    if (wire == null) {
      return Level.ERROR;
    }
    try {
      return Level.fromWire(wire);
    } catch (IllegalArgumentException e) {
      throw new InvalidPayloadException("unknown level: " + Json.abbreviate(wire));
    }
  }

  private static long count(String text) {
    if (text == null) {
      return 1;
    }
    try {
      long count = Long.parseLong(text.trim());
      return Math.max(count, 0);
    } catch (NumberFormatException e) {
      throw new InvalidPayloadException("count is not a number: " + Json.abbreviate(text));
    }
  }

  /** {@code .../api/0/projects/{org}/{project}/events/{id}/} names the project slug. */
  private static String projectFromEventUrl(String url) {
    if (url == null) {
      return null;
    }
    Matcher matcher = PROJECT_IN_EVENT_URL.matcher(url);
    return matcher.find() ? matcher.group(1) : null;
  }

  /** {@code .../issues/{id}/events/{event}/} without its event part is the issue's page. */
  private static URI issuePageFromEventPage(URI eventPage) {
    if (eventPage == null) {
      return null;
    }
    return URI.create(EVENT_SUFFIX.matcher(eventPage.toString()).replaceFirst(""));
  }

  private static URI withoutQuery(URI uri) {
    if (uri == null) {
      return null;
    }
    try {
      return new URI(uri.getScheme(), uri.getAuthority(), uri.getPath(), null, null);
    } catch (URISyntaxException e) {
      return uri;
    }
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
