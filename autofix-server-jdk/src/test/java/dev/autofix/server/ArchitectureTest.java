package dev.autofix.server;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.conditions.ArchPredicates.are;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.onionArchitecture;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_FIELD_INJECTION;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture, enforced: rules from CONVENTIONS section 6. Every rule is also run against a
 * planted violation in {@code ArchitectureRulesCatchViolationsTest}, so none of them can pass by
 * matching nothing.
 */
@AnalyzeClasses(packages = "dev.autofix", importOptions = ImportOption.DoNotIncludeTests.class)
public class ArchitectureTest {

  @ArchTest
  public static final ArchRule hexagon_is_respected =
      onionArchitecture()
          .domainModels("dev.autofix.core.model..")
          .applicationServices("dev.autofix.core.port..", "dev.autofix.core.usecase..")
          .adapter("sentry", "dev.autofix.sentry..")
          .adapter("store", "dev.autofix.store..")
          .adapter("redis", "dev.autofix.redis..")
          .adapter("agents", "dev.autofix.agents..")
          .adapter("github", "dev.autofix.github..")
          .adapter("http", "dev.autofix.server.http..")
          .withOptionalLayers(true)
          .ignoreDependency(resideInAPackage("dev.autofix.server"), alwaysTrue())
          // The testkit and the examples are consumers of the whole library, like the
          // composition root: they wire fakes and adapters to the core on purpose.
          .ignoreDependency(
              resideInAnyPackage("dev.autofix.testkit..", "dev.autofix.examples.."), alwaysTrue())
          .because("adapters plug into the core and never into each other");

  @ArchTest
  public static final ArchRule core_depends_only_on_the_jdk =
      noClasses()
          .that()
          .resideInAPackage("dev.autofix.core..")
          .should()
          .dependOnClassesThat()
          .resideOutsideOfPackages("dev.autofix.core..", "java..")
          .because("the core is pure domain with no framework and no I/O library");

  @ArchTest
  public static final ArchRule support_depends_only_on_the_jdk_and_slf4j =
      noClasses()
          .that()
          .resideInAPackage("dev.autofix.support..")
          .should()
          .dependOnClassesThat()
          .resideOutsideOfPackages("dev.autofix.support..", "java..", "org.slf4j..")
          .because(
              "every adapter may use the shared git runner and retry helper, so they know no"
                  + " domain and no adapter (and adapters still never depend on each other)");

  @ArchTest
  public static final ArchRule ports_declare_no_checked_exceptions =
      methods()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage("..core.port..")
          .should()
          .notDeclareThrowableOfType(JavaClass.Predicates.assignableTo(Exception.class))
          .because("adapters translate vendor exceptions into results or defects at the boundary");

  @ArchTest
  public static final ArchRule guice_stays_in_modules_and_assembly =
      noClasses()
          .that()
          .haveSimpleNameNotEndingWith("Module")
          .and()
          .resideOutsideOfPackage("dev.autofix.server..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.google.inject..")
          .because("factories come first; Guice modules only wire them");

  @ArchTest
  public static final ArchRule adapter_implementations_are_hidden =
      classes()
          .that()
          .resideOutsideOfPackages("dev.autofix.core..", "dev.autofix.testkit..")
          .and()
          .implement(resideInAPackage("..core.port.."))
          .should()
          .notBePublic()
          .allowEmptyShould(true)
          .because("callers get the port type from a create(...) factory");

  @ArchTest
  public static final ArchRule model_is_immutable =
      fields()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage("..core.model..")
          .should()
          .beFinal();

  @ArchTest
  public static final ArchRule packages_are_free_of_cycles =
      slices().matching("dev.autofix.(*)..").should().beFreeOfCycles();

  @ArchTest
  public static final ArchRule internal_stays_internal =
      noClasses()
          .that()
          .resideInAnyPackage("dev.autofix.server..", "dev.autofix.examples..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("..internal..");

  @ArchTest
  public static final ArchRule no_generic_exceptions = NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;

  @ArchTest
  public static final ArchRule no_java_util_logging = NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

  @ArchTest public static final ArchRule no_field_injection = NO_CLASSES_SHOULD_USE_FIELD_INJECTION;

  @ArchTest
  public static final ArchRule no_standard_streams =
      noClasses()
          .that(are(resideInAnyPackage("dev.autofix.examples..").negate()))
          .and(are(JavaClass.Predicates.equivalentTo(Main.class).negate()))
          .should(ACCESS_STANDARD_STREAMS)
          .because(
              "output goes through loggers; only Main, the command line, talks to the terminal");
}
