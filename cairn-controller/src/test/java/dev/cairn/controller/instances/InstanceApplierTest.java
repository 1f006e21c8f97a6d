package dev.cairn.controller.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.nodes.NodesSubsystem;
import dev.cairn.controller.nodes.PhiAccrualDetector;
import dev.cairn.controller.staterun.StateRuns;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.core.time.ManualScheduler;
import dev.cairn.instances.InstanceNames;
import dev.cairn.instances.InstanceRecord;
import dev.cairn.instances.Layout;
import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.states.source.SlsTree;
import dev.cairn.testkit.Background;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applier and the leader's installer on an in-memory store with a pre-made stage, on a
 * {@link ManualScheduler} (nothing sleeps): a request records an install and answers, the installer
 * carries it out (also after a leader change); failed steps keep the previous state and record the
 * error, start/stop edit the role's deployment, concurrent one-per-role installs cannot both pass.
 * Events are read back from a real event log on the same store: each change has one.
 */
class InstanceApplierTest {
    @TempDir
    Path tmp;

    InMemoryCoordinationStore store;
    ManualScheduler time = new ManualScheduler(Instant.parse("2026-11-22T00:00:00Z"));
    InstanceStore records;
    Stages stages;
    InstanceApplier applier;
    FakeStates states = new FakeStates();
    Installer installer;
    StoreEventLog log;

    /**
     * State runs by hand: each submitted run is remembered; its outcome is {@code outcome} (null:
     * succeeded, else why it failed) unless {@code pending} (it goes on); {@link #end} ends a pending
     * run and tells its watchers, as the store's watch on the run would.
     */
    static final class FakeStates implements InstanceStates {
        final List<String> submitted = Collections.synchronizedList(new ArrayList<>());
        volatile String outcome;
        volatile boolean pending;
        final Map<String, String> ended = new ConcurrentHashMap<>();
        final Map<String, List<Runnable>> watchers = new ConcurrentHashMap<>();

        @Override
        public String submit(SlsTree tree, String target) {
            submitted.add("states on " + target + ": " + tree.files().get("instance").strip());
            String id = "run-" + submitted.size();
            if (!pending) ended.put(id, outcome == null ? "" : outcome);
            return id;
        }

        @Override
        public Optional<Outcome> outcome(String id) {
            String o = ended.get(id);
            return o == null ? Optional.empty() : Optional.of(new Outcome(o.isEmpty(), o.isEmpty() ? null : o));
        }

        @Override
        public AutoCloseable watch(String id, Runnable changed) {
            watchers.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(changed);
            return () -> watchers.get(id).remove(changed);
        }

        void end(String id, String failure) {
            ended.put(id, failure == null ? "" : failure);
            watchers.getOrDefault(id, List.of()).forEach(Runnable::run);
        }
    }

    /** "type subject" of every event in the log, oldest first. */
    List<String> events() {
        return log.after(EventFilter.ALL, 0, 1000).events().stream().map(e -> e.type() + " " + e.subject()).toList();
    }

    @AfterEach
    void closeLog() {
        installer.stop();
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
        log = new StoreEventLog(store, time.clock());
        Layout layout = Layout.defaults(tmp.resolve("shared"));
        stage(layout, "multi");
        records = new InstanceStore(store, log);
        stages = new Stages(layout, null);
        applier = new InstanceApplier(records, stages, new DeploymentStore(store, log), time.clock());
        installer = newInstaller(states);
        installer.start(1);
    }

    Installer newInstaller(InstanceStates s) {
        return new Installer(records, stages, s, time.clock(), time, InstancesSubsystem.STATES_TIMEOUT);
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

    InstanceRecord record(String role, String id) {
        return applier.store().require(new InstanceNames.Key(role, id)).value();
    }

    /** Requests the install, lets the leader carry out whatever is due, and returns the record then. */
    InstanceRecord installed(String role, String id) {
        applier.install(install(role, id));
        time.runDue();
        return record(role, id);
    }

    @Test
    void theRequestRecordsTheInstallAndTheLeaderCarriesItOut() throws Exception {
        states.pending = true;
        InstanceRecord claimed = applier.install(install("shared", "a"));
        assertEquals(InstanceRecord.State.STAGED, claimed.state());
        assertEquals(InstanceRecord.Step.INSTALL, claimed.step());
        assertTrue(states.submitted.isEmpty(), "the request only records the install");
        assertEquals(List.of("instance.installing shared/a"), events());

        time.runDue();
        InstanceRecord r = record("shared", "a");
        assertEquals(InstanceRecord.Step.INSTALL, r.step(), "installing while instance.states run");
        assertEquals("run-1", r.installRun());
        assertEquals("port=18080\n", Files.readString(Path.of(r.home()).resolve("conf/web.conf")), "the home is written before the states run");
        assertEquals(1, installer.carrying());

        states.end("run-1", null);
        time.runDue();
        r = record("shared", "a");
        assertEquals(InstanceRecord.State.INSTALLED, r.state());
        assertNull(r.step());
        assertNull(r.install());
        assertEquals("18080", r.service().command().get(3));
        assertEquals(List.of("instance.installing shared/a", "instance.installed shared/a"), events());
        assertEquals(0, installer.carrying());
        assertEquals(1, states.submitted.size());
    }

    @Test
    void failedStatesLeaveTheInstanceStagedWithTheErrorAndNoHome() throws Exception {
        states.outcome = "state run run-1 on node-1 failed (x: exit 1)";
        InstanceRecord r = installed("shared", "a");
        assertEquals(InstanceRecord.State.STAGED, r.state());
        assertNull(r.step());
        assertTrue(r.error().contains("install failed: instance.states of shared/a failed: state run run-1"), r.error());
        assertEquals(ErrorCode.OPERATION_FAILED, r.failure().code());
        assertEquals("fix the states (or the nodes) and install again", r.failure().hint());
        assertFalse(Files.exists(Path.of(r.home())));
        assertEquals(List.of("instance.installing shared/a", "instance.failed shared/a"), events());
        assertTrue(states.submitted.stream().anyMatch(x -> x.startsWith("states on disk=ssd: x:\n  cmd.run:\n    - name: touch " + r.home() + "/ok")),
                states.submitted.toString());

        states.outcome = null; // install again over the failed record
        InstanceRecord ok = installed("shared", "a");
        assertEquals(InstanceRecord.State.INSTALLED, ok.state());
        assertNull(ok.error());
        assertEquals("port=18080\n", Files.readString(Path.of(ok.home()).resolve("conf/web.conf")));
    }

    @Test
    void aNewLeaderFollowsTheRunAFormerLeaderSubmitted() {
        states.pending = true;
        applier.install(install("shared", "a"));
        time.runDue();
        assertEquals("run-1", record("shared", "a").installRun());
        installer.stop(); // the leader goes away mid-install
        states.end("run-1", null);
        time.runDue();
        assertEquals(InstanceRecord.Step.INSTALL, record("shared", "a").step(), "nobody leads: the install waits in its step");

        installer = newInstaller(states);
        installer.start(2);
        time.runDue();
        InstanceRecord r = record("shared", "a");
        assertEquals(InstanceRecord.State.INSTALLED, r.state());
        assertEquals(1, states.submitted.size(), "the run was followed, not submitted again");
        assertEquals(List.of("instance.installing shared/a", "instance.installed shared/a"), events());
    }

    @Test
    void aNewLeaderCarriesOutAnInstallAFormerLeaderNeverStarted() {
        installer.stop(); // recorded while no controller leads
        applier.install(install("shared", "a"));
        time.runDue();
        assertTrue(states.submitted.isEmpty());

        installer = newInstaller(states);
        installer.start(2);
        time.runDue();
        assertEquals(InstanceRecord.State.INSTALLED, record("shared", "a").state());
        assertEquals(1, states.submitted.size());
    }

    @Test
    void aStatesRunThatDoesNotEndFailsTheInstallAfterTheTimeout() {
        states.pending = true;
        applier.install(install("shared", "a"));
        time.advance(InstancesSubsystem.STATES_TIMEOUT.minusSeconds(1));
        assertEquals(InstanceRecord.Step.INSTALL, record("shared", "a").step());
        time.advance(Duration.ofSeconds(1));
        InstanceRecord r = record("shared", "a");
        assertEquals(InstanceRecord.State.STAGED, r.state());
        assertNull(r.step());
        assertEquals("install failed: instance.states of shared/a failed: state run run-1 did not finish within 300s", r.error());
        assertEquals(0, installer.carrying());
    }

    @Test
    void theInstallerLearnsTheEndOfARealStateRunThroughTheStoresWatch() throws Exception {
        NodeRegistry nodes = new NodeRegistry(store, time.clock(), time, new PhiAccrualDetector(Duration.ofSeconds(30), NodesSubsystem.EXPECTED_INTERVAL));
        nodes.register("node-1", Map.of("disk", "ssd"));
        StateRuns runs = new StateRuns(store, nodes, new WorkQueue(store, time.clock()), time.clock(), () -> 1, log);
        installer.stop();
        installer = newInstaller(InstanceStates.of(runs));
        installer.start(2);

        applier.install(install("shared", "a"));
        time.runDue();
        String run = record("shared", "a").installRun();
        assertEquals(List.of(run), runs.list().stream().map(StateRuns.StateRun::id).toList());
        assertEquals(List.of("node-1"), runs.run(run).nodes(), "on the nodes of the service's first constraint");
        // a client waits for the install (a long-poll, woken by the watch on the record)
        Background<InstancesApi.Detail> waiting = Background.start("install-waiter", () -> InstancesApi.await(records,
                new DeploymentStore(store, log), new InstanceNames.Key("shared", "a"), InstancesApi.While.INSTALLING, Duration.ofSeconds(60)))
                .awaitBlocked(Duration.ofSeconds(20));

        runs.finished(run, "node-1", Json.tree(Json.bytes(Map.of("ok", true, "results", List.of()))));
        time.runDue(); // the watch on the run's parts scheduled the look
        assertEquals(InstanceRecord.State.INSTALLED, record("shared", "a").state());
        InstancesApi.Detail d = waiting.get(Duration.ofSeconds(20)); // answered when the record changed, long before its 60 s
        assertEquals(InstanceRecord.State.INSTALLED, d.state());
        assertNull(d.step());
    }

    @Test
    void waitingForAnInstallThatFailedAnswersWithItsError() {
        states.outcome = "state run run-1 on node-1 failed (x: exit 1)";
        installed("shared", "a");
        CairnException e = assertThrows(CairnException.class, () -> InstancesApi.await(records, new DeploymentStore(store, log),
                new InstanceNames.Key("shared", "a"), InstancesApi.While.INSTALLING, Duration.ofSeconds(60)));
        assertEquals(ErrorCode.OPERATION_FAILED, e.code());
        assertEquals("instance.states of shared/a failed: state run run-1 on node-1 failed (x: exit 1)", e.getMessage());
        assertEquals("fix the states (or the nodes) and install again", e.hint());
    }

    @Test
    void badOptionsAreRefusedByTheRequestAndRecordedAsTheInstallsFailure() {
        CairnException e = assertThrows(CairnException.class, () -> applier.install(new InstanceApplier.Install("web", "shared", "a",
                Optional.empty(), Optional.of(Json.tree("{\"port\": \"x\"}".getBytes())), Optional.of("1.0.0"))));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        InstanceRecord r = record("shared", "a");
        assertEquals(InstanceRecord.State.STAGED, r.state());
        assertNull(r.step());
        assertTrue(r.error().startsWith("install failed: the options of web are invalid"), r.error());
        time.runDue();
        assertTrue(states.submitted.isEmpty());
        assertEquals(List.of("instance.installing shared/a", "instance.failed shared/a"), events());
    }

    @Test
    void startAndStopEditTheRolesDeployment() {
        InstanceNames.Key k = new InstanceNames.Key("shared", "a");
        installed("shared", "a");
        installed("shared", "b");
        applier.start(k);
        applier.start(new InstanceNames.Key("shared", "b"));
        DeploymentSpec d = new DeploymentStore(store, log).find("role-shared").orElseThrow();
        assertEquals(List.of("web-a", "web-b"), d.services().stream().map(s -> s.id()).toList());
        assertEquals(List.of("/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", Path.of(applier.store().require(k).value().home()).toString(),
                "python3", "-m", "http.server", "18080"), d.services().get(0).command());
        assertEquals(2, d.locations().size());
        assertEquals(InstanceRecord.State.RUNNING, applier.store().require(k).value().state());
        CairnException running = assertThrows(CairnException.class, () -> applier.remove(k));
        assertEquals(ErrorCode.CONFLICT, running.code());

        applier.stop(k);
        d = new DeploymentStore(store, log).find("role-shared").orElseThrow();
        assertEquals(List.of("web-b"), d.services().stream().map(s -> s.id()).toList());
        assertEquals(1, d.locations().size());
        assertEquals(InstanceRecord.State.INSTALLED, applier.store().require(k).value().state());
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
        List<Object> outcomes = Collections.synchronizedList(new ArrayList<>());
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
        time.runDue(); // the leader carries out the install that was recorded
        long installed = applier.store().list().stream().filter(r -> r.state() == InstanceRecord.State.INSTALLED).count();
        assertEquals(1, installed, outcomes.toString());
        assertEquals(1, outcomes.stream().filter(o -> o instanceof InstanceRecord).count(), outcomes.toString());
        // only the install that took the guard was recorded: the others changed nothing
        assertEquals(1, events().stream().filter(x -> x.startsWith("instance.installing")).count(), events().toString());
        assertEquals(1, events().stream().filter(x -> x.startsWith("instance.installed")).count(), events().toString());
        assertTrue(store.exists(InstanceStore.GUARDS.child("web@shared")), "the guard is held");
        InstanceRecord winner = applier.store().list().stream().filter(r -> r.state() == InstanceRecord.State.INSTALLED).findFirst().orElseThrow();
        applier.remove(winner.key());
        assertFalse(store.exists(InstanceStore.GUARDS.child("web@shared")), "removing the holder releases the guard with the record");
    }

    @Test
    void aLinkInsideTheHomeCannotLeadAConfigFileOutOfIt() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path home = applier.layout().home("apps", "shared", "web", "a");
        Files.createDirectories(home);
        Files.createSymbolicLink(home.resolve("conf"), outside);
        InstanceRecord r = installed("shared", "a");
        assertTrue(r.error().contains("escapes " + home + " through a link"), r.error());
        assertEquals(ErrorCode.INVALID_INPUT, r.failure().code());
        assertFalse(Files.exists(outside.resolve("web.conf")));
        assertEquals(InstanceRecord.State.STAGED, r.state());
        assertTrue(Files.isSymbolicLink(home.resolve("conf")), "a home that was there before is not deleted");
        assertTrue(states.submitted.isEmpty(), "no states run for a home that could not be written");
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
