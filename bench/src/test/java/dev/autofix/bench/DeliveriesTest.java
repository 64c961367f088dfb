package dev.autofix.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveriesTest {
  private final Signatures signatures = new Signatures("secret");
  private final Deliveries deliveries = new Deliveries(signatures, 42);

  @Test
  void issueCreated_carriesTheIssueId_andItsSignature() {
    Deliveries.Delivery d = deliveries.issueCreated("777");

    assertThat(new String(d.body(), StandardCharsets.UTF_8)).contains("\"id\":\"777\"");
    assertThat(d.resource()).isEqualTo("issue");
    assertThat(d.signature()).isEqualTo(signatures.sign(d.body()));
  }

  @Test
  void eventAlert_carriesTheIssueId_andItsSignature() {
    Deliveries.Delivery d = deliveries.eventAlert("777");

    assertThat(new String(d.body(), StandardCharsets.UTF_8)).contains("\"issue_id\":\"777\"");
    assertThat(d.resource()).isEqualTo("event_alert");
    assertThat(d.signature()).isEqualTo(signatures.sign(d.body()));
  }

  @Test
  void badSignature_isWrongButWellFormed_andExpects401() {
    Deliveries.Delivery d = deliveries.badSignature("777");

    assertThat(d.signature()).hasSize(64).isNotEqualTo(signatures.sign(d.body()));
    assertThat(d.expected()).containsExactly(401);
  }

  @Test
  void newIssueId_neverRepeats() {
    assertThat(deliveries.newIssueId()).isEqualTo("42");
    assertThat(deliveries.newIssueId()).isEqualTo("43");
  }

  @Test
  void storm_sendsOneIssue_inBothPayloadKinds() {
    Set<String> sent = new HashSet<>();
    Scenario storm = Scenario.storm(deliveries, sent);

    Set<String> resources = new HashSet<>();
    for (long i = 0; i < 10; i++) {
      resources.add(storm.next(i).resource());
    }

    assertThat(sent).hasSize(1);
    assertThat(resources).containsExactlyInAnyOrder("issue", "event_alert");
  }
}
