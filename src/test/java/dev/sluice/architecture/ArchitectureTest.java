package dev.sluice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of {@code ../shared/STYLE.md}, enforced: the package list is the architecture. Dependencies
 * point one way, cli -> pipeline/schedule/web -> stages -> config/db; stages never import each other; only
 * {@code pipeline} composes them (and {@code app}, which builds the object graph, and {@code init}, which reads a feed
 * as a run would); {@code web} reads through {@code history}.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sluice");

    private static final String[] STAGES = {"extract", "transform", "load", "notify"};
    private static final String[] FRONTS = {"pipeline", "schedule", "web", "cli", "app", "demo", "aws", "init"};

    private static String[] packages(String... names) {
        return Arrays.stream(names).map(name -> "dev.sluice." + name + "..").toArray(String[]::new);
    }

    private static String[] except(String[] names, String excluded) {
        return Arrays.stream(names).filter(n -> !n.equals(excluded)).toArray(String[]::new);
    }

    @Test
    void stages_never_import_each_other_nor_what_composes_them() {
        for (String stage : STAGES) {
            noClasses()
                    .that()
                    .resideInAPackage("dev.sluice." + stage + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(packages(Stream.concat(
                                    Arrays.stream(except(STAGES, stage)),
                                    Stream.concat(Arrays.stream(FRONTS), Stream.of("settings")))
                            .toArray(String[]::new)))
                    .because("stages meet only in pipeline")
                    .check(CLASSES);
        }
    }

    /** {@code init} reads a feed as a run would: extract and transform, never load. */
    @Test
    void only_the_pipeline_and_the_wiring_use_extract_transform_and_load() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.init..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.sluice.load..", "dev.sluice.notify..", "dev.sluice.db..")
                .check(CLASSES);
        for (String stage : new String[] {"extract", "transform", "load"}) {
            classes()
                    .that()
                    .resideInAPackage("dev.sluice." + stage + "..")
                    .should()
                    .onlyBeAccessed()
                    .byAnyPackage(
                            "dev.sluice." + stage + "..",
                            "dev.sluice.pipeline..",
                            "dev.sluice.app..",
                            "dev.sluice.init..")
                    .check(CLASSES);
        }
    }

    @Test
    void the_history_is_a_core_that_depends_on_no_stage_and_no_front() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.history..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(packages(Stream.concat(
                                Arrays.stream(STAGES), Stream.concat(Arrays.stream(FRONTS), Stream.of("settings")))
                        .toArray(String[]::new)))
                .check(CLASSES);
    }

    @Test
    void config_and_db_depend_on_nothing_of_sluice_but_the_kernel() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.sluice.config..", "dev.sluice.db..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(packages(Stream.concat(
                                Arrays.stream(STAGES),
                                Stream.concat(Arrays.stream(FRONTS), Stream.of("history", "settings")))
                        .toArray(String[]::new)))
                .check(CLASSES);
    }

    @Test
    void the_web_reads_through_the_history_and_starts_nothing_but_a_run() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(packages(Stream.concat(Arrays.stream(STAGES), Arrays.stream(except(FRONTS, "web")))
                        .toArray(String[]::new)))
                .check(CLASSES);
    }

    @Test
    void the_kernel_depends_on_no_package_of_sluice() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice")
                .and()
                .doNotHaveSimpleName("Main")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(packages(Stream.concat(
                                Arrays.stream(STAGES),
                                Stream.concat(Arrays.stream(FRONTS), Stream.of("history", "settings", "config", "db")))
                        .toArray(String[]::new)))
                .check(CLASSES);
    }

    @Test
    void packages_have_no_cycles() {
        slices().matching("dev.sluice.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void names_say_what_a_class_does() {
        noClasses()
                .should()
                .haveSimpleNameEndingWith("Manager")
                .orShould()
                .haveSimpleNameEndingWith("Helper")
                .orShould()
                .haveSimpleNameEndingWith("Util")
                .orShould()
                .haveSimpleNameEndingWith("Utils")
                .orShould()
                .haveSimpleNameEndingWith("Processor")
                .check(CLASSES);
    }
}
