package dev.autofix.sentry.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
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
    if (!makesDefaultNodes(reader.getConfig())) {
      // a mapper told to build other nodes: let Jackson build them all, unused fields included
      JsonNode tree = reader.readTree(body);
      return tree == null || tree.isMissingNode() ? null : tree;
    }
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

  /** Whether {@code config} builds the nodes this reader builds (a default mapper's). */
  static boolean makesDefaultNodes(DeserializationConfig config) {
    return config.getNodeFactory() == JsonNodeFactory.instance
        && !config.hasSomeOfFeatures(
            DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS.getMask()
                | DeserializationFeature.USE_BIG_INTEGER_FOR_INTS.getMask()
                | DeserializationFeature.USE_LONG_FOR_INTS.getMask()
                | DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY.getMask())
        && config.isEnabled(JsonNodeFeature.READ_NULL_PROPERTIES);
  }

  /** Iterative (no stack frame per nesting level): the depth is bounded only by the parser. */
  private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
      return scalar(parser, token);
    }
    ArrayDeque<ContainerNode<?>> open = new ArrayDeque<>();
    ArrayDeque<String> names = new ArrayDeque<>(); // the field each open parent is filling
    ContainerNode<?> current = container(token);
    while (true) {
      String name = "";
      if (current.isObject()) {
        name = parser.nextFieldName();
        if (name == null) {
          token = JsonToken.END_OBJECT; // the parser refuses anything else
        } else {
          token = parser.nextToken();
          if (UNUSED.contains(name)) {
            parser.skipChildren(); // reads through a container; a scalar is already read
            continue;
          }
        }
      } else {
        token = parser.nextToken();
        if (token == null) {
          throw MismatchedInputException.from(parser, JsonNode.class, "Unexpected end of array");
        }
      }
      if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
        if (open.isEmpty()) {
          return current;
        }
        ContainerNode<?> done = current;
        current = open.pop();
        add(current, names.pop(), done);
      } else if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
        open.push(current);
        names.push(name);
        current = container(token);
      } else {
        add(current, name, scalar(parser, token));
      }
    }
  }

  private static ContainerNode<?> container(JsonToken start) {
    return start == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
  }

  private static void add(ContainerNode<?> container, String name, JsonNode child) {
    if (container instanceof ObjectNode object) {
      object.set(name, child);
    } else {
      ((ArrayNode) container).add(child);
    }
  }

  /** The node for a scalar {@code token}. */
  private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
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
}
