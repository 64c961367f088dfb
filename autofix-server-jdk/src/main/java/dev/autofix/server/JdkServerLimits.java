package dev.autofix.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK {@code HttpServer}'s own limits, which are system properties read once per process, when
 * the first server of the process is created (JDK 21 and 25 alike):
 *
 * <ul>
 *   <li>{@code sun.net.httpserver.maxReqTime}: a request must arrive whole, line, headers and body,
 *       within this many seconds of its first byte, else its connection is closed. It is the only
 *       limit the JDK server has while it reads headers (it has no separate header limit); autofix
 *       gives it {@code AUTOFIX_HTTP_REQUEST_TIMEOUT}.
 *   <li>{@code sun.net.httpserver.maxRspTime}: an answer must leave within 60 s.
 *   <li>{@code sun.net.httpserver.clockTick}: how often connections that sent nothing at all are
 *       looked at; 1 s instead of 10 s, so they are closed at the request limit too.
 *   <li>{@code jdk.httpserver.maxConnections}: connections open at once; past it new ones are
 *       closed as they are accepted ({@code AUTOFIX_HTTP_MAX_CONNECTIONS}).
 * </ul>
 *
 * <p>A property given on the command line ({@code -D}) wins, and so does the first server's value
 * in a process that creates several: both are logged. A JDK server the embedding process created
 * before its first {@link AutofixServer} has fixed them already, unseen.
 */
final class JdkServerLimits {
  private static final Logger LOG = LoggerFactory.getLogger(JdkServerLimits.class);

  static final String REQUEST_TIME = "sun.net.httpserver.maxReqTime";
  static final String RESPONSE_TIME = "sun.net.httpserver.maxRspTime";
  static final String CLOCK_TICK = "sun.net.httpserver.clockTick";
  static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";

  private static Map<String, String> applied;

  private JdkServerLimits() {}

  /** Sets the properties, before the first {@code HttpServer} of the process is created. */
  static synchronized void apply(Duration requestTimeout, int maxConnections) {
    Map<String, String> wanted = new LinkedHashMap<>();
    wanted.put(REQUEST_TIME, Long.toString(Math.max(1, ceilSeconds(requestTimeout))));
    wanted.put(RESPONSE_TIME, "60");
    wanted.put(CLOCK_TICK, "1000");
    wanted.put(MAX_CONNECTIONS, Integer.toString(maxConnections));
    if (applied == null) {
      applied = new LinkedHashMap<>();
      wanted.forEach(
          (key, value) -> {
            String given = System.getProperty(key);
            if (given == null) {
              System.setProperty(key, value);
            } else if (!given.equals(value)) {
              LOG.info("-D{}={} given on the command line wins over {}", key, given, value);
            }
            applied.put(key, System.getProperty(key));
          });
      return;
    }
    wanted.forEach(
        (key, value) -> {
          if (!value.equals(applied.get(key))) {
            LOG.warn(
                "{}={} is fixed for this process by its first server; {} is not applied",
                key,
                applied.get(key),
                value);
          }
        });
  }

  private static long ceilSeconds(Duration d) {
    return d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
  }
}
