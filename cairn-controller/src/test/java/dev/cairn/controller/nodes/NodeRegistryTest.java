package dev.cairn.controller.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.api.NodeState;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.core.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeRegistryTest {
    final ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    final PhiAccrualDetector detector = new PhiAccrualDetector(Duration.ofSeconds(2), NodesSubsystem.EXPECTED_INTERVAL);
    final NodeRegistry r = new NodeRegistry(new InMemoryCoordinationStore(), time.clock(), time, detector);

    @Test
    void upWhileHeartbeatsAreFreshDownAfterTimeout() {
        r.register("n1", Map.of()); // registering is the first heartbeat
        assertEquals(NodeState.UP, r.list().get(0).state());
        time.advance(Duration.ofMillis(1999));
        assertEquals(NodeState.UP, r.list().get(0).state(), "just before the timeout still up");
        time.advance(Duration.ofMillis(2));
        assertEquals(NodeState.DOWN, r.list().get(0).state());
        Instant beat = r.heartbeat("n1"); // counted at once; its store write waits for the batch window
        assertEquals(NodeState.UP, r.list().get(0).state());
        time.advance(NodeRegistry.BATCH_WINDOW);
        assertEquals(beat, r.lastHeartbeat("n1").orElseThrow(), "stored with the next batch");
    }

    @Test
    void aHeartbeatOfANodeThatIsNotRegisteredIsRefused() {
        CairnException e = assertThrows(CairnException.class, () -> r.heartbeat("stranger"));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertEquals(Map.of(), r.storedHeartbeats());
        assertEquals(false, detector.known("stranger"), "the detector never heard of it");
    }

    @Test
    void reRegistrationKeepsStandbyAndRegistrationTime() {
        Instant first = r.register("n1", Map.of("a", "1")).registeredAt();
        r.setStandby("n1", true);
        time.advance(Duration.ofSeconds(60));
        NodeRecord again = r.register("n1", Map.of("a", "2"));
        assertEquals(first, again.registeredAt());
        assertEquals(true, again.standby());
        assertEquals("2", again.labels().get("a"));
    }
}
