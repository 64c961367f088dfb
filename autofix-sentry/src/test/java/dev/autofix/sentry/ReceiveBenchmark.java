package dev.autofix.sentry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autofix.core.model.Delivery;
import dev.autofix.core.port.IssueSource;
import java.nio.charset.StandardCharsets;
import okhttp3.OkHttpClient;

/**
 * How long {@code receive} takes (verify + parse + filter), the figure behind the README's numbers.
 * Not a test: run it by hand (see the README); never assert times in tests.
 */
final class ReceiveBenchmark {
  private ReceiveBenchmark() {}

  public static void main(String[] args) {
    IssueSource source =
        SentryIssueSource.create(
            SentryConfig.withClientSecret(Fixtures.SECRET), new OkHttpClient(), new ObjectMapper());
    measure(
        source,
        "issue.created, 869 B",
        Fixtures.signed("issue", Fixtures.bytes("issue-created.body.json")));
    measure(
        source,
        "event_alert.triggered, 4 KiB",
        Fixtures.signed("event_alert", Fixtures.bytes("event-alert-triggered.body.json")));
    String big = bigEvent();
    measure(
        source, "error.created, " + big.length() / 1024 + " KiB", Fixtures.signed("error", big));
    byte[] tooLarge = new byte[10 * 1024 * 1024];
    measure(source, "10 MiB body (TooLarge)", Fixtures.signed("error", tooLarge));
  }

  /** An error.created payload padded with breadcrumbs to just under 1 MiB. */
  private static String bigEvent() {
    String body = Fixtures.text("error-created.json");
    StringBuilder crumbs = new StringBuilder("\"breadcrumbs\": {\"values\": [");
    int i = 0;
    while (body.length() + crumbs.length() < 1_000_000) {
      crumbs
          .append(i++ == 0 ? "" : ",")
          .append("{\"category\":\"query\",\"message\":\"SELECT * FROM t WHERE id = ")
          .append(i)
          .append("\",\"level\":\"info\"}");
    }
    crumbs.append("]},");
    return body.replace("\"culprit\": \"?(runner)\",", crumbs + "\"culprit\": \"?(runner)\",");
  }

  private static void measure(IssueSource source, String name, Delivery delivery) {
    for (int i = 0; i < 200; i++) {
      source.receive(delivery);
    }
    int rounds = delivery.size() > 100_000 ? 200 : 20_000;
    long start = System.nanoTime();
    Object last = null;
    for (int i = 0; i < rounds; i++) {
      last = source.receive(delivery);
    }
    double micros = (System.nanoTime() - start) / 1000.0 / rounds;
    System.out.printf(
        "%-32s %10.1f us/receive  -> %s%n", name, micros, last.getClass().getSimpleName());
    if (delivery.body().length != delivery.size()) {
      throw new AssertionError(new String(delivery.body(), StandardCharsets.UTF_8));
    }
  }
}
