package dev.cairn.controller.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.core.CairnException;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.core.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RetentionTest {
    static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

    static List<Long> seqs(StoreEventLog log) {
        return log.after(EventFilter.ALL, 0, 1000).events().stream().map(Event::seq).toList();
    }

    @Test
    void plannerRemovesTheOldestBeyondTheCountThenEverythingTooOldUpToTheFirstYoungEvent() {
        long[] seqs = {3, 4, 5, 6, 7, 8};
        // times: 3,4,5 old; 6 young; 7 old (writer's clock skew); 8 young
        Instant old = T0.minus(Duration.ofHours(2));
        Instant young = T0.minus(Duration.ofMinutes(5));
        java.util.Map<Long, Instant> times = java.util.Map.of(3L, old, 4L, old, 5L, old, 6L, young, 7L, old, 8L, young);
        RetentionPolicy byAge = new RetentionPolicy(100, Duration.ofHours(1));
        assertEquals(List.of(3L, 4L, 5L), RetentionPlanner.plan(seqs, times::get, byAge, T0));
        RetentionPolicy byCount = new RetentionPolicy(2, Duration.ofDays(1));
        assertEquals(List.of(3L, 4L, 5L, 6L), RetentionPlanner.plan(seqs, times::get, byCount, T0));
        RetentionPolicy both = new RetentionPolicy(5, Duration.ofHours(1));
        assertEquals(List.of(3L, 4L, 5L), RetentionPlanner.plan(seqs, times::get, both, T0));
        // an event that vanished meanwhile is skipped, not a stop
        assertEquals(List.of(3L, 5L), RetentionPlanner.plan(seqs, s -> s == 4 ? null : times.get(s), byAge, T0));
        assertEquals(List.of(), RetentionPlanner.plan(new long[0], times::get, byCount, T0));
    }

    @Test
    void retentionByCount() {
        MutableClock clock = new MutableClock(T0);
        try (InMemoryCoordinationStore store = new InMemoryCoordinationStore(); StoreEventLog log = new StoreEventLog(store, clock)) {
            for (int i = 0; i < 25; i++) log.append(EventDraft.of("node.up", "node-" + i, "up"));
            EventRetention r = new EventRetention(log, new RetentionPolicy(10, Duration.ofDays(7)), Duration.ofMinutes(1), clock, new ManualScheduler(T0));
            assertEquals(15, r.trimNow());
            assertEquals(LongStream.rangeClosed(16, 25).boxed().toList(), seqs(log));
            assertEquals(0, r.trimNow());
            // seq keeps growing after a trim
            assertEquals(26, log.append(EventDraft.of("node.up", "n", "up")).seq());
            assertEquals(1, r.trimNow());
            assertEquals(LongStream.rangeClosed(17, 26).boxed().toList(), seqs(log));
        }
    }

    @Test
    void retentionByAgeWithAnInjectedClock() {
        MutableClock clock = new MutableClock(T0);
        try (InMemoryCoordinationStore store = new InMemoryCoordinationStore(); StoreEventLog log = new StoreEventLog(store, clock)) {
            EventRetention r = new EventRetention(log, new RetentionPolicy(1000, Duration.ofHours(1)), Duration.ofMinutes(1), clock, new ManualScheduler(T0));
            for (int i = 0; i < 3; i++) log.append(EventDraft.of("a.old", "s", "m"));       // 1-3 at T0
            clock.advance(Duration.ofMinutes(40));
            for (int i = 0; i < 2; i++) log.append(EventDraft.of("a.newer", "s", "m"));     // 4-5 at T0+40m
            clock.advance(Duration.ofMinutes(19));                                           // T0+59m
            assertEquals(0, r.trimNow());
            clock.advance(Duration.ofMinutes(2));                                            // T0+61m: 1-3 are older than 1h
            assertEquals(3, r.trimNow());
            assertEquals(List.of(4L, 5L), seqs(log));
            clock.advance(Duration.ofHours(1));
            assertEquals(2, r.trimNow());
            assertEquals(List.of(), seqs(log));
            assertEquals(0, log.headSeq());
            assertEquals(6, log.append(EventDraft.of("a.b", "s", "m")).seq());
        }
    }

    @Test
    void retentionRunsOnlyWhileLeaderEveryIntervalOfTheInjectedScheduler() {
        ManualScheduler time = new ManualScheduler(T0);
        try (InMemoryCoordinationStore store = new InMemoryCoordinationStore(); StoreEventLog log = new StoreEventLog(store, time.clock())) {
            for (int i = 0; i < 5; i++) log.append(EventDraft.of("a.b", "s", "m"));
            EventRetention r = new EventRetention(log, new RetentionPolicy(2, Duration.ofDays(1)), Duration.ofSeconds(30), time.clock(), time);
            time.advance(Duration.ofMinutes(5));
            assertEquals(5, seqs(log).size(), "no trimming before leadership");
            r.start(1);
            time.runDue(); // the first trim runs at once
            assertEquals(List.of(4L, 5L), seqs(log));
            for (int i = 0; i < 3; i++) log.append(EventDraft.of("a.b", "s", "m"));
            time.advance(Duration.ofSeconds(29));
            assertEquals(5, seqs(log).size(), "not before the interval");
            time.advance(Duration.ofSeconds(1));
            assertEquals(List.of(7L, 8L), seqs(log));
            r.stop();
            for (int i = 0; i < 3; i++) log.append(EventDraft.of("a.b", "s", "m"));
            time.advance(Duration.ofMinutes(5));
            assertEquals(5, seqs(log).size(), "no trimming once leadership is lost");
            assertEquals(0, time.pending());
            r.close();
        }
    }

    @Test
    void policyBounds() {
        assertThrows(CairnException.class, () -> new RetentionPolicy(0, Duration.ofDays(1)));
        assertThrows(CairnException.class, () -> new RetentionPolicy(RetentionPolicy.MAX_COUNT + 1, Duration.ofDays(1)));
        assertThrows(CairnException.class, () -> new RetentionPolicy(10, Duration.ZERO));
    }
}
