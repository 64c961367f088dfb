package dev.autofix.server.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} requests in progress at once from one client address; the next is answered
 * {@code 429} with {@code Retry-After: 1} and its connection closed, without reading its body.
 * Exempt addresses (loopback, by default: behind a tunnel or a reverse proxy every peer is
 * 127.0.0.1, and the proxy is what must buffer and time out) are not counted.
 *
 * <p>The JDK server hands a request to its handler, and so to this filter, only once the request
 * line and headers are in: a client that trickles its headers is not counted here. Those are cut
 * off by the request limit ({@code sun.net.httpserver.maxReqTime}) and, where they could exhaust
 * the process, by {@code jdk.httpserver.maxConnections}.
 */
public final class ClientCap extends Filter {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCap.class);

  private final int max;
  private final Predicate<InetAddress> exempt;
  private final Map<InetAddress, Integer> inProgress = new ConcurrentHashMap<>();

  /**
   * @param max requests in progress at once from one address (0: no cap)
   * @param exempt the addresses not counted
   */
  public ClientCap(int max, Predicate<InetAddress> exempt) {
    if (max < 0) {
      throw new IllegalArgumentException("max < 0: " + max);
    }
    this.max = max;
    this.exempt = exempt;
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    InetAddress peer = exchange.getRemoteAddress().getAddress();
    if (max == 0 || peer == null || exempt.test(peer)) {
      chain.doFilter(exchange);
      return;
    }
    int now = inProgress.merge(peer, 1, Integer::sum);
    try {
      if (now > max) {
        LOG.warn("request refused: {} has {} requests in progress", peer.getHostAddress(), max);
        exchange.getResponseHeaders().set("Retry-After", "1");
        try (exchange) {
          Exchanges.refuse(
              exchange,
              429,
              Map.of("error", "more than " + max + " requests at once from one address"));
        }
        return;
      }
      chain.doFilter(exchange);
    } finally {
      inProgress.computeIfPresent(peer, (p, n) -> n <= 1 ? null : n - 1);
    }
  }

  @Override
  public String description() {
    return "at most " + max + " requests in progress per client address";
  }

  /** Addresses with requests in progress (for tests). */
  int tracked() {
    return inProgress.size();
  }
}
