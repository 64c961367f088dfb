package dev.autofix.agents.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;

/**
 * Files under a directory that untrusted code could have shaped (the worktree, the sandbox's home),
 * read, written and deleted by autofix without ever leaving that directory: no link is followed
 * anywhere on the path, a file must be a regular file, and reads are capped. The untrusted
 * processes have ended when autofix does this, so nothing moves between the check and the use.
 */
public final class InsideFiles {
  private InsideFiles() {}

  /** What {@link #read} found. */
  public sealed interface Read permits Text, TooLarge, Missing, NotAFile {}

  /** The file's bytes. */
  public record Text(byte[] bytes) implements Read {}

  /** Over the cap: not read. */
  public record TooLarge(long size) implements Read {}

  /** Not there. */
  public record Missing() implements Read {}

  /** A link, a FIFO, a directory, or a path through a link: not read. */
  public record NotAFile(String what) implements Read {}

  /** Reads {@code root/relative} if it is a regular file of at most {@code max} bytes. */
  public static Read read(Path root, String relative, long max) throws IOException {
    Optional<String> unsafe = unsafeParents(root, relative);
    if (unsafe.isPresent()) {
      return unsafe.get().isEmpty() ? new Missing() : new NotAFile(unsafe.get());
    }
    Path file = root.resolve(relative);
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return new Missing();
    }
    if (!attributes.isRegularFile()) {
      return new NotAFile(relative + (attributes.isSymbolicLink() ? " is a link" : " is no file"));
    }
    if (attributes.size() > max) {
      return new TooLarge(attributes.size());
    }
    try (SeekableByteChannel channel =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) max);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // up to the cap, whatever the file grew to meanwhile
      }
      return new Text(Arrays.copyOf(buffer.array(), buffer.position()));
    }
  }

  /** Deletes {@code root/relative} (a link itself, never its target) when the path is safe. */
  public static void delete(Path root, String relative) throws IOException {
    if (unsafeParents(root, relative).isEmpty()) {
      Files.deleteIfExists(root.resolve(relative));
    }
  }

  /**
   * Makes {@code root/relative} a real directory: whatever stands there instead (a link, a file) is
   * removed first, and so is anything in the way on the path to it.
   */
  public static Path directory(Path root, String relative) throws IOException {
    Path current = root;
    for (Path part : Path.of(relative)) {
      current = current.resolve(part);
      if (Files.isSymbolicLink(current)
          || (Files.exists(current, LinkOption.NOFOLLOW_LINKS)
              && !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS))) {
        Files.delete(current);
      }
      if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(current);
      }
    }
    return current;
  }

  /**
   * Empty when every parent of {@code relative} under {@code root} is a real directory; else what
   * is wrong, or an empty string when a parent is merely missing.
   */
  private static Optional<String> unsafeParents(Path root, String relative) {
    Path rel = Path.of(relative).normalize();
    if (rel.isAbsolute() || rel.startsWith("..")) {
      throw new IllegalArgumentException("not a path inside: " + relative);
    }
    Path current = root;
    for (int i = 0; i < rel.getNameCount() - 1; i++) {
      current = current.resolve(rel.getName(i));
      if (Files.isSymbolicLink(current)) {
        return Optional.of(root.relativize(current) + " is a link");
      }
      if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of("");
      }
      if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(root.relativize(current) + " is no directory");
      }
    }
    return Optional.empty();
  }
}
