package dev.autofix.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Fast feedback for the rule the whole architecture rests on; ArchitectureTest has the rest. */
@AnalyzeClasses(packages = "dev.autofix.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CorePurityTest {

  @ArchTest
  static final ArchRule core_depends_only_on_the_jdk =
      noClasses()
          .that()
          .resideInAPackage("dev.autofix.core..")
          .should()
          .dependOnClassesThat()
          .resideOutsideOfPackages("dev.autofix.core..", "java..")
          .because("the core is pure domain: adapters plug into it, never the other way round");
}
