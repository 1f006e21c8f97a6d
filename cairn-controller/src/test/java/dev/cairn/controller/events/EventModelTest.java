package dev.cairn.controller.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventCodec;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventFilter;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EventModelTest {
    static Event event(String type, String subject) {
        return new Event(1, Instant.parse("2026-01-01T00:00:00Z"), type, subject, "m", null);
    }

    @ParameterizedTest
    @CsvSource({
            "package, package.install.queued, true",
            "package.*, package.install.queued, true",
            "package, package, true",
            "package.install, package.install.queued, true",
            "package.install.queued, package.install.queued, true",
            "package, packages.x, false",
            "package.install, package.installer, false",
            "node.down, node.up, false",
    })
    void typeFilterMatchesWholeSegmentPrefixes(String filter, String type, boolean matches) {
        assertEquals(matches, EventFilter.type(filter).matches(event(type, "s")));
    }

    @Test
    void subjectFilterIsExact() {
        EventFilter f = new EventFilter("node", "node-1");
        assertTrue(f.matches(event("node.down", "node-1")));
        assertFalse(f.matches(event("node.down", "node-10")));
        assertTrue(new EventFilter("", "").matchesAll());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Package", "package..x", ".x", "x y", "package.*.x"})
    void badTypeFiltersAreRefused(String f) {
        CairnException e = assertThrows(CairnException.class, () -> EventFilter.type(f));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.hint() != null && e.hint().contains("package.*"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"node", "Node.down", "node.", "node..down", "node.down!", "1node.down", "node .down"})
    void draftTypesMustBeDottedNames(String type) {
        CairnException e = assertThrows(CairnException.class, () -> EventDraft.of(type, "s", "m"));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
    }

    @Test
    void draftLimits() {
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> EventDraft.of("a.b", " ", "m")).code());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> EventDraft.of("a.b", "s", null)).code());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> EventDraft.of("a.b", "s", "two\nlines")).code());
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(CairnException.class,
                () -> EventDraft.of("a.b", "s", "x".repeat(EventDraft.MAX_MESSAGE + 1))).code());
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(CairnException.class,
                () -> EventDraft.of("a.b", "x".repeat(EventDraft.MAX_SUBJECT + 1), "m")).code());
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(CairnException.class,
                () -> EventDraft.of("a.b", "s", "m").with("blob", "x".repeat(EventDraft.MAX_DATA_BYTES))).code());
        EventDraft ok = EventDraft.of("package.install.queued", "spark@2.3.0", "queued").with("operation", "op-1").with("attempt", 2);
        assertEquals("op-1", ok.data().path("operation").asText());
        assertEquals(2, ok.data().path("attempt").asInt());
    }

    @Test
    void codecRoundTripsAndSeqIsTheStoreCounterPlusOne() {
        assertEquals(OptionalLong.of(1), EventCodec.seqOf("e-0000000000"));
        assertEquals(OptionalLong.of(42), EventCodec.seqOf("e-0000000041"));
        assertTrue(EventCodec.seqOf("e-41").isEmpty());
        assertTrue(EventCodec.seqOf("x-0000000041").isEmpty());
        assertEquals("/events/e-0000000041", EventCodec.pathOf(42).toString());
        Instant t = Instant.parse("2026-11-22T01:02:03.456Z");
        var op = EventCodec.appendOp(EventDraft.of("node.down", "node-1", "missed 3 heartbeats").with("missed", 3), t);
        Event e = EventCodec.decode(EventCodec.pathOf(7), op.data()).orElseThrow();
        assertEquals(new Event(7, t, "node.down", "node-1", "missed 3 heartbeats", e.data()), e);
        assertEquals(3, e.data().path("missed").asInt());
        assertEquals(e, Event.fromJson(Json.tree(Json.bytes(e))));
        assertEquals(e, Json.read(Json.bytes(e), Event.class));
        assertEquals("{\"seq\":7,\"time\":\"2026-11-22T01:02:03.456Z\",\"type\":\"node.down\",\"subject\":\"node-1\","
                + "\"message\":\"missed 3 heartbeats\",\"data\":{\"missed\":3}}", e.toJsonLine());
    }
}
