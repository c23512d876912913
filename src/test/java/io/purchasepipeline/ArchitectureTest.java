package io.purchasepipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The rooms depend one way. The Kafka Streams core (serdes ← stores ← topology) knows nothing of
 * the shell around it; in the shell, the commands ({@code cli}) sit on top, the wiring of one
 * instance ({@code instance}) below them, then the HTTP endpoint and the workers, then the runtime
 * every one of them uses.
 */
class ArchitectureTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.purchasepipeline");

    @Test
    void roomsDependOneWay() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("serdes")
                .definedBy("io.purchasepipeline.serdes..")
                .layer("stores")
                .definedBy("io.purchasepipeline.stores..")
                .layer("topology")
                .definedBy("io.purchasepipeline.topology..")
                .layer("cli")
                .definedBy("io.purchasepipeline.cli..")
                .layer("instance")
                .definedBy("io.purchasepipeline.instance..")
                .layer("http")
                .definedBy("io.purchasepipeline.http..")
                .layer("workers")
                .definedBy("io.purchasepipeline.mail..", "io.purchasepipeline.ebook..", "io.purchasepipeline.payment..")
                .layer("runtime")
                .definedBy("io.purchasepipeline.runtime..")
                .layer("verify")
                .definedBy("io.purchasepipeline.verify..")
                .layer("load tool")
                .definedBy("io.purchasepipeline.tools.load..")
                .layer("kafka tool")
                .definedBy("io.purchasepipeline.tools.kafka..")
                .layer("log tool")
                .definedBy("io.purchasepipeline.tools.log..")
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("instance")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("http")
                // the load tool is a client of the API: it sends the API's own request body
                .mayOnlyBeAccessedByLayers("cli", "instance", "load tool")
                .whereLayer("workers")
                .mayOnlyBeAccessedByLayers("cli", "instance", "http", "load tool")
                .whereLayer("runtime")
                .mayOnlyBeAccessedByLayers("cli", "instance", "http", "workers", "load tool", "log tool")
                .whereLayer("verify")
                .mayOnlyBeAccessedByLayers("cli", "load tool")
                .whereLayer("load tool")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("kafka tool")
                .mayOnlyBeAccessedByLayers("cli", "runtime")
                .whereLayer("log tool")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("topology")
                .mayOnlyBeAccessedByLayers("cli", "instance", "http", "runtime", "load tool")
                .whereLayer("stores")
                .mayOnlyBeAccessedByLayers("topology", "cli", "instance", "http", "runtime")
                .whereLayer("serdes")
                .mayOnlyBeAccessedByLayers(
                        "stores",
                        "topology",
                        "cli",
                        "instance",
                        "http",
                        "workers",
                        "runtime",
                        "verify",
                        "load tool",
                        "log tool")
                .check(PRODUCTION);
    }

    @Test
    void workersKnowNothingOfEachOther() {
        noClasses()
                .that()
                .resideInAPackage("io.purchasepipeline.mail..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.purchasepipeline.ebook..", "io.purchasepipeline.payment..")
                .check(PRODUCTION);
        noClasses()
                .that()
                .resideInAPackage("io.purchasepipeline.ebook..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.purchasepipeline.mail..", "io.purchasepipeline.payment..")
                .check(PRODUCTION);
        noClasses()
                .that()
                .resideInAPackage("io.purchasepipeline.payment..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.purchasepipeline.mail..", "io.purchasepipeline.ebook..")
                .check(PRODUCTION);
    }

    @Test
    void noRoomsDependOnEachOtherInACircle() {
        slices().matching("io.purchasepipeline.(**)").should().beFreeOfCycles().check(PRODUCTION);
    }
}
