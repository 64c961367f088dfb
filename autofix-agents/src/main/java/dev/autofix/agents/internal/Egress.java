package dev.autofix.agents.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's only way out: Unix sockets in a directory that is bound into the sandbox, each
 * forwarding to one allowed destination, on the host side.
 *
 * <ul>
 *   <li>A loopback destination ({@code 127.0.0.1:P}, {@code localhost:P}) gets its own socket,
 *       {@code port-P.sock}; inside the sandbox a forwarder listens on its own loopback port P and
 *       connects to it, so the agent reaches the same {@code http://127.0.0.1:P} it was given.
 *   <li>Every other destination goes through {@code proxy.sock}, an HTTP proxy that takes {@code
 *       CONNECT host:port} (and absolute-form plain HTTP requests) and opens only allowed ones;
 *       anything else is answered {@code 403}. The sandbox gets it as {@code HTTPS_PROXY}.
 * </ul>
 *
 * <p>Nothing else leaves the sandbox's network namespace, in particular no other port on the host's
 * loopback.
 */
public final class Egress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Egress.class);
  private static final int MAX_HEAD = 16 * 1024;
  private static final int BUFFER = 32 * 1024;

  /** Connections at once through one process's egress: each costs the server descriptors. */
  static final int MAX_CONNECTIONS = 128;

  /** How long a proxy client may take to send its request head. */
  static final java.time.Duration HEAD_TIMEOUT = java.time.Duration.ofSeconds(10);

  /** The name of the proxy's socket in {@link #directory()}. */
  public static final String PROXY_SOCKET = "proxy.sock";

  /** Opens a TCP connection to a destination the proxy allowed (a seam for tests). */
  public interface Connector {
    SocketChannel connect(String host, int port) throws IOException;

    /**
     * Plain TCP with the host's own name resolution, refusing a name that resolves to a loopback,
     * link-local (cloud metadata) or wildcard address: the host's own ports are reached through the
     * port forwards only.
     */
    Connector DIRECT =
        (host, port) -> {
          InetAddress[] addresses = InetAddress.getAllByName(host);
          for (InetAddress address : addresses) {
            if (address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
              throw new IOException(host + " resolves to " + address.getHostAddress());
            }
          }
          // To the address just checked, not the name again: a second lookup could answer else.
          return SocketChannel.open(new InetSocketAddress(addresses[0], port));
        };
  }

  /**
   * One allowed destination.
   *
   * @param host a host name or address, or {@code *.suffix} for its subdomains
   * @param port the port, or {@code -1} for 443 and 80
   */
  public record Destination(String host, int port) {
    public Destination {
      Objects.requireNonNull(host, "host == null");
      host = host.toLowerCase(Locale.ROOT);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
    }

    /** Parses {@code host}, {@code host:port}, {@code *.suffix} or {@code [::1]:port}. */
    public static Destination parse(String text) {
      String t = text.strip();
      int colon = t.lastIndexOf(':');
      if (colon > 0 && t.indexOf(':') == colon || (t.startsWith("[") && t.contains("]:"))) {
        return new Destination(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)));
      }
      return new Destination(t, -1);
    }

    /** Whether this is the host's own loopback, which the sandbox reaches by port forwarding. */
    public boolean loopback() {
      return port > 0
          && (host.equals("localhost") || host.equals("::1") || host.startsWith("127."));
    }

    boolean allows(String otherHost, int otherPort) {
      String h = otherHost.toLowerCase(Locale.ROOT);
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      boolean hostMatches = host.startsWith("*.") ? h.endsWith(host.substring(1)) : h.equals(host);
      boolean portMatches = port == -1 ? otherPort == 443 || otherPort == 80 : otherPort == port;
      return hostMatches && portMatches;
    }
  }

  private final Path directory;
  private final List<Destination> allowed;
  private final Connector connector;
  private final List<ServerSocketChannel> servers = new ArrayList<>();
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.Semaphore slots =
      new java.util.concurrent.Semaphore(MAX_CONNECTIONS);
  private final List<Integer> forwardedPorts = new ArrayList<>();
  private final boolean proxy;
  private volatile boolean closed;

  private Egress(Path directory, List<Destination> allowed, Connector connector) {
    this.directory = directory;
    this.allowed = List.copyOf(allowed);
    this.connector = connector;
    this.proxy = allowed.stream().anyMatch(d -> !d.loopback());
  }

  /**
   * Listens in a new private directory under {@code parent} for {@code allowed}.
   *
   * @throws IOException when a socket cannot be created
   */
  public static Egress open(Path parent, List<Destination> allowed, Connector connector)
      throws IOException {
    Path dir = Files.createTempDirectory(parent, "autofix-net-");
    Egress egress = new Egress(dir, allowed, connector);
    try {
      for (Destination d : allowed) {
        if (d.loopback() && !egress.forwardedPorts.contains(d.port())) {
          egress.forwardedPorts.add(d.port());
          egress.listen("port-" + d.port() + ".sock", ch -> egress.forward(ch, d));
        }
      }
      if (egress.proxy) {
        egress.listen(PROXY_SOCKET, egress::proxy);
      }
    } catch (IOException | RuntimeException e) {
      egress.close();
      throw e;
    }
    return egress;
  }

  /** The directory holding the sockets; bind it into the sandbox. */
  public Path directory() {
    return directory;
  }

  /** The loopback ports forwarded, each with its {@code port-P.sock}. */
  public List<Integer> forwardedPorts() {
    return List.copyOf(forwardedPorts);
  }

  /** Whether {@link #PROXY_SOCKET} is there: some destination is not on loopback. */
  public boolean hasProxy() {
    return proxy;
  }

  private interface Handler {
    void handle(SocketChannel client) throws IOException;
  }

  private void listen(String name, Handler handler) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(directory.resolve(name)));
    servers.add(server);
    Thread.ofVirtual()
        .name("autofix-egress-" + name)
        .start(
            () -> {
              while (!closed) {
                SocketChannel client;
                try {
                  client = server.accept();
                } catch (IOException e) {
                  return; // closed
                }
                if (!slots.tryAcquire()) {
                  LOG.warn(
                      "the sandbox opened over {} connections at once; refusing", MAX_CONNECTIONS);
                  closeQuietly(client);
                  continue;
                }
                open.add(client);
                Thread.ofVirtual()
                    .start(
                        () -> {
                          try {
                            handler.handle(client);
                          } catch (IOException | RuntimeException e) {
                            LOG.debug("egress {}: {}", name, e.toString());
                          } finally {
                            closeQuietly(client);
                            open.remove(client);
                            slots.release();
                          }
                        });
              }
            });
  }

  private void forward(SocketChannel client, Destination d) throws IOException {
    try (SocketChannel upstream =
        SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), d.port()))) {
      open.add(upstream);
      pump(client, upstream, null);
      open.remove(upstream);
    }
  }

  private void proxy(SocketChannel client) throws IOException {
    // A client that never finishes its head is cut off, so it holds no slot for ever.
    java.util.concurrent.atomic.AtomicBoolean headRead =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread deadline =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Thread.sleep(HEAD_TIMEOUT);
                    if (headRead.compareAndSet(false, true)) {
                      closeQuietly(client);
                    }
                  } catch (InterruptedException e) {
                    // the head arrived in time
                  }
                });
    try {
      proxy(client, headRead);
    } finally {
      deadline.interrupt();
    }
  }

  private void proxy(SocketChannel client, java.util.concurrent.atomic.AtomicBoolean headRead)
      throws IOException {
    ByteBuffer head = ByteBuffer.allocate(MAX_HEAD);
    int end = -1;
    while (end < 0) {
      if (!head.hasRemaining() || client.read(head) < 0) {
        reply(client, 400, "the proxy request head is incomplete or over " + MAX_HEAD + " bytes");
        // Let the answer arrive before the close: unread input would reset the connection.
        client.shutdownOutput();
        ByteBuffer discard = ByteBuffer.allocate(BUFFER);
        long left = 1L << 20;
        while (left > 0 && client.read(discard.clear()) > 0) {
          left -= discard.position();
        }
        return;
      }
      end = headEnd(head);
    }
    if (!headRead.compareAndSet(false, true)) {
      return; // too late: the deadline closed it
    }
    String text = new String(head.array(), 0, end, StandardCharsets.ISO_8859_1);
    String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
    if (requestLine.length != 3) {
      reply(client, 400, "not an HTTP request line");
      return;
    }
    boolean connect = requestLine[0].equals("CONNECT");
    String authority;
    int defaultPort;
    if (connect) {
      authority = requestLine[1];
      defaultPort = 443;
    } else if (requestLine[1].regionMatches(true, 0, "http://", 0, 7)) {
      String rest = requestLine[1].substring(7);
      int slash = rest.indexOf('/');
      authority = slash < 0 ? rest : rest.substring(0, slash);
      defaultPort = 80;
    } else {
      reply(client, 400, "only CONNECT and absolute http:// requests are proxied");
      return;
    }
    String host;
    int port;
    int colon = authority.lastIndexOf(':');
    try {
      if (colon > 0 && !authority.endsWith("]")) {
        host = authority.substring(0, colon);
        port = Integer.parseInt(authority.substring(colon + 1));
      } else {
        host = authority;
        port = defaultPort;
      }
    } catch (NumberFormatException e) {
      reply(client, 400, "bad port in " + authority);
      return;
    }
    String destination = host + ":" + port;
    if (allowed.stream().noneMatch(d -> d.allows(host, port))) {
      LOG.info("the agent's sandbox asked for {}, which is not allowed", destination);
      reply(
          client,
          403,
          destination + " is not an allowed destination (add it to AUTOFIX_AGENT_ALLOWED_HOSTS)");
      return;
    }
    SocketChannel upstream;
    try {
      upstream = connector.connect(host.replaceAll("^\\[|\\]$", ""), port);
    } catch (IOException e) {
      reply(client, 502, "cannot reach " + destination + ": " + e.getMessage());
      return;
    }
    try (upstream) {
      open.add(upstream);
      ByteBuffer rest = ByteBuffer.wrap(head.array(), 0, head.position());
      if (connect) {
        rest.position(end);
        write(
            client,
            ByteBuffer.wrap(
                "HTTP/1.1 200 Connection Established\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1)));
      }
      pump(client, upstream, rest); // plain HTTP: the head itself goes on as it was
      open.remove(upstream);
    }
  }

  /** The index just past the head's blank line, or -1. */
  private static int headEnd(ByteBuffer head) {
    byte[] a = head.array();
    for (int i = 3; i < head.position(); i++) {
      if (a[i - 3] == '\r' && a[i - 2] == '\n' && a[i - 1] == '\r' && a[i] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  private static void reply(SocketChannel client, int status, String message) throws IOException {
    byte[] body = ("autofix sandbox: " + message + "\n").getBytes(StandardCharsets.UTF_8);
    String reason =
        switch (status) {
          case 403 -> "Forbidden";
          case 502 -> "Bad Gateway";
          default -> "Bad Request";
        };
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    write(client, ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
    write(client, ByteBuffer.wrap(body));
  }

  /** Copies both ways until both sides are done; {@code first} goes upstream before the rest. */
  private void pump(SocketChannel client, SocketChannel upstream, ByteBuffer first)
      throws IOException {
    if (first != null && first.hasRemaining()) {
      write(upstream, first);
    }
    Thread back =
        Thread.ofVirtual()
            .start(
                () -> {
                  copy(upstream, client);
                });
    copy(client, upstream);
    try {
      back.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void copy(SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        write(to, buffer);
        buffer.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void write(SocketChannel to, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      to.write(buffer);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** Stops listening, cuts every open connection and removes the sockets. */
  @Override
  public void close() {
    closed = true;
    for (ServerSocketChannel server : servers) {
      try {
        server.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
    open.forEach(Egress::closeQuietly);
    open.clear();
    try {
      Paths2.deleteTree(directory);
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", directory, e.getMessage());
    }
  }
}
