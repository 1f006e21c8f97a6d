package dev.cairn.controller.staterun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.nodes.NodesSubsystem;
import dev.cairn.controller.nodes.PhiAccrualDetector;
import dev.cairn.core.time.ExecutorScheduler;
import dev.cairn.controller.work.WorkItem;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.states.source.SlsTree;
import dev.cairn.storezk.ZkCoordinationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * State runs write each change and its event in one transaction: the run with its parts, work
 * items and {@code state.run.queued}; each result with {@code state.result}; each node's outcome
 * with its event. Repeated reports change nothing and record nothing. Runs on the in-memory store
 * and on a real ZooKeeper (where parents of the new entries do not exist yet).
 */
class StateRunsTest {
    static final SlsTree TREE = new SlsTree(Map.of("top", "hello:\n  test.succeed_with_changes: []\nbye:\n  test.nop: []\n"),
            List.of("top"), "test tree");

    static final class Fixture implements AutoCloseable {
        final CoordinationStore store;
        final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T00:00:00Z"));
        final StoreEventLog log;
        final ExecutorScheduler scheduler = new ExecutorScheduler("test-timer", 1);
        final NodeRegistry nodes;
        final WorkQueue work;
        final StateRuns runs;

        Fixture(CoordinationStore store) {
            this.store = store;
            this.log = new StoreEventLog(store, clock);
            this.nodes = new NodeRegistry(store, clock, scheduler, new PhiAccrualDetector(Duration.ofSeconds(2), NodesSubsystem.EXPECTED_INTERVAL));
            this.work = new WorkQueue(store, clock);
            this.runs = new StateRuns(store, nodes, work, clock, () -> 7, log);
        }

        List<Event> events(String type) {
            return log.after(new EventFilter(type, null), 0, 1000).events();
        }

        @Override
        public void close() {
            scheduler.close();
            log.close();
            store.close();
        }
    }

    static JsonNode result(int runNum, String id, boolean ok) {
        return Json.tree(Json.bytes(Map.of("id", id, "function", "test.nop", "name", id, "result", ok, "comment", "c\u0001ok",
                "run_num", runNum, "changes", Map.of())));
    }

    @Test
    void eachChangeCarriesExactlyOneEventInMemory() {
        try (Fixture f = new Fixture(new InMemoryCoordinationStore())) {
            exercise(f);
        }
    }

    @Test
    void eachChangeCarriesExactlyOneEventOnZooKeeper() throws Exception {
        try (TestingServer zk = new TestingServer(true); Fixture f = new Fixture(ZkCoordinationStore.connect(zk.getConnectString()))) {
            exercise(f);
        }
    }

    void exercise(Fixture f) {
        f.nodes.register("node-1", Map.of("role", "web"));
        f.nodes.register("node-2", Map.of("role", "db"));

        StateRuns.StateRun run = f.runs.submit(TREE, "role=web", "ansible", false);
        assertEquals(List.of("node-1"), run.nodes());
        // the work item exists, carries the run and the epoch, and the part knows its id
        List<WorkItem> queued = f.work.pending("node-1");
        assertEquals(1, queued.size());
        assertEquals(run.id(), queued.get(0).payload().path("run").asText());
        assertEquals(7, queued.get(0).epoch());
        assertTrue(f.work.pending("node-2").isEmpty());
        List<Event> q = f.events("state.run.queued");
        assertEquals(1, q.size());
        assertEquals(run.id(), q.get(0).subject());

        f.runs.started(run.id(), "node-1");
        f.runs.started(run.id(), "node-1"); // repeated: no change, no second event
        assertEquals(1, f.events("state.run.node.started").size());

        f.runs.result(run.id(), "node-1", result(0, "hello", true));
        f.runs.result(run.id(), "node-1", result(0, "hello", true)); // a retried report of the same state
        assertEquals(1, f.events("state.result").size());
        assertEquals("node-1: test.nop hello ok — c ok", f.events("state.result").get(0).message(), "control characters made spaces");

        // finished repeats the results it carries; only the missing one is new
        f.runs.finished(run.id(), "node-1", Json.tree(Json.bytes(Map.of("ok", true, "states", 2, "failed", 0, "changed", 1,
                "results", List.of(result(0, "hello", true), result(1, "bye", true))))));
        f.runs.finished(run.id(), "node-1", Json.tree(Json.bytes(Map.of("ok", false, "results", List.of()))));
        assertEquals(2, f.events("state.result").size());
        assertEquals(1, f.events("state.run.node.succeeded").size());
        assertTrue(f.events("state.run.node.failed").isEmpty(), "a part that finished does not change again");
        Map<String, Object> shown = f.runs.show(run.id());
        assertEquals("succeeded", shown.get("status"));
        assertEquals(List.of("queued", "started", "result", "result", "succeeded"),
                f.log.after(new EventFilter("state.*", null), 0, 100).events().stream().map(e -> e.type().replaceFirst("^state\\.(run\\.(node\\.)?)?", "")).toList());
    }

    @Test
    void aCompileErrorStoresAndQueuesNothing() {
        try (Fixture f = new Fixture(new InMemoryCoordinationStore())) {
            f.nodes.register("node-1", Map.of());
            SlsTree bad = new SlsTree(Map.of("top", "a:\n  test.nop:\n    - require:\n      - test: missing\n"), List.of("top"), "bad");
            CairnException e = assertThrows(CairnException.class, () -> f.runs.submit(bad, "*", "ansible", false));
            assertEquals(ErrorCode.COMPILE_ERROR, e.code());
            assertTrue(f.runs.list().isEmpty());
            assertTrue(f.work.pending("node-1").isEmpty());
            assertEquals(0, f.log.headSeq());
        }
    }

    @Test
    void aNodeThatGoesDownIsReportedLostOnceAndItsWorkWithdrawn() {
        try (Fixture f = new Fixture(new InMemoryCoordinationStore())) {
            f.nodes.register("node-1", Map.of());
            f.nodes.register("node-2", Map.of());
            StateRuns.StateRun run = f.runs.submit(TREE, "node-*", "ansible", false);
            f.runs.finished(run.id(), "node-2", Json.tree(Json.bytes(Map.of("ok", true, "results", List.of()))));
            f.clock.advance(Duration.ofSeconds(5));
            f.nodes.heartbeat("node-2");
            Map<String, Object> shown = f.runs.show(run.id());
            f.runs.show(run.id());
            assertEquals("failed", shown.get("status"));
            assertEquals(1, f.events("state.run.lost").size());
            assertEquals("node-1", f.events("state.run.lost").get(0).data().path("node").asText());
            assertTrue(f.work.pending("node-1").isEmpty(), "the lost node's work is withdrawn");
        }
    }

    @Test
    void theLeadersWatchReportsALostNodeWithoutAnyoneLooking() {
        try (Fixture f = new Fixture(new InMemoryCoordinationStore())) {
            f.nodes.register("node-1", Map.of());
            f.nodes.register("node-2", Map.of());
            StateRuns.StateRun run = f.runs.submit(TREE, "node-*", "ansible", false);
            StateRunWatch watch = new StateRunWatch(f.runs, Duration.ofSeconds(2));
            assertEquals(1, watch.sweep(), "both nodes up: still running");
            assertTrue(f.events("state.run.lost").isEmpty());
            f.runs.finished(run.id(), "node-2", Json.tree(Json.bytes(Map.of("ok", true, "results", List.of()))));
            f.clock.advance(Duration.ofSeconds(5));
            f.nodes.heartbeat("node-2");
            assertEquals(0, watch.sweep());
            assertEquals(1, f.events("state.run.lost").size());
            assertTrue(f.work.pending("node-1").isEmpty());
            assertEquals(0, watch.sweep());
            assertEquals(1, f.events("state.run.lost").size(), "a finished run is not reported again");
        }
    }

    @Test
    void aModuleRefusalIsRecordedWithThePartOrAloneWhenThePartHadAlreadyEnded() {
        try (Fixture f = new Fixture(new InMemoryCoordinationStore())) {
            f.nodes.register("node-1", Map.of());
            f.nodes.register("node-2", Map.of());
            StateRuns.StateRun run = f.runs.submit(TREE, "node-*", "ansible", false);
            var refusal = Map.of("ok", false, "results", List.of(), "refused", List.of(Map.of("module", "greet", "reason", "unsigned")));
            f.runs.finished(run.id(), "node-2", Json.tree(Json.bytes(refusal)));
            assertEquals(1, f.events("module.refused").size(), "recorded with node-2's outcome");
            assertEquals(1, f.events("state.run.node.failed").size());

            // node-1 goes away and its part is reported lost; when it comes back, it reports its refusal
            f.clock.advance(Duration.ofSeconds(5));
            f.nodes.heartbeat("node-2");
            assertEquals("failed", f.runs.show(run.id()).get("status"));
            assertEquals(1, f.events("state.run.lost").size());
            f.runs.finished(run.id(), "node-1", Json.tree(Json.bytes(refusal)));
            List<Event> refused = f.events("module.refused");
            assertEquals(2, refused.size(), "the refusal happened on node-1 even though its part had ended");
            assertEquals("node-1", refused.get(1).data().path("node").asText());
            assertEquals(1, f.events("state.run.node.failed").size(), "the ended part is not changed or reported again");
        }
    }

    @Test
    void aPartWhoseWorkIdWasNeverRecordedIsStillFoundWhenTheAgentRefusedIt() {
        try (Fixture f = new Fixture(new InMemoryCoordinationStore())) {
            f.nodes.register("node-1", Map.of());
            StateRuns.StateRun run = f.runs.submit(TREE, "node-1", "ansible", false);
            // as if the controller died after the run's transaction, before recording the work id
            var p = StateRuns.RUNS.child(run.id()).child("nodes").child("node-1");
            StateRuns.NodeRun nr = Json.read(f.store.get(p).orElseThrow().value(), StateRuns.NodeRun.class);
            assertNotNull(nr.workId());
            f.store.put(p, Json.bytes(new StateRuns.NodeRun("node-1", "queued", null, null, null, null, null, null, null)));
            f.work.complete("node-1", nr.workId(), Json.tree(Json.bytes(Map.of("ok", false, "refused", "stale epoch"))));
            Map<String, Object> shown = f.runs.show(run.id());
            assertEquals("failed", shown.get("status"));
            List<Event> failed = f.events("state.run.node.failed");
            assertEquals(1, failed.size());
            assertTrue(failed.get(0).message().contains("stale epoch"), failed.get(0).message());
        }
    }

    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) { now = start; }

        void advance(Duration d) { now = now.plus(d); }

        @Override
        public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override
        public Clock withZone(ZoneId zone) { return this; }

        @Override
        public Instant instant() { return now; }
    }
}
