package dev.cairn.controller.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.store.InMemoryCoordinationStore;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventEmitterTest {
    @Test
    void fitsWhatItCanAndDropsWhatItCannotWithoutThrowing() {
        try (InMemoryCoordinationStore store = new InMemoryCoordinationStore(); StoreEventLog log = new StoreEventLog(store, Clock.systemUTC())) {
            EventEmitter emitter = new EventEmitter(log);
            Event e = emitter.emit("action.failed", "web@node-1", "start failed:\nexit 3\tafter 2s", Map.of("rc", 3)).orElseThrow();
            assertEquals("start failed: exit 3 after 2s", e.message());
            assertEquals(3, e.data().path("rc").asInt());

            Event longOne = emitter.emit("plan.computed", "", "x".repeat(5000), Map.of("blob", "y".repeat(10_000))).orElseThrow();
            assertEquals("-", longOne.subject());
            assertEquals(EventDraft.MAX_MESSAGE, longOne.message().length());
            assertTrue(longOne.message().endsWith("…"));
            assertTrue(longOne.data().path("truncated").asBoolean());

            assertEquals("node.down", emitter.emit("node.down", "node-1", null, null).orElseThrow().message());
            assertTrue(emitter.emit("Not A Type", "s", "m", Map.of()).isEmpty());
            assertEquals(3, log.headSeq());
        }
    }
}
