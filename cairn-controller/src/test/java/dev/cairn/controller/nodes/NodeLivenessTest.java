package dev.cairn.controller.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.controller.ZkWithLog;
import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.core.api.NodeState;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.time.ManualScheduler;
import dev.cairn.core.store.CoordinationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader's liveness judgement on ZooKeeper, on a hand-driven clock: a node's change of state is
 * stored at {@code /node-liveness/<node>} with its event; a later leader reads it back.
 */
class NodeLivenessTest {
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private ZkWithLog zk;
    private CoordinationStore store;
    private StoreEventLog log;
    private final ManualScheduler time = new ManualScheduler(T0);
    /** 600 ms timeout at a 100 ms heartbeat interval */
    private final PhiAccrualDetector detector = new PhiAccrualDetector(Duration.ofMillis(600), Duration.ofMillis(100));

    @BeforeEach
    void start() throws Exception {
        zk = new ZkWithLog();
        store = zk.store;
        log = zk.log;
    }

    @AfterEach
    void stop() throws Exception {
        zk.close();
    }

    private List<String> nodeEvents() {
        return log.after(EventFilter.type("node"), 0, 1000).events().stream().map(e -> e.type() + " " + e.subject()).toList();
    }

    /** Runs the liveness ticks for {@code d}, the nodes in {@code beating} heartbeating every 100 ms. */
    private void run(Duration d, Set<String> beating) {
        for (long t = 0; t < d.toMillis(); t += 100) {
            for (String n : beating) detector.heartbeat(n, time.now());
            time.advance(Duration.ofMillis(100));
        }
    }

    @Test
    void aNodeMarkedDownOrUpIsStoredWithItsEvent() {
        NodeLiveness liveness = new NodeLiveness(store, log, detector, time.clock(), time);
        AtomicInteger changes = new AtomicInteger();
        liveness.onChange(changes::incrementAndGet);
        liveness.start(1);
        run(Duration.ofSeconds(1), Set.of("n1", "n2"));
        assertEquals(NodeState.UP, liveness.judgement("n1").orElseThrow().state());
        assertEquals(NodeState.UP, liveness.judgement("n2").orElseThrow().state());
        assertEquals(List.of(), nodeEvents(), "nodes first seen up are recorded without an event");

        run(Duration.ofSeconds(1), Set.of("n2")); // n1 silent for longer than the timeout
        assertEquals(List.of("node.down n1"), nodeEvents());
        NodeLiveness.Judgement down = liveness.judgement("n1").orElseThrow();
        assertEquals(NodeState.DOWN, down.state());
        assertFalse(liveness.up("n1"));
        Event e = log.after(EventFilter.type("node.down"), 0, 10).events().get(0);
        assertTrue(e.message().startsWith("missed heartbeats (phi "), e.message());
        int afterDown = changes.get();

        run(Duration.ofSeconds(1), Set.of("n1", "n2"));
        assertEquals(NodeState.UP, liveness.judgement("n1").orElseThrow().state());
        assertTrue(liveness.up("n1"));
        assertEquals(List.of("node.down n1", "node.up n1"), nodeEvents(), "n2 never flapped");
        assertEquals(afterDown + 1, changes.get(), "listeners hear of each recorded change");
        liveness.stop();
    }

    @Test
    void aNewLeaderActsOnTheStoredJudgementAndRecordsOnlyChanges() {
        NodeLiveness first = new NodeLiveness(store, log, detector, time.clock(), time);
        first.start(1);
        run(Duration.ofSeconds(1), Set.of("n1", "n2"));
        run(Duration.ofSeconds(1), Set.of("n2"));
        first.stop();
        assertEquals(List.of("node.down n1"), nodeEvents());

        // another controller takes over: n1 is still silent, n2 still beating
        NodeLiveness second = new NodeLiveness(store, log, detector, time.clock(), time);
        second.start(2);
        run(Duration.ofSeconds(1), Set.of("n2"));
        assertFalse(second.up("n1"));
        assertEquals(List.of("node.down n1"), nodeEvents(), "what the store holds already is not recorded again");
        run(Duration.ofSeconds(1), Set.of("n1", "n2"));
        assertEquals(List.of("node.down n1", "node.up n1"), nodeEvents());
        second.stop();
    }
}
