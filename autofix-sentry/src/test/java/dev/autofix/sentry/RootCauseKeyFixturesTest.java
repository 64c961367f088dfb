package dev.autofix.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autofix.core.model.ErrorDetails;
import dev.autofix.core.model.RootCauseKey;
import dev.autofix.sentry.internal.EventMapper;
import org.junit.jupiter.api.Test;

/**
 * The root-cause key on Sentry's own recorded event ({@code api-issue-event-latest.json}, a browser
 * error from Sentry's JavaScript): its frames are all a library's, so it has no key; the same
 * frames as the app's own give the key of the innermost one.
 */
class RootCauseKeyFixturesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void sentrysRecordedJavaScriptEvent_hasNoAppFrame_soNoKey() throws Exception {
    ErrorDetails details =
        EventMapper.map(JSON.readTree(Fixtures.text("api-issue-event-latest.json")));

    assertThat(details.exceptions()).isNotEmpty();
    assertThat(RootCauseKey.of(details)).isEmpty();
  }

  @Test
  void theSameFramesAsTheAppsOwn_giveTheInnermostFramesKey() throws Exception {
    JsonNode event = JSON.readTree(Fixtures.text("api-issue-event-latest.json"));
    for (JsonNode entry : event.path("entries")) {
      for (JsonNode value : entry.path("data").path("values")) {
        for (JsonNode frame : value.path("stacktrace").path("frames")) {
          ((ObjectNode) frame).put("inApp", true);
        }
      }
    }

    assertThat(RootCauseKey.of(EventMapper.map(event)))
        .map(RootCauseKey::value)
        .contains(
            "ForbiddenError|usr/src/getsentry/src/sentry/node_modules/reflux-core/lib/PublisherMethods|apply");
  }
}
