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

/**
 * A stand-in for a service you already run: its own {@link HttpServer} with its own route ({@code
 * /hello}), and autofix mounted beside it on {@code /hooks/sentry}, its engine started with the
 * service and stopped before it.
 */
public final class HostService implements AutoCloseable {
  private final EmbeddedAutofix autofix;
  private final HttpServer http;
  private final ExecutorService requests;

  private HostService(EmbeddedAutofix autofix, HttpServer http, ExecutorService requests) {
    this.autofix = autofix;
    this.http = http;
    this.requests = requests;
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
    http.start();
    try {
      autofix.engine().start();
    } catch (RuntimeException e) {
      http.stop(0);
      requests.shutdown();
      autofix.close();
      throw e;
    }
    return new HostService(autofix, http, requests);
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
    // up to 30 s for a running agent; then it is stopped and its run goes back to the queue
    autofix.engine().stop(java.time.Duration.ofSeconds(30));
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
