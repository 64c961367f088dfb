package dev.autofix.examples.embedded;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for a service you already run: its own {@link HttpServer} with its own route ({@code
 * /hello}), and autofix mounted beside it on {@code /hooks/sentry}, its worker on the service's own
 * background executor.
 */
public final class HostService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostService.class);

  private final EmbeddedAutofix autofix;
  private final HttpServer http;
  private final ExecutorService requests;
  private final ExecutorService background;

  private HostService(
      EmbeddedAutofix autofix,
      HttpServer http,
      ExecutorService requests,
      ExecutorService background) {
    this.autofix = autofix;
    this.http = http;
    this.requests = requests;
    this.background = background;
  }

  /** Starts the service on {@code address} (port 0 for any free port). */
  public static HostService start(
      InetSocketAddress address, EmbeddedAutofix.Settings settings, Map<String, String> env) {
    EmbeddedAutofix autofix = EmbeddedAutofix.start(settings, env);
    HttpServer http;
    try {
      http = HttpServer.create(address, 0);
    } catch (IOException e) {
      autofix.close();
      throw new UncheckedIOException(e);
    }
    http.createContext("/hello", HostService::hello);
    http.createContext("/hooks/sentry", autofix.webhookHandler());
    ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    http.setExecutor(requests);
    ExecutorService background = Executors.newSingleThreadExecutor();
    background.submit(autofix.worker());
    http.start();
    return new HostService(autofix, http, requests, background);
  }

  /** The port the service listens on. */
  public int port() {
    return http.getAddress().getPort();
  }

  /** autofix as wired inside this service. */
  public EmbeddedAutofix autofix() {
    return autofix;
  }

  /**
   * Stops taking requests, stops the worker (a run in progress goes back to the queue), then
   * autofix.
   */
  @Override
  public void close() {
    http.stop(0);
    requests.shutdown();
    background.shutdownNow();
    try {
      if (!background.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("the autofix worker did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    autofix.close();
  }

  private static void hello(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = "hello from the host service\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /**
   * Runs the service on 127.0.0.1, port {@code args[0]} or 8080, with autofix configured from the
   * environment (at least {@code AUTOFIX_SENTRY_CLIENT_SECRET}, {@code AUTOFIX_REPO_PATH} and
   * {@code AUTOFIX_GITHUB_REPO}).
   */
  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    HostService service =
        start(
            new InetSocketAddress(
                InetAddress.getLoopbackAddress(),
                args.length > 0 ? Integer.parseInt(args[0]) : 8080),
            EmbeddedAutofix.Settings.fromEnv(env),
            env);
    Runtime.getRuntime().addShutdownHook(new Thread(service::close));
    System.out.println(
        "listening on http://127.0.0.1:" + service.port() + " (POST Sentry to /hooks/sentry)");
  }
}
