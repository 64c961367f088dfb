package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The service files in {@code dist/} keep to what autofix does on a stop: they wait longer than the
 * shutdown grace before SIGKILL, count a SIGTERM's exit as success, and start the jar. Neither file
 * runs under systemd or launchd here; the stop itself is {@code CleanStopIT}'s.
 */
class ServiceFilesTest {
  private static final Path DIST = Path.of("..", "dist");
  private static final Duration GRACE = ServerConfig.SHUTDOWN_GRACE.defaultValue();

  @Test
  void systemdUnit_waitsLongerThanTheGrace_andTakesTheSettingsFromAnEnvironmentFile()
      throws Exception {
    Map<String, String> service = new LinkedHashMap<>();
    String section = "";
    for (String line : Files.readAllLines(DIST.resolve("systemd/autofix.service"))) {
      String l = line.strip();
      if (l.startsWith("[")) {
        section = l;
      } else if (!l.isEmpty() && !l.startsWith("#") && section.equals("[Service]")) {
        String[] kv = l.split("=", 2);
        service.put(kv[0], kv[1]);
      }
    }
    assertThat(Duration.ofSeconds(Long.parseLong(service.get("TimeoutStopSec"))))
        .isGreaterThan(GRACE.plusSeconds(10));
    assertThat(service.get("SuccessExitStatus")).contains("143");
    assertThat(service.get("KillSignal")).isEqualTo("SIGTERM");
    assertThat(service.get("RestartPreventExitStatus")).as("a configuration error").isEqualTo("2");
    assertThat(service.get("EnvironmentFile")).isEqualTo("%h/.config/autofix/env");
    assertThat(service.get("ExecStart")).contains("-jar").endsWith("autofix-server.jar");
  }

  @Test
  void launchdPlist_isAPropertyList_thatWaitsLongerThanTheGrace() throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Element dict =
        (Element)
            factory
                .newDocumentBuilder()
                .parse(DIST.resolve("launchd/dev.autofix.server.plist").toFile())
                .getDocumentElement()
                .getElementsByTagName("dict")
                .item(0);
    Map<String, Node> keys = new LinkedHashMap<>();
    NodeList children = dict.getChildNodes();
    String key = null;
    for (int i = 0; i < children.getLength(); i++) {
      Node child = children.item(i);
      if (child instanceof Element e) {
        if (e.getTagName().equals("key")) {
          key = e.getTextContent();
        } else if (key != null) {
          keys.put(key, e);
          key = null;
        }
      }
    }
    assertThat(keys.get("Label").getTextContent()).isEqualTo("dev.autofix.server");
    assertThat(Duration.ofSeconds(Long.parseLong(keys.get("ExitTimeOut").getTextContent())))
        .isGreaterThan(GRACE.plusSeconds(10));
    List<String> arguments =
        List.of(keys.get("ProgramArguments").getTextContent().strip().split("\\s+"));
    assertThat(arguments).contains("-jar");
    assertThat(arguments.get(arguments.size() - 1)).endsWith("autofix-server.jar");
    assertThat(keys.get("EnvironmentVariables").getTextContent())
        .contains("AUTOFIX_SENTRY_CLIENT_SECRET");
  }
}
