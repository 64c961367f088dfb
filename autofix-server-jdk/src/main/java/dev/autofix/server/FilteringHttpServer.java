package dev.autofix.server;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * A view of an {@link HttpServer} that puts {@code filter} first on every context created through
 * it, so that the routes are mounted without knowing of it (the JDK server has no filter for the
 * whole server).
 */
final class FilteringHttpServer extends HttpServer {
  private final HttpServer server;
  private final Filter filter;

  FilteringHttpServer(HttpServer server, Filter filter) {
    this.server = server;
    this.filter = filter;
  }

  @Override
  public HttpContext createContext(String path, HttpHandler handler) {
    HttpContext context = server.createContext(path, handler);
    context.getFilters().addFirst(filter);
    return context;
  }

  @Override
  public HttpContext createContext(String path) {
    HttpContext context = server.createContext(path);
    context.getFilters().addFirst(filter);
    return context;
  }

  @Override
  public void bind(InetSocketAddress addr, int backlog) throws IOException {
    server.bind(addr, backlog);
  }

  @Override
  public void start() {
    server.start();
  }

  @Override
  public void setExecutor(Executor executor) {
    server.setExecutor(executor);
  }

  @Override
  public Executor getExecutor() {
    return server.getExecutor();
  }

  @Override
  public void stop(int delay) {
    server.stop(delay);
  }

  @Override
  public void removeContext(String path) {
    server.removeContext(path);
  }

  @Override
  public void removeContext(HttpContext context) {
    server.removeContext(context);
  }

  @Override
  public InetSocketAddress getAddress() {
    return server.getAddress();
  }
}
