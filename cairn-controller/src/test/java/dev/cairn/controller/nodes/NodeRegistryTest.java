package dev.cairn.controller.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.core.store.InMemoryCoordinationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NodeRegistryTest {
    static final class MutableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        public java.time.ZoneId getZone() { return ZoneOffset.UTC; }

        public Clock withZone(java.time.ZoneId zone) { return this; }

        public Instant instant() { return now.get(); }
    }

    @Test
    void upWhileHeartbeatsAreFreshDownAfterTimeout() {
        MutableClock clock = new MutableClock();
        NodeRegistry r = new NodeRegistry(new InMemoryCoordinationStore(), clock, Duration.ofSeconds(2));
        r.register("n1", Map.of());
        assertEquals("up", r.list().get(0).state());
        clock.now.set(clock.now.get().plusMillis(2000));
        assertEquals("up", r.list().get(0).state(), "exactly at the timeout still up");
        clock.now.set(clock.now.get().plusMillis(1));
        assertEquals("down", r.list().get(0).state());
        r.heartbeat("n1");
        assertEquals("up", r.list().get(0).state());
    }

    @Test
    void reRegistrationKeepsStandbyAndRegistrationTime() {
        MutableClock clock = new MutableClock();
        NodeRegistry r = new NodeRegistry(new InMemoryCoordinationStore(), clock, Duration.ofSeconds(2));
        Instant first = r.register("n1", Map.of("a", "1")).registeredAt();
        r.setStandby("n1", true);
        clock.now.set(clock.now.get().plusSeconds(60));
        NodeRecord again = r.register("n1", Map.of("a", "2"));
        assertEquals(first, again.registeredAt());
        assertEquals(true, again.standby());
        assertEquals("2", again.labels().get("a"));
    }
}
