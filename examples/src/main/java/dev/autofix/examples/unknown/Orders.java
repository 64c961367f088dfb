package dev.autofix.examples.unknown;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny order service. Its expected failures (not found, rate limited, invalid input) are values
 * of the sealed {@link Lookup}; a bug is an exception and nothing else.
 */
public final class Orders {
  private final Map<String, Integer> totals = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final int requestsPerWindow;

  public Orders(int requestsPerWindow) {
    this.requestsPerWindow = requestsPerWindow;
    totals.put("7", 4200);
    totals.put("8", 0);
  }

  /** Looks an order up and divides its total among its items: the bug lives here. */
  public Lookup averageItemPrice(String orderId, String items) {
    if (requests.incrementAndGet() > requestsPerWindow) {
      return new RateLimited(Duration.ofSeconds(30));
    }
    if (orderId == null || !orderId.matches("\\d{1,9}")) {
      return new Invalid("order id must be a number");
    }
    Integer total = totals.get(orderId);
    if (total == null) {
      return new NotFound(orderId);
    }
    int count;
    try {
      count = Integer.parseInt(items);
    } catch (NumberFormatException e) {
      return new Invalid("items must be a number");
    }
    // The defect nobody anticipated: zero items divides by zero.
    return new Found(orderId, total / count);
  }

  /** The outcome of a lookup. */
  public sealed interface Lookup permits Found, NotFound, RateLimited, Invalid {}

  /** The order and its average item price in cents. */
  public record Found(String orderId, int averageCents) implements Lookup {}

  /** No such order. */
  public record NotFound(String orderId) implements Lookup {}

  /** Too many requests; try again later. */
  public record RateLimited(Duration retryAfter) implements Lookup {}

  /** The request is invalid. */
  public record Invalid(String message) implements Lookup {}
}
