package dev.autofix.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hostile clients against a server on 127.0.0.1, on one thread: <em>slowloris</em> connections that
 * send a request line and then one header byte per tick, never ending their headers, and
 * <em>slow-body</em> connections that send whole headers declaring a large body and then one body
 * byte per tick. A connection the server closes is opened again at once, as an attacker does, and
 * counted. {@link #close()} stops the thread and closes every connection.
 *
 * <pre>{@code
 * try (SlowClients attack = SlowClients.start(port, "/webhooks/sentry", 65, 8, 1 << 20,
 *     Duration.ofMillis(500))) {
 *   // deliveries while the attack runs
 * }
 * }</pre>
 */
public final class SlowClients implements AutoCloseable {
  private final InetSocketAddress server;
  private final String path;
  private final long declaredBodyBytes;
  private final Duration tick;
  private final List<Connection> connections = new ArrayList<>();
  private final AtomicLong closedByServer = new AtomicLong();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong answers = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  private SlowClients(
      int port, String path, int slowloris, int slowBodies, long declaredBodyBytes, Duration tick)
      throws IOException {
    this.server = new InetSocketAddress("127.0.0.1", port);
    this.path = path;
    this.declaredBodyBytes = declaredBodyBytes;
    this.tick = tick;
    for (int i = 0; i < slowloris; i++) {
      connections.add(open(false));
    }
    for (int i = 0; i < slowBodies; i++) {
      connections.add(open(true));
    }
    this.thread = Thread.ofPlatform().daemon().name("slow-clients").start(this::loop);
  }

  /**
   * Opens {@code slowloris} connections that trickle their headers and {@code slowBodies} that
   * declare {@code declaredBodyBytes} and trickle the body, one byte each per {@code tick}.
   */
  public static SlowClients start(
      int port, String path, int slowloris, int slowBodies, long declaredBodyBytes, Duration tick)
      throws IOException {
    return new SlowClients(port, path, slowloris, slowBodies, declaredBodyBytes, tick);
  }

  /** Connections the server closed (each was opened again). */
  public long closedByServer() {
    return closedByServer.get();
  }

  /** Connections opened, first ones and reconnections. */
  public long opened() {
    return opened.get();
  }

  /** Connections on which the server answered something before closing. */
  public long answered() {
    return answers.get();
  }

  /** The connections open now, of either kind. */
  public int open() {
    synchronized (connections) {
      return (int) connections.stream().filter(c -> c.channel.isOpen()).count();
    }
  }

  private Connection open(boolean slowBody) throws IOException {
    SocketChannel channel = SocketChannel.open(server);
    channel.configureBlocking(false);
    String start =
        slowBody
            ? "POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + declaredBodyBytes
                + "\r\n\r\n{"
            : "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    write(channel, start);
    opened.incrementAndGet();
    return new Connection(channel, slowBody);
  }

  private void loop() {
    ByteBuffer in = ByteBuffer.allocate(4096);
    while (running) {
      synchronized (connections) {
        for (int i = 0; i < connections.size() && running; i++) {
          Connection c = connections.get(i);
          try {
            in.clear();
            int n = c.channel.read(in);
            if (n > 0) {
              c.answered = true;
            }
            if (n == -1) {
              throw new IOException("closed by the server");
            }
            write(c.channel, c.slowBody ? " " : "a");
          } catch (IOException closed) {
            if (c.channel.isOpen()) {
              closedByServer.incrementAndGet();
              if (c.answered) {
                answers.incrementAndGet();
              }
              closeQuietly(c.channel);
            }
            try {
              connections.set(i, open(c.slowBody));
            } catch (IOException e) {
              // the server refused the new connection: try again next tick
            }
          }
        }
      }
      try {
        Thread.sleep(tick);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    while (bytes.hasRemaining()) {
      if (channel.write(bytes) == 0) {
        return; // the server does not read: nothing more this tick
      }
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
    synchronized (connections) {
      connections.forEach(c -> closeQuietly(c.channel));
    }
  }

  private static final class Connection {
    final SocketChannel channel;
    final boolean slowBody;
    boolean answered;

    Connection(SocketChannel channel, boolean slowBody) {
      this.channel = channel;
      this.slowBody = slowBody;
    }
  }
}
