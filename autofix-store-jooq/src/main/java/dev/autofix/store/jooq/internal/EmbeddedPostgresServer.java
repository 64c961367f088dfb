package dev.autofix.store.jooq.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server started from the binaries zonky ships in jars, listening on 127.0.0.1, with
 * its data in a directory of our choosing: started again on the same directory, it has every row it
 * had.
 *
 * <p>PostgreSQL refuses to run as root; zonky runs it in a user namespace ({@code unshare -U}) when
 * this JVM is root, which works on this project's machines.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final String SUPERUSER = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  /**
   * Starts a server on {@code dataDir}, creating the database cluster there on first use.
   *
   * @param dataDir the cluster's directory; kept on close unless {@code deleteOnClose}
   * @param port the port on 127.0.0.1, or 0 for a free one
   * @param deleteOnClose whether {@link #close()} deletes {@code dataDir} (tests)
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port, boolean deleteOnClose)
      throws IOException {
    Objects.requireNonNull(dataDir, "dataDir == null");
    Path absolute = dataDir.toAbsolutePath();
    Files.createDirectories(absolute);
    stopOrphan(absolute);
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "autofix-embedded-pg");
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(absolute)
            .setCleanDataDirectory(deleteOnClose)
            .setOverrideWorkingDirectory(workDir.toFile())
            // zonky's own JVM shutdown hook would stop the server while a worker still has to
            // put its run back: the owner (StoreDatabase, closed last) stops it instead.
            .setRegisterShutdownHook(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "200")
            // zonky turns synchronous_commit off for speed; a store that keeps its data must not
            // lose a committed run to a crash, so only throw-away test servers keep it off.
            .setServerConfig("synchronous_commit", deleteOnClose ? "off" : "on")
            // zonky also starts the server with -F (fsync off); a later -c wins, so a kept
            // database flushes its commits and a machine crash cannot lose an answered webhook.
            .setServerConfig("fsync", deleteOnClose ? "off" : "on")
            .setPGStartupWait(java.time.Duration.ofSeconds(30));
    if (port != 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    LOG.info("embedded PostgreSQL on 127.0.0.1:{} with data in {}", postgres.getPort(), absolute);
    return new EmbeddedPostgresServer(postgres, absolute);
  }

  /**
   * Stops a PostgreSQL server that a previous autofix process left running on {@code dataDir} when
   * it died (a SIGKILL ends the JVM but not the server it started), so this start can take the
   * directory over instead of failing on its lock file.
   */
  static void stopOrphan(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
    } catch (RuntimeException e) {
      return; // unreadable: PostgreSQL itself decides whether the file is stale
    }
    java.util.Optional<ProcessHandle> orphan =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    if (orphan.isEmpty()) {
      return;
    }
    LOG.warn(
        "a PostgreSQL server (pid {}) left by an earlier autofix process still runs on {};"
            + " stopping it",
        pid,
        dataDir);
    ProcessHandle server = orphan.get();
    server.destroy(); // SIGTERM: a smart shutdown, whose clients died with their process
    try {
      server.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      server.destroyForcibly();
      server.onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the orphaned PostgreSQL " + pid, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("could not stop the orphaned PostgreSQL " + pid, e);
    }
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return postgres.getPort();
  }

  /** The JDBC URL of {@code database} on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  /** The superuser that every connection uses (trust authentication, loopback only). */
  public String user() {
    return SUPERUSER;
  }

  /** The cluster's directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the server (fast shutdown: open transactions roll back). */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("stopping embedded PostgreSQL in " + dataDir, e);
    }
  }
}
