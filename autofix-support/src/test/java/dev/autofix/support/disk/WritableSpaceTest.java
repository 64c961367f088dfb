package dev.autofix.support.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WritableSpaceTest {
  @TempDir Path dir;

  @Test
  void problem_isEmpty_forAWritableFolderWithSpace() {
    assertThat(WritableSpace.problem(dir, 1)).isEmpty();
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void problem_looksAtTheNearestExistingParent_ofAFolderNotCreatedYet() {
    assertThat(WritableSpace.problem(dir.resolve("not/yet"), 1)).isEmpty();
  }

  @Test
  void problem_saysFull_belowTheMinimum() {
    assertThat(WritableSpace.problem(dir, Long.MAX_VALUE))
        .hasValueSatisfying(p -> assertThat(p).contains("is full").contains(dir.toString()));
  }
}
