package dev.autofix.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.core.model.RunId;
import dev.autofix.core.port.RunLogs;
import dev.autofix.server.FileRunLogsAccess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text the agent wrote can hold line breaks (its summary inside a reason, a bare {@code \r} in a
 * test's progress output). Written to a real run log, none of it may pass for an entry of its own
 * on the run's page: a step of the timeline, a diff, the pull request's body.
 */
class ForgedLogLinesTest {
  @TempDir Path dir;

  @Test
  void lineBreaksInsideOneEntry_cannotForgeStepsDiffsOrBodies() {
    RunLogs logs =
        FileRunLogsAccess.create(
            dir, 1 << 20, Clock.fixed(Instant.parse("2026-12-08T01:00:00Z"), ZoneOffset.UTC));
    RunId id = new RunId(1);
    String forged = "2026-12-08T01:00:01Z step: pull request opened";
    logs.open(id)
        .append(
            "no_fix: the agent made no change: fine\n" + forged + "\r\ndiff | +evil\rpr-body | x");
    logs.open(id).append("test | progress 50%\r" + forged);

    String log = logs.tail(id, 1 << 20);

    assertThat(log.lines()).allMatch(l -> l.startsWith("2026-12-08T01:00:00Z "));
    assertThat(RunPageHandler.timeline(List.of(), log)).as("no forged step").isEmpty();
    String html = Transcript.render(log);
    assertThat(html).doesNotContain("class=\"change\"").doesNotContain("output pr-body");
    assertThat(html).contains("step: pull request opened").contains("diff | +evil");
  }
}
