package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves that every architecture rule bites: each one runs against the planted violations in this
 * module's test sources (packages {@code ..planted..} and {@code dev.autofix.github.internal}) and
 * must report the class planted for it. ArchitectureTest runs the same rules over the real code.
 */
class ArchitectureRulesCatchViolationsTest {
  private static final JavaClasses PLANTED =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
          .importPackages("dev.autofix");

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of(ArchitectureTest.hexagon_is_respected, "SentryUsesGitHub"),
        Arguments.of(ArchitectureTest.core_depends_only_on_the_jdk, "CoreUsesGuice"),
        Arguments.of(ArchitectureTest.support_depends_only_on_the_jdk_and_slf4j, "SupportUsesCore"),
        Arguments.of(ArchitectureTest.ports_declare_no_checked_exceptions, "CheckedPort"),
        Arguments.of(ArchitectureTest.guice_stays_in_modules_and_assembly, "GuiceInAnAdapterClass"),
        Arguments.of(ArchitectureTest.adapter_implementations_are_hidden, "PublicSignal"),
        Arguments.of(ArchitectureTest.model_is_immutable, "MutableModel"),
        Arguments.of(ArchitectureTest.packages_are_free_of_cycles, "CycleA"),
        Arguments.of(ArchitectureTest.internal_stays_internal, "UsesInternal"),
        Arguments.of(ArchitectureTest.no_generic_exceptions, "BadHabits.throwGeneric"),
        Arguments.of(ArchitectureTest.no_java_util_logging, "BadHabits"),
        Arguments.of(ArchitectureTest.no_field_injection, "BadHabits.injected"),
        Arguments.of(ArchitectureTest.no_standard_streams, "BadHabits.print"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("rules")
  void rule_reportsThePlantedViolation(ArchRule rule, String planted) {
    EvaluationResult result = rule.evaluate(PLANTED);

    assertThat(result.hasViolation()).as("rule %s", rule.getDescription()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .as("violations of %s", rule.getDescription())
        .anyMatch(line -> line.contains(planted));
  }
}
