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
import dev.cairn.core.time.ManualScheduler;
import dev.cairn.states.source.SlsTree;
import dev.cairn.testkit.Background;
import dev.cairn.storezk.ZkCoordinationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * State runs write each change and its event in one transaction: the run with its parts, work
 * items and {@code state.run.queued}; each result with {@code state.result}; each node's outcome
 * with its event. Repeated reports change nothing and record nothing. Reading a run changes
 * nothing: the leader's watch reports lost and refused parts. Runs on the in-memory store and on a
 * real ZooKeeper (where parents of the new entries do not exist yet).
 */
class StateRunsTest {
    static final SlsTree TREE = new SlsTree(Map.of("top", "hello:\n  test.succeed_with_changes: []\nbye:\n  test.nop: []\n"),
            List.of("top"), "test tree");

    static final class Fixture implements AutoCloseable {
        final CoordinationStore store;
        final Clock clock;
        final StoreEventLog log;
        final ExecutorScheduler scheduler = new ExecutorScheduler("test-timer", 1);
        final NodeRegistry nodes;
        final WorkQueue work;
        final StateRuns runs;
        final ManualScheduler time;

        Fixture(CoordinationStore store) {
            this(store, new ManualScheduler(Instant.parse("2026-11-22T00:00:00Z")));
        }

        /** Time is {@code time}'s: tests move it with {@link ManualScheduler#advance}. */
        Fixture(CoordinationStore store, ManualScheduler time) {
            this.time = time;
            this.clock = time.clock();
            this.store = store;
            this.log = new StoreEventLog(store, clock);
            this.nodes = new NodeRegistry(store, clock, scheduler, new PhiAccrualDetector(Duration.ofSeconds(2), NodesSubsystem.EXPECTED_INTERVAL));
            this.work = new WorkQueue(store, clock);
            this.runs = new StateRuns(store, nodes, work, clock, () -> 7, log);
        }

        /** The leader's watch, on this fixture's time. */
        StateRunWatch watch() {
            return new StateRunWatch(runs, time, Duration.ofSeconds(1));
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
    void eachChangeCarriesExactlyOneEventInMemory() throws Exception {
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

    void exercise(Fixture f) throws Exception {
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

        // a client waiting for the end (a long-poll, woken by the store's watch on the run's parts)
        Background<StateRuns.RunView> waiting = Background.start("run-waiter", () -> f.runs.await(run.id(), Duration.ofSeconds(60)))
                .awaitBlocked(Duration.ofSeconds(20));

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
        StateRuns.RunView shown = f.runs.show(run.id());
        assertEquals(StateRuns.RunStatus.SUCCEEDED, shown.status());
        assertEquals(List.of("queued", "started", "result", "result", "succeeded"),
                f.log.after(new EventFilter("state.*", null), 0, 100).events().stream().map(e -> e.type().replaceFirst("^state\\.(run\\.(node\\.)?)?", "")).toList());
        // the waiting client was answered when the part ended (long before its 60 s), with the ended run
        assertEquals(StateRuns.RunStatus.SUCCEEDED, waiting.get(Duration.ofSeconds(20)).status());

        // the JSON users see: the same fields in the same order, statuses as lower-case strings
        JsonNode json = Json.tree(Json.bytes(shown));
        assertEquals(List.of("id", "description", "target", "mode", "test", "createdAt", "status", "nodes"), fieldNames(json));
        assertEquals("succeeded", json.path("status").asText());
        assertEquals("ansible", json.path("mode").asText());
        JsonNode part = json.path("nodes").get(0);
        assertEquals(List.of("node", "status", "startedAt", "finishedAt", "error", "states"), fieldNames(part));
        assertEquals("node-1", part.path("node").asText());
        assertEquals("succeeded", part.path("status").asText());
        assertTrue(part.path("error").isNull());
        assertEquals(List.of("hello", "bye"), part.path("states").findValuesAsText("id"));
        assertEquals("2026-11-22T00:00:00Z", json.path("createdAt").asText());
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
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
    void readingARunChangesNothingTheLeadersWatchReportsALostNodeOnceAndWithdrawsItsWork() {
        try (Fixture f = new Fixture(new InMemoryCoordinationStore())) {
            f.nodes.register("node-1", Map.of());
            f.nodes.register("node-2", Map.of());
            StateRuns.StateRun run = f.runs.submit(TREE, "node-*", "ansible", false);
            f.runs.finished(run.id(), "node-2", Json.tree(Json.bytes(Map.of("ok", true, "results", List.of()))));
            f.time.advance(Duration.ofSeconds(5));
            f.nodes.heartbeat("node-2");
            long head = f.log.headSeq();
            StateRuns.RunView read = f.runs.show(run.id());
            assertEquals(StateRuns.RunStatus.RUNNING, read.status(), "node-1 is down, but only the leader's watch says so");
            assertEquals(StateRuns.PartStatus.QUEUED, read.nodes().get(0).status());
            assertEquals(head, f.log.headSeq(), "a read writes no event");
            assertEquals(1, f.work.pending("node-1").size(), "a read withdraws nothing");

            StateRunWatch watch = f.watch();
            assertEquals(0, watch.sweep());
            watch.sweep();
            StateRuns.RunView shown = f.runs.show(run.id());
            assertEquals(StateRuns.RunStatus.FAILED, shown.status());
            assertEquals(StateRuns.PartStatus.LOST, shown.nodes().get(0).status());
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
            StateRunWatch watch = f.watch();
            assertEquals(1, watch.sweep(), "both nodes up: still running");
            assertTrue(f.events("state.run.lost").isEmpty());
            f.runs.finished(run.id(), "node-2", Json.tree(Json.bytes(Map.of("ok", true, "results", List.of()))));
            f.time.advance(Duration.ofSeconds(5));
            f.nodes.heartbeat("node-2");
            assertEquals(0, watch.sweep());
            assertEquals(1, f.events("state.run.lost").size());
            assertTrue(f.work.pending("node-1").isEmpty());
            assertEquals(0, watch.sweep());
            assertEquals(1, f.events("state.run.lost").size(), "a finished run is not reported again");
        }
    }

    @Test
    void whileLeadingTheWatchLooksEverySecondOnTheScheduler() {
        try (Fixture f = new Fixture(new InMemoryCoordinationStore())) {
            f.nodes.register("node-1", Map.of());
            StateRuns.StateRun run = f.runs.submit(TREE, "node-1", "ansible", false);
            StateRunWatch watch = f.watch();
            watch.start(1);
            f.time.advance(Duration.ofMillis(1900)); // the last heartbeat is 1.9 s old: up still (the timeout is 2 s)
            assertEquals(StateRuns.PartStatus.QUEUED, f.runs.show(run.id()).nodes().get(0).status());
            f.time.advance(Duration.ofMillis(1100)); // 3 s: down, and the look due now reports it
            assertEquals(StateRuns.PartStatus.LOST, f.runs.show(run.id()).nodes().get(0).status());
            assertEquals(1, f.events("state.run.lost").size());

            f.nodes.heartbeat("node-1");
            StateRuns.StateRun second = f.runs.submit(TREE, "node-1", "ansible", false);
            watch.stop();
            assertEquals(0, f.time.pending(), "no look is scheduled once leadership ends");
            f.time.advance(Duration.ofMinutes(1));
            assertEquals(StateRuns.PartStatus.QUEUED, f.runs.show(second.id()).nodes().get(0).status(), "nobody looked");
            assertEquals(1, f.events("state.run.lost").size());
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

            // node-1 goes away and the leader's watch reports its part lost; when it comes back, it reports its refusal
            f.time.advance(Duration.ofSeconds(5));
            f.nodes.heartbeat("node-2");
            f.watch().sweep();
            assertEquals(StateRuns.RunStatus.FAILED, f.runs.show(run.id()).status());
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
            f.store.put(p, Json.bytes(new StateRuns.NodeRun("node-1", StateRuns.PartStatus.QUEUED, null, null, null, null, null, null, null)));
            f.work.complete("node-1", nr.workId(), Json.tree(Json.bytes(Map.of("ok", false, "refused", "stale epoch"))));
            assertEquals(0, f.watch().sweep());
            assertEquals(StateRuns.RunStatus.FAILED, f.runs.show(run.id()).status());
            List<Event> failed = f.events("state.run.node.failed");
            assertEquals(1, failed.size());
            assertTrue(failed.get(0).message().contains("stale epoch"), failed.get(0).message());
            assertEquals(nr.workId(), Json.read(f.store.get(p).orElseThrow().value(), StateRuns.NodeRun.class).workId(), "found and recorded");
        }
    }
}
