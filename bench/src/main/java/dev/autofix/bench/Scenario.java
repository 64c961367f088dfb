package dev.autofix.bench;

import dev.autofix.bench.Deliveries.Delivery;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** What one load scenario sends: the next delivery, and the issue ids it has sent so far. */
interface Scenario {
  String name();

  /** The next request; records the issue it names, if its delivery is valid. */
  Delivery next(long sequence);

  /** Every request is a signed delivery of one issue, alternating the two payload kinds. */
  static Scenario storm(Deliveries deliveries, Set<String> sent) {
    String id = deliveries.newIssueId();
    sent.add(id);
    Delivery created = deliveries.issueCreated(id);
    Delivery alert = deliveries.eventAlert(id);
    return named("storm", sequence -> sequence % 2 == 0 ? created : alert);
  }

  /** Every request is a new issue. */
  static Scenario newIssues(Deliveries deliveries, Set<String> sent) {
    return named(
        "new",
        sequence -> {
          String id = deliveries.newIssueId();
          sent.add(id);
          return deliveries.newIssue(id);
        });
  }

  /** 95 % duplicates of 50 hot issues (either payload kind), 5 % new issues. */
  static Scenario mixed(Deliveries deliveries, Set<String> sent) {
    int hot = 50;
    Delivery[] hotDeliveries = new Delivery[hot * 2];
    for (int i = 0; i < hot; i++) {
      String id = deliveries.newIssueId();
      sent.add(id);
      hotDeliveries[2 * i] = deliveries.issueCreated(id);
      hotDeliveries[2 * i + 1] = deliveries.eventAlert(id);
    }
    return named(
        "mixed",
        sequence -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          if (random.nextInt(100) < 5) {
            String id = deliveries.newIssueId();
            sent.add(id);
            return random.nextBoolean() ? deliveries.issueCreated(id) : deliveries.eventAlert(id);
          }
          return hotDeliveries[random.nextInt(hotDeliveries.length)];
        });
  }

  /**
   * The mix's deliveries from well-behaved clients while hostile ones hold connections open (see
   * {@link Bench#SLOWLORIS}): what a signed delivery costs under a slowloris and slow-body attack.
   */
  static Scenario slowloris(Deliveries deliveries, Set<String> sent) {
    Scenario mixed = mixed(deliveries, sent);
    return named("slowloris", mixed::next);
  }

  /** Half bad signatures (401), half correctly signed bodies that are not JSON objects (400). */
  static Scenario rejects(Deliveries deliveries) {
    Delivery malformed = deliveries.malformed();
    return named(
        "rejects",
        sequence ->
            sequence % 2 == 0 ? deliveries.badSignature(deliveries.newIssueId()) : malformed);
  }

  static List<String> names() {
    // new issues last: the worker defers each of their runs afterwards, for minutes
    return List.of("storm", "mixed", "rejects", "slowloris", "new");
  }

  private static Scenario named(String name, java.util.function.LongFunction<Delivery> next) {
    return new Scenario() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Delivery next(long sequence) {
        return next.apply(sequence);
      }
    };
  }
}
