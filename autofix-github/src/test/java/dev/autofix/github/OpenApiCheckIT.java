package dev.autofix.github;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** The OpenAPI check the fake runs would catch a request GitHub would refuse. */
class OpenApiCheckIT {
  private static final HttpUrl PULLS = HttpUrl.get("https://api.github.com/repos/acme/shop/pulls");
  private static final Headers JSON = Headers.of("Content-Type", "application/json");

  @Test
  void request_isValid_whenItIsTheDraftPullRequestThePublisherSends() {
    String body =
        "{\"title\":\"fix: x (A-1)\",\"head\":\"autofix/a-1\",\"base\":\"main\",\"body\":\"b\","
            + "\"draft\":true}";

    assertThat(OpenApiCheck.request("POST", PULLS, JSON, body)).isEmpty();
  }

  @Test
  void request_isFlagged_whenTheBodyBreaksTheSchema() {
    assertThat(OpenApiCheck.request("POST", PULLS, JSON, "{\"title\":\"t\",\"draft\":\"yes\"}"))
        .isNotEmpty();
    assertThat(
            OpenApiCheck.request(
                "POST",
                PULLS,
                JSON,
                "{\"title\":\"t\",\"head\":\"h\",\"base\":\"b\",\"drafts\":true}"))
        .isNotEmpty();
  }
}
