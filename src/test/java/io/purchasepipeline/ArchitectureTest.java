package io.purchasepipeline;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The rooms depend one way: serdes ← state-stores ← topology ← app. */
class ArchitectureTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.purchasepipeline");

    @Test
    void roomsDependOneWay() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("serdes").definedBy("io.purchasepipeline.serdes..")
                .layer("stores").definedBy("io.purchasepipeline.stores..")
                .layer("topology").definedBy("io.purchasepipeline.topology..")
                .layer("app").definedBy("io.purchasepipeline.app..")
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("topology").mayOnlyBeAccessedByLayers("app")
                .whereLayer("stores").mayOnlyBeAccessedByLayers("topology", "app")
                .whereLayer("serdes").mayOnlyBeAccessedByLayers("stores", "topology", "app")
                .check(PRODUCTION);
    }
}
