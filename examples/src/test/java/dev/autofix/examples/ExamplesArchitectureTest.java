package dev.autofix.examples;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption.DoNotIncludeTests;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The server's ArchitectureTest rules that concern the examples. It cannot see them (the examples
 * are not on its classpath), so they are checked here, where users copy from.
 */
@AnalyzeClasses(packages = "dev.autofix.examples", importOptions = DoNotIncludeTests.class)
public class ExamplesArchitectureTest {

  @ArchTest
  public static final ArchRule internal_stays_internal =
      noClasses().should().dependOnClassesThat().resideInAPackage("..internal..");

  @ArchTest
  public static final ArchRule adapter_implementations_are_hidden =
      classes()
          .that()
          .implement(resideInAPackage("..core.port.."))
          .should()
          .notBePublic()
          .allowEmptyShould(true)
          .because("callers get the port type from a create(...) factory");

  @ArchTest
  public static final ArchRule guice_stays_in_modules =
      noClasses()
          .that()
          .haveSimpleNameNotEndingWith("Module")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.google.inject..")
          .because("factories come first; Guice modules only wire them");
}
