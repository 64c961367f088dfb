package dev.autofix.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection that sends a POST and reads the answer with as little work as
 * the protocol allows: the request head is written by hand and the answer's status line and framing
 * headers are all that is parsed.
 *
 * <p>The harness shares two cores with the server it measures, so the load generator's own CPU is
 * taken from the server: the JDK {@code HttpClient} cost about as much per request as the server's
 * whole webhook path. A trivial JDK {@code HttpServer} answered 44,000 requests per second through
 * this client and 48,000 through {@code wrk} on the same machine.
 */
final class KeepAliveConnection implements AutoCloseable {
  private final InetSocketAddress address;
  private final byte[] headPrefix;
  private final int timeoutMillis;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private final StringBuilder line = new StringBuilder(64);

  KeepAliveConnection(URI target, Duration timeout) {
    if (!"http".equals(target.getScheme())) {
      throw new IllegalArgumentException("only http:// targets: " + target);
    }
    this.address = new InetSocketAddress(target.getHost(), target.getPort());
    String path =
        target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
    this.headPrefix =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: "
                + target.getHost()
                + ":"
                + target.getPort()
                + "\r\nContent-Type: application/json\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
  }

  /**
   * Sends {@code body} with the extra {@code headers} (name, value pairs) and returns the answer's
   * status code, having read and discarded its body. On any failure the connection is closed, and
   * the next call opens a new one.
   */
  int post(byte[] body, String... headers) throws IOException {
    try {
      if (socket == null) {
        open();
      }
      ByteArrayOutputStream request =
          new ByteArrayOutputStream(headPrefix.length + body.length + 256);
      request.write(headPrefix);
      StringBuilder head = new StringBuilder(128);
      for (int i = 0; i + 1 < headers.length; i += 2) {
        head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      request.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      request.write(body);
      request.writeTo(out);
      out.flush();
      return readAnswer();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void open() throws IOException {
    Socket s = new Socket();
    s.connect(address, timeoutMillis);
    s.setTcpNoDelay(true);
    s.setSoTimeout(timeoutMillis);
    socket = s;
    out = s.getOutputStream();
    in = new BufferedInputStream(s.getInputStream(), 8192);
  }

  private int readAnswer() throws IOException {
    String status = readLine();
    // "HTTP/1.1 200 OK"
    if (!status.startsWith("HTTP/1.") || status.length() < 12) {
      throw new IOException("not an HTTP answer: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean closes = false;
    for (String header = readLine(); !header.isEmpty(); header = readLine()) {
      int colon = header.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> closes = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    if (chunked) {
      for (long size = chunkSize(); size > 0; size = chunkSize()) {
        skip(size);
        readLine();
      }
      while (!readLine().isEmpty()) {
        // trailers
      }
    } else if (length >= 0) {
      skip(length);
    } else {
      // no framing: the body runs to the end of the connection
      in.transferTo(OutputStream.nullOutputStream());
      closes = true;
    }
    if (closes) {
      close();
    }
    return code;
  }

  private long chunkSize() throws IOException {
    String size = readLine();
    int semicolon = size.indexOf(';');
    return Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
  }

  private void skip(long bytes) throws IOException {
    long left = bytes;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("answer ended " + left + " bytes early");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private String readLine() throws IOException {
    line.setLength(0);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed by the server");
      }
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      line.append((char) b);
      if (line.length() > 16 * 1024) {
        throw new IOException("header line longer than 16 KiB");
      }
    }
  }

  @Override
  public void close() {
    Socket s = socket;
    socket = null;
    out = null;
    in = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing a connection that failed: nothing more to do
      }
    }
  }
}
