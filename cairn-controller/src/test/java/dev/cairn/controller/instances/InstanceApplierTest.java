package dev.cairn.controller.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.controller.deploy.DeploymentSpec;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.instances.InstanceNames;
import dev.cairn.instances.InstanceRecord;
import dev.cairn.instances.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applier on an in-memory store with a pre-made stage: failed steps keep the previous state and
 * record the error, start/stop edit the role's deployment, concurrent one-per-role installs cannot
 * both pass. Events are read back from a real event log on the same store: each change has one.
 */
class InstanceApplierTest {
    @TempDir
    Path tmp;

    InMemoryCoordinationStore store;
    InstanceApplier applier;
    AtomicReference<String> statesOutcome = new AtomicReference<>();
    List<String> statesRuns = new ArrayList<>();
    StoreEventLog log;

    /** "type subject" of every event in the log, oldest first. */
    List<String> events() {
        return log.after(EventFilter.ALL, 0, 1000).events().stream().map(e -> e.type() + " " + e.subject()).toList();
    }

    @AfterEach
    void closeLog() {
        log.close();
    }

    static final String MANIFEST = """
            name: web
            version: 1.0.0
            description: d
            options:
              type: object
              properties:
                port: {type: integer, default: 18080, description: the port}
            instance:
              policy: %s
              config: [{template: t.mustache, path: conf/web.conf}]
              states: s.sls
            service:
              command: ["python3", "-m", "http.server", "{{port}}"]
              constraints: [{label: {disk: ssd}}]
            """;

    @BeforeEach
    void setUp() throws Exception {
        store = new InMemoryCoordinationStore();
        log = new StoreEventLog(store, Clock.systemUTC());
        Layout layout = Layout.defaults(tmp.resolve("shared"));
        stage(layout, "multi");
        applier = new InstanceApplier(new InstanceStore(store, log), new Stages(layout, null), new DeploymentStore(store, log), (tree, target) -> {
            statesRuns.add("states on " + target + ": " + tree.files().get("instance").strip());
            return statesOutcome.get();
        }, Clock.systemUTC());
    }

    void stage(Layout layout, String policy) throws Exception {
        Path dir = layout.stage("web", "1.0.0");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.yaml"), MANIFEST.formatted(policy));
        Files.writeString(dir.resolve("t.mustache"), "port={{port}}\n");
        Files.writeString(dir.resolve("s.sls"), "x:\n  cmd.run:\n    - name: touch {{cairn.instance.home}}/ok\n");
    }

    InstanceApplier.Install install(String role, String id) {
        return new InstanceApplier.Install("web", role, id, Optional.empty(), Optional.empty(), Optional.of("1.0.0"));
    }

    @Test
    void failedStatesLeaveTheInstanceStagedWithTheErrorAndNoHome() throws Exception {
        statesOutcome.set("state run run-1 on node-1 failed (x: exit 1)");
        CairnException e = assertThrows(CairnException.class, () -> applier.install(install("shared", "a")));
        assertEquals(ErrorCode.OPERATION_FAILED, e.code());
        InstanceRecord r = applier.store().require(new InstanceNames.Key("shared", "a")).value();
        assertEquals(InstanceRecord.STAGED, r.state());
        assertNull(r.step());
        assertTrue(r.error().contains("install failed: instance.states of shared/a failed: state run run-1"), r.error());
        assertFalse(Files.exists(Path.of(r.home())));
        assertEquals(List.of("instance.installing shared/a", "instance.failed shared/a"), events());
        assertTrue(statesRuns.stream().anyMatch(x -> x.startsWith("states on disk=ssd: x:\n  cmd.run:\n    - name: touch " + r.home() + "/ok")), statesRuns.toString());

        statesOutcome.set(null); // install again over the failed record
        InstanceRecord ok = applier.install(install("shared", "a"));
        assertEquals(InstanceRecord.INSTALLED, ok.state());
        assertNull(ok.error());
        assertEquals("port=18080\n", Files.readString(Path.of(ok.home()).resolve("conf/web.conf")));
    }

    @Test
    void startAndStopEditTheRolesDeployment() throws Exception {
        InstanceNames.Key k = new InstanceNames.Key("shared", "a");
        applier.install(install("shared", "a"));
        applier.install(install("shared", "b"));
        applier.start(k);
        applier.start(new InstanceNames.Key("shared", "b"));
        DeploymentSpec d = new DeploymentStore(store, log).find("role-shared").orElseThrow();
        assertEquals(List.of("web-a", "web-b"), d.services().stream().map(s -> s.id()).toList());
        assertEquals(List.of("/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", Path.of(applier.store().require(k).value().home()).toString(),
                "python3", "-m", "http.server", "18080"), d.services().get(0).command());
        assertEquals(2, d.locations().size());
        assertEquals(InstanceRecord.RUNNING, applier.store().require(k).value().state());
        CairnException running = assertThrows(CairnException.class, () -> applier.remove(k));
        assertEquals(ErrorCode.CONFLICT, running.code());

        applier.stop(k);
        d = new DeploymentStore(store, log).find("role-shared").orElseThrow();
        assertEquals(List.of("web-b"), d.services().stream().map(s -> s.id()).toList());
        assertEquals(1, d.locations().size());
        assertEquals(InstanceRecord.INSTALLED, applier.store().require(k).value().state());
        applier.stop(k); // already stopped: no change, no event
        applier.remove(k);
        assertTrue(applier.store().find(k).isEmpty());
        assertTrue(Files.isDirectory(applier.layout().stage("web", "1.0.0")), "stage kept");
        assertEquals(List.of("instance.installing shared/a", "instance.installed shared/a", "instance.installing shared/b", "instance.installed shared/b",
                "deployment.applied role-shared", "instance.started shared/a", "deployment.applied role-shared", "instance.started shared/b",
                "deployment.applied role-shared", "instance.stopped shared/a", "instance.removed shared/a"), events());
    }

    @Test
    void concurrentOnePerRoleInstallsCannotBothPass() throws Exception {
        stage(applier.layout(), "one-per-role");
        Thread[] threads = new Thread[4];
        List<Object> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < threads.length; i++) {
            String id = "i" + i;
            threads[i] = Thread.ofVirtual().start(() -> {
                try {
                    outcomes.add(applier.install(install("shared", id)));
                } catch (Exception e) {
                    outcomes.add(e);
                }
            });
        }
        for (Thread t : threads) t.join();
        long installed = applier.store().list().stream().filter(r -> r.state().equals(InstanceRecord.INSTALLED)).count();
        assertEquals(1, installed, outcomes.toString());
        assertEquals(1, outcomes.stream().filter(o -> o instanceof InstanceRecord).count(), outcomes.toString());
        // only the install that took the guard was recorded: the others changed nothing
        assertEquals(1, events().stream().filter(x -> x.startsWith("instance.installing")).count(), events().toString());
        assertEquals(1, events().stream().filter(x -> x.startsWith("instance.installed")).count(), events().toString());
        assertTrue(store.exists(InstanceStore.GUARDS.child("web@shared")), "the guard is held");
        InstanceRecord winner = applier.store().list().stream().filter(r -> r.state().equals(InstanceRecord.INSTALLED)).findFirst().orElseThrow();
        applier.remove(winner.key());
        assertFalse(store.exists(InstanceStore.GUARDS.child("web@shared")), "removing the holder releases the guard with the record");
    }

    @Test
    void aLinkInsideTheHomeCannotLeadAConfigFileOutOfIt() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path home = applier.layout().home("apps", "shared", "web", "a");
        Files.createDirectories(home);
        Files.createSymbolicLink(home.resolve("conf"), outside);
        statesOutcome.set(null);
        CairnException e = assertThrows(CairnException.class, () -> applier.install(install("shared", "a")));
        assertTrue(e.getMessage().contains("escapes " + home + " through a link"), e.getMessage());
        assertFalse(Files.exists(outside.resolve("web.conf")));
        assertEquals(InstanceRecord.STAGED, applier.store().require(new InstanceNames.Key("shared", "a")).value().state());
    }

    @Test
    void rolesAndBasedirs() {
        applier.createRole("prod");
        assertTrue(Files.isDirectory(applier.layout().roleDir("etl", "prod")));
        assertEquals(ErrorCode.ALREADY_EXISTS, assertThrows(CairnException.class, () -> applier.createRole("prod")).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(CairnException.class, () -> applier.install(install("dev", "a"))).code());
        CairnException bad = assertThrows(CairnException.class, () -> applier.install(new InstanceApplier.Install("web", "prod", "a",
                Optional.of("tmp"), Optional.empty(), Optional.of("1.0.0"))));
        assertTrue(bad.getMessage().contains("basedir 'tmp' is not one of"), bad.getMessage());
        assertEquals(ErrorCode.CONFLICT, assertThrows(CairnException.class, () -> applier.deleteRole("shared")).code());
        applier.deleteRole("prod");
        assertFalse(Files.exists(applier.layout().roleDir("etl", "prod")));
        assertEquals(List.of("role.created prod", "role.deleted prod"), events());
    }
}
