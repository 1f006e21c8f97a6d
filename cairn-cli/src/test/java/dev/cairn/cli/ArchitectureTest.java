package dev.cairn.cli;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: core ← pure engines (policy, states, packages, instances) ← adapters
 * (store-zk, storage, security) ← controller/agent ← cli. Pure engines never reach adapters or the
 * controller; nothing but the CLI knows every module.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.cairn");
    }

    @Test
    void coreDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.cairn.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.policy..", "dev.cairn.states..", "dev.cairn.packages..", "dev.cairn.instances..",
                        "dev.cairn.storezk..", "dev.cairn.storage..", "dev.cairn.security..", "dev.cairn.controller..", "dev.cairn.agent..",
                        "dev.cairn.cli..")
                .check(classes);
    }

    @Test
    void pureEnginesDoNotReachAdaptersOrServers() {
        noClasses().that().resideInAnyPackage("dev.cairn.policy..", "dev.cairn.states..", "dev.cairn.packages..", "dev.cairn.instances..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.storezk..", "dev.cairn.storage..", "dev.cairn.security..",
                        "dev.cairn.controller..", "dev.cairn.agent..", "dev.cairn.cli..", "org.apache.zookeeper..", "org.apache.curator..",
                        "software.amazon.awssdk..", "org.bouncycastle..")
                .check(classes);
    }

    @Test
    void policySchedulerIsPure() {
        noClasses().that().resideInAPackage("dev.cairn.policy..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.states..", "dev.cairn.packages..", "java.net..")
                .check(classes);
    }

    @Test
    void adaptersDoNotKnowTheControllerOrEachOther() {
        noClasses().that().resideInAnyPackage("dev.cairn.storezk..", "dev.cairn.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.controller..", "dev.cairn.agent..", "dev.cairn.cli..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.cairn.storezk..").should().dependOnClassesThat().resideInAPackage("dev.cairn.storage..").check(classes);
        noClasses().that().resideInAPackage("dev.cairn.storage..").should().dependOnClassesThat().resideInAPackage("dev.cairn.storezk..").check(classes);
    }

    @Test
    void securityIsAnAdapterTheControllerAgentAndCliUse() {
        // the cluster CA, identities, tokens and TLS contexts know only core; core and the engines never know them
        noClasses().that().resideInAPackage("dev.cairn.security..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.policy..", "dev.cairn.states..", "dev.cairn.packages..",
                        "dev.cairn.instances..", "dev.cairn.storezk..", "dev.cairn.storage..", "dev.cairn.controller..", "dev.cairn.agent..",
                        "dev.cairn.cli..", "org.apache.zookeeper..", "org.apache.curator..")
                .check(classes);
        noClasses().that().resideInAnyPackage("dev.cairn.storezk..", "dev.cairn.storage..")
                .should().dependOnClassesThat().resideInAPackage("dev.cairn.security..").check(classes);
    }

    @Test
    void agentsNeverTouchTheStoreAdaptersOrTheController() {
        noClasses().that().resideInAPackage("dev.cairn.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.storezk..", "dev.cairn.controller..",
                        "dev.cairn.core.store..", "org.apache.zookeeper..", "org.apache.curator..")
                .check(classes);
    }

    @Test
    void controllerDependsOnPortsNotOnStoreAdapters() {
        noClasses().that().resideInAPackage("dev.cairn.controller..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.storezk..", "dev.cairn.storage..", "dev.cairn.cli..",
                        "org.apache.zookeeper..", "org.apache.curator..")
                .check(classes);
    }

    @Test
    void noCycles() {
        slices().matching("dev.cairn.(*)..").should().beFreeOfCycles().check(classes);
    }
}
