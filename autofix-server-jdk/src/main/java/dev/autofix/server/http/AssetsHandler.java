package dev.autofix.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /assets/...}: the pages' static files, served from the jar (no build step, nothing
 * downloaded at run time). Only the files named here exist; they hold no data, so they need no
 * token.
 */
final class AssetsHandler implements HttpHandler {
  private static final Map<String, String> TYPES =
      Map.of("/assets/live.js", "text/javascript; charset=utf-8");

  private final Map<String, byte[]> files;

  AssetsHandler() {
    this.files = Map.of("/assets/live.js", resource("live.js"));
  }

  private static byte[] resource(String name) {
    try (InputStream in = AssetsHandler.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    byte[] file = files.get(path);
    if (file == null) {
      Exchanges.error(exchange, 404, "no such resource: " + path);
      return;
    }
    if (Exchanges.method(exchange, "GET", "HEAD")) {
      exchange.getResponseHeaders().set("Cache-Control", "max-age=300");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      Exchanges.send(exchange, 200, TYPES.get(path), file);
    }
  }
}
