package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autofix.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read endpoints behind {@code AUTOFIX_READ_TOKEN}, on the whole server (embedded PostgreSQL):
 * refused without the token, open to the read and the admin token as a bearer, and to the cookie
 * that the login form sets; the webhook, {@code /healthz} and {@code /readyz} stay open.
 */
class ReadTokenIT {
  private static final String READ = "read-e2e-0123456789";
  private static final String ADMIN = "admin-e2e"; // E2eWorld's

  /** Every read endpoint: the pages, the runs API (list, run, log, anything under it), metrics. */
  private static final List<String> READS =
      List.of(
          "/",
          "/runs/1",
          "/runs/2",
          "/api/runs",
          "/api/runs/1",
          "/api/runs/1/log",
          "/api/costs",
          "/api/other",
          "/metrics",
          "/nope");

  @TempDir Path root;

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @Test
  void theReadEndpoints_wantTheToken_asBearerOrTheLoginFormsCookie() throws Exception {
    try (E2eWorld world = new E2eWorld(root)) {
      Map<String, String> env = new HashMap<>(world.environment(0));
      env.put("AUTOFIX_READ_TOKEN", READ);
      try (Assembly server =
          Assembly.start(Assembly.settings(env), MutableClock.at(Instant.now()))) {
        int port = server.port();
        // the webhook stays open (signature-authenticated): run 1 exists
        long runId = E2eWorld.runId(world.post(port, E2eWorld.issueCreated("501", "SHOP-51")));
        assertThat(runId).isEqualTo(1);

        for (String path : READS) {
          HttpResponse<String> refused = get(port, path, Map.of());
          assertThat(refused.statusCode()).as("GET %s without a token", path).isEqualTo(401);
          assertThat(refused.body()).as(path).doesNotContain("SHOP-51").doesNotContain(READ);
          assertThat(get(port, path, Map.of("Authorization", "Bearer wrong")).statusCode())
              .as("GET %s with a wrong token", path)
              .isEqualTo(401);
          int expected = List.of("/api/other", "/nope", "/runs/2").contains(path) ? 404 : 200;
          assertThat(get(port, path, bearer(READ)).statusCode())
              .as("GET %s with the read token", path)
              .isEqualTo(expected);
          assertThat(get(port, path, bearer(ADMIN)).statusCode())
              .as("GET %s with the admin token", path)
              .isEqualTo(expected);
        }
        HttpResponse<String> api = get(port, "/api/runs/1", Map.of());
        assertThat(api.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(api.headers().firstValue("WWW-Authenticate"))
            .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        HttpResponse<String> page = get(port, "/", Map.of());
        assertThat(page.headers().firstValue("Content-Type"))
            .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.body()).contains("<form method=\"post\" action=\"/login\"");
        assertThat(get(port, "/api/runs/1", bearer(READ)).body()).contains("SHOP-51");

        // open: liveness, readiness (without its reasons), the login form
        assertThat(get(port, "/healthz", Map.of()).statusCode()).isEqualTo(200);
        assertThat(get(port, "/readyz", Map.of()).statusCode()).isIn(200, 503);
        assertThat(get(port, "/login", Map.of()).statusCode()).isEqualTo(200);
        assertThat(get(port, "/login", Map.of()).body()).contains("name=\"token\"");

        // a wrong token at the form: 401, no cookie, no detail
        HttpResponse<String> wrong = login(port, "token=not-it", Map.of());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(wrong.body()).doesNotContain(READ).doesNotContain(ADMIN);

        // the right one: a cookie, and the way home
        HttpResponse<String> ok = login(port, "token=" + READ, Map.of());
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location")).contains("/");
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
            .startsWith("autofix_read=")
            .contains("; Path=/")
            .contains("; HttpOnly")
            .contains("; SameSite=Strict")
            .doesNotContain("Secure")
            .doesNotContain(READ);
        Map<String, String> cookie =
            Map.of("Cookie", setCookie.substring(0, setCookie.indexOf(';')));
        for (String path : READS) {
          int expected = List.of("/api/other", "/nope", "/runs/2").contains(path) ? 404 : 200;
          assertThat(get(port, path, cookie).statusCode())
              .as("GET %s with the cookie", path)
              .isEqualTo(expected);
        }
        assertThat(get(port, "/", cookie).body()).contains("SHOP-51");
        JsonNode run = E2eWorld.JSON.readTree(get(port, "/api/runs/1", cookie).body());
        assertThat(run.get("shortId").asText()).isEqualTo("SHOP-51");
        // a forged cookie is no cookie
        assertThat(get(port, "/", Map.of("Cookie", "autofix_read=" + READ)).statusCode())
            .isEqualTo(401);

        // the admin token logs in too; behind an https proxy the cookie is Secure
        HttpResponse<String> admin =
            login(port, "token=" + ADMIN, Map.of("X-Forwarded-Proto", "https"));
        assertThat(admin.statusCode()).isEqualTo(303);
        assertThat(admin.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
        // the cookie reads, but is no admin credential
        Map<String, String> adminCookie =
            Map.of("Cookie", admin.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0]);
        assertThat(get(port, "/api/runs", adminCookie).statusCode()).isEqualTo(200);
        HttpResponse<String> retry =
            http.send(
                request(port, "/api/runs/1/cancel", adminCookie)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(retry.statusCode()).isEqualTo(401);
      }
    }
  }

  private HttpResponse<String> get(int port, String path, Map<String, String> headers)
      throws Exception {
    return http.send(
        request(port, path, headers).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> login(int port, String form, Map<String, String> headers)
      throws Exception {
    return http.send(
        request(port, "/login", headers)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(int port, String path, Map<String, String> headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    headers.forEach(builder::header);
    return builder;
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }
}
