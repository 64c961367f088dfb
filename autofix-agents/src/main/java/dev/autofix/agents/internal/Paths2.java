package dev.autofix.agents.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/** File helpers. */
public final class Paths2 {
  private Paths2() {}

  /**
   * Deletes {@code root} and everything under it; absent is fine. Links are removed, never
   * followed, and no file outside {@code root} is changed: a directory the agent made unreadable is
   * opened up again (by its own path, not through a link) so that it can be emptied.
   */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
              Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof AccessDeniedException
                && Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
              Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
              deleteTree(file);
              return FileVisitResult.CONTINUE;
            }
            throw exc;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
