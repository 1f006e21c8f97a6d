package dev.cairn.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.core.Json;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.storezk.ZkCoordinationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deployment changes carry their events in the same ZooKeeper transaction: each change is in the
 * log (read back from it), and a change the store refuses leaves no event.
 */
class DeployEventsTxTest {
    private TestingServer zk;
    private ZkCoordinationStore store;
    private StoreEventLog log;
    private DeployEvents events;
    private DeploymentStore deployments;

    @BeforeEach
    void start() throws Exception {
        zk = new TestingServer(true);
        store = ZkCoordinationStore.connect(zk.getConnectString());
        log = new StoreEventLog(store, Clock.systemUTC());
        events = DeployEvents.log(log);
        deployments = new DeploymentStore(store, events);
    }

    @AfterEach
    void stop() throws Exception {
        log.close();
        store.close();
        zk.close();
    }

    private List<Event> all(String type) {
        return log.after(EventFilter.type(type), 0, 1000).events();
    }

    private static DeploymentSpec spec(String name, String... services) {
        StringBuilder y = new StringBuilder("name: " + name + "\nservices:\n");
        for (String s : services) y.append("  ").append(s).append(":\n    command: [\"/bin/sleep\", \"100\"]\n");
        return DeploymentReader.read(y.toString(), false, null);
    }

    @Test
    void applyingAndDeletingADeploymentAreInTheLog() {
        assertEquals(DeploymentStore.Applied.CREATED, deployments.apply(spec("web", "a")));
        assertEquals(DeploymentStore.Applied.UNCHANGED, deployments.apply(spec("web", "a")));
        assertEquals(DeploymentStore.Applied.UPDATED, deployments.apply(spec("web", "a", "b")));
        List<Event> applied = all("deployment.applied");
        assertEquals(2, applied.size(), "one event per change, none for an unchanged apply: " + applied);
        assertEquals("created", applied.get(0).data().path("result").asText());
        assertEquals("updated", applied.get(1).data().path("result").asText());
        assertEquals(2, applied.get(1).data().path("services").asInt());

        deployments.markDeleting("web");
        deployments.markDeleting("web"); // already deleting: no change, no event
        assertEquals(1, all("deployment.deleting").size());
        deployments.remove("web");
        assertTrue(deployments.find("web").isEmpty());
        List<Event> deleted = all("deployment.deleted");
        assertEquals(1, deleted.size());
        assertEquals("web", deleted.get(0).subject());
    }

    @Test
    void aRefusedTransactionRecordsNoEvent() {
        deployments.apply(spec("web", "a"));
        long head = log.headSeq();
        // creating what exists fails: neither the change nor its event is written
        TxResult r = DeployTx.run(store, events, StoreOp.create(DeploymentStore.DEPLOYMENTS.child("web"), new byte[] {1}),
                new DeployTx.Ev("deployment.applied", "web", "must not appear", Map.of()));
        assertFalse(r.committed());
        // withdrawing work the agent already took fails too
        TxResult c = DeployTx.run(store, events, WorkQueue.cancelOp("n1", "w-0000000007"),
                new DeployTx.Ev("deployment.action.cancelled", "web", "must not appear either", Map.of()));
        assertFalse(c.committed());
        // removing a deployment that is gone already
        deployments.remove("web");
        long afterRemove = log.headSeq();
        deployments.remove("web");
        assertEquals(afterRemove, log.headSeq(), "a second remove changes nothing and records nothing");
        assertEquals(head + 1, afterRemove, "only the real removal was recorded");
        assertTrue(log.after(EventFilter.ALL, 0, 1000).events().stream().noneMatch(e -> e.message().startsWith("must not appear")));
    }

    @Test
    void agentsReportsRecordEachServiceStateChange() {
        Instant t = Instant.parse("2026-11-22T01:00:00Z");
        ObservedService running = new ObservedService("web", "a", "h1", "running", 4242, t, 0, false, null);
        assertTrue(deployments.report("n1", new DeploymentStore.NodeReport(List.of(running))));
        assertFalse(deployments.report("n1", new DeploymentStore.NodeReport(List.of(running))), "the same report changes nothing");
        ObservedService failed = new ObservedService("web", "a", "h1", "failed", 0, t.plusSeconds(5), 1, false, "process exited with 1");
        deployments.report("n1", new DeploymentStore.NodeReport(List.of(failed)));
        deployments.report("n1", new DeploymentStore.NodeReport(List.of()));

        List<Event> started = all("service.started");
        assertEquals(1, started.size(), started.toString());
        assertEquals("web/a", started.get(0).subject());
        assertEquals("n1", started.get(0).data().path("node").asText());
        assertEquals(4242, started.get(0).data().path("pid").asLong());
        List<Event> f = all("service.failed");
        assertEquals(1, f.size());
        assertEquals(1, f.get(0).data().path("failCount").asInt());
        assertTrue(f.get(0).message().contains("process exited with 1"), f.get(0).message());
        assertEquals(0, all("service.stopped").size(), "a failed copy leaving the report is not a stop");
        // the stored report is the last one
        assertEquals(List.of(), Json.read(store.get(DeploymentStore.OBSERVED.child("n1")).orElseThrow().value(),
                DeploymentStore.NodeReport.class).services());
    }

    @Test
    void eachQueuedActionAndEachTakenResultHasItsEvent() throws Exception {
        NodeRegistry nodes = new NodeRegistry(store, Clock.systemUTC(), Duration.ofSeconds(2));
        PhiAccrualDetector detector = new PhiAccrualDetector(Duration.ofSeconds(30), Duration.ofMillis(500));
        for (String n : List.of("n1", "n2")) {
            nodes.register(n, Map.of());
            detector.heartbeat(n, Instant.now());
        }
        deployments.apply(spec("web", "a", "b", "c"));
        WorkQueue queue = new WorkQueue(store, Clock.systemUTC());
        try (DeployCache cache = new DeployCache(store, d -> { })) {
            await(() -> cache.spec("web") != null && cache.nodes().size() == 2);
            Dpe dpe = new Dpe("web", 1, cache, deployments, queue, n -> detector.up(n, Instant.now()), Clock.systemUTC(), events, DpeFaults.NONE, new DpeStats());
            assertTrue(dpe.round());
            List<Event> sent = all("deployment.action.sent");
            int queued = 0;
            for (String n : List.of("n1", "n2")) queued += queue.pending(n).size();
            assertEquals(3, queued);
            assertEquals(3, sent.size(), sent.toString());
            for (Event e : sent) {
                String node = e.data().path("node").asText();
                String svc = e.subject().substring("web/".length());
                assertTrue(queue.pending(node).stream().anyMatch(w -> w.kind().equals("service.start")
                        && w.payload().path("service").asText().equals(svc)), "no queued start for " + e);
            }
            // the agent answers: one start failed, the others worked; the DPE takes the results
            for (String n : List.of("n1", "n2")) {
                for (var w : queue.pending(n)) {
                    boolean fail = w.payload().path("service").asText().equals("b");
                    queue.complete(n, w.id(), Json.MAPPER.readTree(fail ? "{\"ok\":false,\"error\":\"no such file\"}" : "{\"ok\":true}"));
                }
            }
            await(() -> cache.results("web").size() == 3);
            dpe.round();
            List<Event> failed = all("deployment.action.failed");
            assertEquals(1, failed.size(), failed.toString());
            assertEquals("web/b", failed.get(0).subject());
            for (String n : List.of("n1", "n2")) assertEquals(List.of(), store.children(WorkQueue.RESULTS.child(n)), "results taken");
        }
    }

    @Test
    void aNodeMarkedDownOrUpIsStoredWithItsEvent() throws Exception {
        NodeRegistry nodes = new NodeRegistry(store, Clock.systemUTC(), Duration.ofSeconds(2));
        PhiAccrualDetector detector = new PhiAccrualDetector(Duration.ofMillis(600), Duration.ofMillis(100));
        nodes.register("n1", Map.of());
        nodes.register("n2", Map.of());
        WorkQueue queue = new WorkQueue(store, Clock.systemUTC());
        Cpe cpe = new Cpe(deployments, queue, detector, Clock.systemUTC(), events, DpeFaults.NONE);
        var beating = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread hb = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                detector.heartbeat("n2", Instant.now());
                if (beating.get()) detector.heartbeat("n1", Instant.now());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        cpe.start(1);
        try {
            StorePath n1 = NodeRegistry.LIVENESS.child("n1");
            await(() -> store.get(n1).isPresent() && store.get(NodeRegistry.LIVENESS.child("n2")).isPresent());
            assertEquals(0, all("node").size(), "nodes first seen up are recorded without an event");
            beating.set(false);
            await(() -> !all("node.down").isEmpty());
            assertEquals("down", Json.read(store.get(n1).orElseThrow().value(), NodeRegistry.Judgement.class).state());
            assertEquals("n1", all("node.down").get(0).subject());
            beating.set(true);
            await(() -> !all("node.up").isEmpty());
            assertEquals("up", Json.read(store.get(n1).orElseThrow().value(), NodeRegistry.Judgement.class).state());
            assertEquals(List.of("node.down", "node.up"), all("node").stream().map(Event::type).toList(), "n2 never flapped");
        } finally {
            cpe.stop();
            hb.interrupt();
        }
    }

    private static void await(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 30 s");
            Thread.sleep(20);
        }
    }
}
