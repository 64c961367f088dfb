package dev.autofix.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.autofix.core.port.RunStore;
import dev.autofix.core.usecase.RecordIssue;
import dev.autofix.testkit.FakeIssueSource;
import dev.autofix.testkit.InMemoryRunStore;
import dev.autofix.testkit.RecordingDefectReporter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A defect in RecordIssue (the store throws) is still a 500 with a fingerprint, reported. */
class WebhookHandlerDefectTest {
  @Test
  void aDefectInRecordIssueIsA500WithItsFingerprint() throws Exception {
    InMemoryRunStore real = new InMemoryRunStore();
    RunStore broken =
        (RunStore)
            Proxy.newProxyInstance(
                RunStore.class.getClassLoader(),
                new Class<?>[] {RunStore.class},
                (p, m, args) -> {
                  if (m.getName().equals("insertIfAbsent")) {
                    throw new IllegalStateException("bug in the store");
                  }
                  try {
                    return m.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    RecordingDefectReporter defects = new RecordingDefectReporter();
    List<String> outcomes = new ArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/webhooks/fake",
        new ErrorBoundary(
            "webhook",
            new WebhookHandler(
                new FakeIssueSource(),
                new RecordIssue(broken, () -> {}, Clock.systemUTC()),
                1 << 20,
                outcomes::add),
            defects,
            () -> outcomes.add("error")));
    server.start();
    try {
      var delivery = FakeIssueSource.delivery("42");
      var request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks/fake"))
              .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
      delivery.headers().forEach(request::header);
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body())
          .contains("\"error\":\"internal\"")
          .contains("\"fingerprint\":\"" + defects.defects().getFirst().fingerprint() + "\"");
      assertThat(defects.defects()).hasSize(1);
      assertThat(outcomes).containsExactly("error");
    } finally {
      server.stop(0);
    }
  }
}
