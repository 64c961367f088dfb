package dev.autofix.sentry.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Set;

/**
 * Reads a webhook body into a tree without the parts no webhook parser reads: an event's exception
 * and stack traces, breadcrumbs, request, contexts and the like, which are most of an {@code
 * event_alert.triggered} body. They are still read through, so a body that is not well-formed JSON
 * anywhere is refused as before; only their nodes are not built. (The fix itself reads the full
 * event from the REST API, not from the webhook.)
 */
public final class WebhookJson {
  /** Field names whose values {@link WebhookParser} never looks at, at any depth. */
  static final Set<String> UNUSED =
      Set.of(
          "exception",
          "stacktrace",
          "breadcrumbs",
          "entries",
          "contexts",
          "sdk",
          "request",
          "modules",
          "extra",
          "threads",
          "debug_meta",
          "user",
          "hashes",
          "grouping_config",
          "_meta",
          "errors",
          "spans",
          "measurements",
          "fingerprint",
          "installation",
          "actor");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private WebhookJson() {}

  /**
   * The body's tree without the unused fields; {@code null} for an empty document.
   *
   * <p>Built straight from the parser's tokens (an unused field's value is skipped by the parser
   * itself, still checked for well-formedness), which took half the time of a filtering parser
   * delegate feeding Jackson's tree deserializer. Nodes are those that deserializer makes: the
   * smallest integer node that holds a number, doubles for fractions, the last of duplicate keys.
   *
   * @throws IOException when the body is not one well-formed JSON document
   */
  public static JsonNode read(ObjectReader reader, byte[] body) throws IOException {
    try (JsonParser parser = reader.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      JsonNode root = value(parser, first);
      JsonToken trailing = parser.nextToken();
      if (trailing != null) {
        throw MismatchedInputException.from(
            parser,
            JsonNode.class,
            "Trailing token (of type "
                + trailing
                + ") found after value: not allowed as one webhook body is one JSON document");
      }
      return root;
    }
  }

  private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> array(parser);
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT ->
          switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default ->
          throw MismatchedInputException.from(
              parser, JsonNode.class, "Unexpected token " + token + " for a JSON value");
    };
  }

  private static ObjectNode object(JsonParser parser) throws IOException {
    ObjectNode object = NODES.objectNode();
    String name;
    while ((name = parser.nextFieldName()) != null) {
      JsonToken token = parser.nextToken();
      if (UNUSED.contains(name)) {
        parser.skipChildren(); // reads through a container; a scalar is already read
      } else {
        object.set(name, value(parser, token));
      }
    }
    return object; // the parser refuses anything but a field name or the object's end
  }

  private static ArrayNode array(JsonParser parser) throws IOException {
    ArrayNode array = NODES.arrayNode();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == null) {
        throw MismatchedInputException.from(parser, JsonNode.class, "Unexpected end of array");
      }
      array.add(value(parser, token));
    }
    return array;
  }
}
