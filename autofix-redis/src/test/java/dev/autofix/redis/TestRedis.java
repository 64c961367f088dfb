package dev.autofix.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import redis.embedded.RedisServer;

/**
 * A real Redis for integration tests: the server named by {@code AUTOFIX_TEST_REDIS_URL}, or else
 * an embedded {@code redis-server} on a random port of 127.0.0.1 that can be stopped and restarted.
 */
final class TestRedis implements AutoCloseable {
  private final String url;
  private final RedisServer server;
  private final Path dir;

  private TestRedis(String url, RedisServer server, Path dir) {
    this.url = url;
    this.server = server;
    this.dir = dir;
  }

  /** {@code AUTOFIX_TEST_REDIS_URL} when set, else a fresh embedded server. */
  static TestRedis start() {
    String external = System.getenv("AUTOFIX_TEST_REDIS_URL");
    if (external != null && !external.isBlank()) {
      return new TestRedis(external.strip(), null, null);
    }
    return embedded(null);
  }

  /**
   * Always an embedded server (for tests that stop it), requiring {@code password} unless null,
   * with an append-only file so that its data survives a restart.
   */
  static TestRedis embedded(String password) {
    try {
      Path dir = Files.createTempDirectory("autofix-redis-it");
      int port = freePort();
      RedisServer server =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("dir " + dir)
              .setting("save \"\"")
              .setting("appendonly yes")
              .setting("appendfsync always")
              .settingIf(password != null, "requirepass " + password)
              .build();
      server.start();
      String userInfo = password == null ? "" : ":" + password + "@";
      return new TestRedis("redis://" + userInfo + "127.0.0.1:" + port, server, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded Redis", e);
    }
  }

  /**
   * An embedded server speaking TLS only (its plain port is off), with the test certificate for
   * 127.0.0.1 from {@code src/test/resources/dev/autofix/redis/tls}.
   */
  static TestRedis embeddedTls() {
    try {
      Path dir = Files.createTempDirectory("autofix-redis-tls-it");
      Path cert = copy("tls/redis-test.crt", dir);
      Path key = copy("tls/redis-test.key", dir);
      int port = freePort();
      RedisServer server =
          RedisServer.newRedisServer()
              .port(0)
              .bind("127.0.0.1")
              .setting("dir " + dir)
              .setting("save \"\"")
              .setting("appendonly no")
              .setting("tls-port " + port)
              .setting("tls-cert-file " + cert)
              .setting("tls-key-file " + key)
              .setting("tls-ca-cert-file " + cert)
              .setting("tls-auth-clients no")
              .build();
      server.start();
      return new TestRedis("rediss://127.0.0.1:" + port, server, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded Redis with TLS", e);
    }
  }

  private static Path copy(String resource, Path dir) throws IOException {
    Path target = dir.resolve(Path.of(resource).getFileName());
    try (var in = TestRedis.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      Files.copy(in, target);
    }
    return target;
  }

  String url() {
    return url;
  }

  boolean isEmbedded() {
    return server != null;
  }

  void stop() throws IOException {
    server.stop();
  }

  void restart() throws IOException {
    server.start();
  }

  @Override
  public void close() throws IOException {
    if (server == null) {
      return;
    }
    server.stop();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
