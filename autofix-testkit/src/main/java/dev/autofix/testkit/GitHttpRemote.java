package dev.autofix.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A git smart-HTTP remote on 127.0.0.1: {@code git http-backend} (CGI) behind a JDK HttpServer that
 * wants Basic auth with the token as password, as github.com does.
 */
public final class GitHttpRemote implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final Path root;
  private final String token;
  private final List<String> users = new CopyOnWriteArrayList<>();

  public GitHttpRemote(Path root, String token) {
    this.root = root;
    this.token = token;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The URL of {@code owner/name.git} under the root. */
  public String url(String owner, String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + owner + "/" + name + ".git";
  }

  /** The directory the repositories are served from. */
  public Path root() {
    return root;
  }

  /** The user names of the requests that authenticated. */
  public List<String> users() {
    return List.copyOf(users);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String user = authenticatedUser(exchange.getRequestHeaders().getFirst("Authorization"));
      if (user == null) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"GitHub\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      users.add(user);
      byte[] input = exchange.getRequestBody().readAllBytes();
      ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
      Map<String, String> env = builder.environment();
      env.put("GIT_PROJECT_ROOT", root.toString());
      env.put("GIT_HTTP_EXPORT_ALL", "1");
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.put("GIT_CONFIG_GLOBAL", "/dev/null");
      env.put("REQUEST_METHOD", exchange.getRequestMethod());
      env.put("PATH_INFO", exchange.getRequestURI().getPath());
      env.put("QUERY_STRING", nullToEmpty(exchange.getRequestURI().getRawQuery()));
      env.put("CONTENT_TYPE", nullToEmpty(exchange.getRequestHeaders().getFirst("Content-Type")));
      env.put("CONTENT_LENGTH", Integer.toString(input.length));
      env.put("REMOTE_USER", user);
      env.put("REMOTE_ADDR", "127.0.0.1");
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      if (encoding != null) {
        env.put("HTTP_CONTENT_ENCODING", encoding);
      }
      String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
      if (protocol != null) {
        env.put("GIT_PROTOCOL", protocol);
      }
      Path err = Files.createTempFile("http-backend-", ".err");
      try {
        Process process = builder.redirectError(err.toFile()).start();
        try (OutputStream stdin = process.getOutputStream()) {
          stdin.write(input);
        }
        byte[] output;
        try (InputStream stdout = process.getInputStream()) {
          output = stdout.readAllBytes();
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          exchange.sendResponseHeaders(504, -1);
          return;
        }
        respond(exchange, output);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(500, -1);
      } finally {
        Files.deleteIfExists(err);
      }
    }
  }

  /** Copies the CGI headers (and {@code Status:}) and streams the rest. */
  private static void respond(HttpExchange exchange, byte[] output) throws IOException {
    int split = indexOf(output, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    int skip = 4;
    if (split < 0) {
      split = indexOf(output, "\n\n".getBytes(StandardCharsets.ISO_8859_1));
      skip = 2;
    }
    String head = new String(output, 0, Math.max(split, 0), StandardCharsets.ISO_8859_1);
    int status = 200;
    for (String line : head.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.split(" ")[0]);
      } else {
        exchange.getResponseHeaders().add(name, value);
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (split >= 0) {
      body.write(output, split + skip, output.length - split - skip);
    }
    byte[] bytes = body.toByteArray();
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private String authenticatedUser(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded =
        new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    if (colon < 0 || !decoded.substring(colon + 1).equals(token)) {
      return null;
    }
    return decoded.substring(0, colon);
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
