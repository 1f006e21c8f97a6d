package dev.cairn.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.core.store.Records;
import dev.cairn.core.store.Records.Change;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one read-modify-write helper: the change and its events commit together, or neither does. */
class RecordsTest {
    record Counter(String name, int value) {}

    static final StorePath P = StorePath.of("counters").child("a");

    InMemoryCoordinationStore store;
    StoreEventLog log;
    Records<Counter> counters;

    @BeforeEach
    void setUp() {
        store = new InMemoryCoordinationStore();
        log = new StoreEventLog(store, Clock.systemUTC());
        counters = new Records<>(store, log, Counter.class);
    }

    @AfterEach
    void tearDown() {
        log.close();
        store.close();
    }

    List<String> events() {
        return log.after(EventFilter.ALL, 0, 1000).events().stream().map(e -> e.type() + " " + e.subject() + " " + e.message()).toList();
    }

    Records.Updated<Counter> increment() {
        return counters.update(P, cur -> {
            int next = cur.map(Counter::value).orElse(0) + 1;
            return Change.put(new Counter("a", next), EventDraft.of("counter.incremented", "a", "now " + next));
        });
    }

    @Test
    void createsChangesAndDeletesWithTheirEvents() {
        Records.Updated<Counter> first = increment();
        assertTrue(first.changed());
        assertEquals(Optional.empty(), first.before());
        assertEquals(Optional.of(new Counter("a", 1)), first.after());
        assertEquals(1, first.events().size());
        increment();
        assertEquals(Optional.of(new Counter("a", 2)), counters.find(P));
        Records.Updated<Counter> deleted = counters.update(P, cur -> Change.delete(EventDraft.of("counter.deleted", "a", "gone")));
        assertTrue(deleted.changed());
        assertEquals(Optional.empty(), counters.find(P));
        assertEquals(List.of("counter.incremented a now 1", "counter.incremented a now 2", "counter.deleted a gone"), events());
    }

    @Test
    void nothingToDoWritesNothing() {
        increment();
        long head = log.headSeq();
        assertFalse(counters.update(P, cur -> Change.none()).changed());
        // putting the same value without events is no write either
        assertFalse(counters.update(P, cur -> Change.put(cur.orElseThrow())).changed());
        assertEquals(head, log.headSeq());
        assertFalse(counters.update(StorePath.of("counters").child("none"), cur -> Change.delete()).changed());
    }

    @Test
    void aRefusedChangeLeavesTheEntryAndTheLogAlone() {
        increment();
        CairnException e = assertThrows(CairnException.class, () -> counters.update(P, cur -> {
            throw new CairnException(ErrorCode.CONFLICT, "no", null);
        }));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals(Optional.of(new Counter("a", 1)), counters.find(P));
        assertEquals(1, events().size());
    }

    @Test
    void anOperationThatGoesWithTheChangeCommitsWithItOrNotAtAll() {
        StorePath other = StorePath.of("other");
        store.put(other, new byte[] {1});
        // the extra op fails every time: neither the entry nor the event is written
        CairnException e = assertThrows(CairnException.class, () -> counters.update(P, cur -> Change.put(new Counter("a", 9),
                EventDraft.of("counter.set", "a", "9")).with(List.of(StoreOp.create(other, new byte[] {2})))));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals(Optional.empty(), counters.find(P));
        assertEquals(List.of(), events());
        counters.update(P, cur -> Change.put(new Counter("a", 9), EventDraft.of("counter.set", "a", "9"))
                .with(List.of(StoreOp.delete(other, StoreOp.ANY_VERSION))));
        assertFalse(store.exists(other));
        assertEquals(List.of("counter.set a 9"), events());
    }

    @Test
    void concurrentUpdatesAreAllApplied() throws Exception {
        int threads = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger failures = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                try {
                    go.await();
                    for (int i = 0; i < each; i++) increment();
                } catch (Exception ex) {
                    failures.incrementAndGet();
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        assertEquals(0, failures.get());
        assertEquals(threads * each, counters.find(P).orElseThrow().value());
        List<Event> all = log.after(EventFilter.ALL, 0, 1000).events();
        assertEquals(threads * each, all.size(), "one event per applied change, none for a retried attempt");
    }

    @Test
    void aWatchReportsTheEntriesUnderADirectoryDecodedAndSkipsWhatItCannotRead() throws Exception {
        StorePath dir = StorePath.of("counters");
        counters.update(dir.child("a"), cur -> Change.put(new Counter("a", 1)));
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable w = counters.watch(dir, (name, c) -> seen.add(name + "=" + c.map(Counter::value).map(String::valueOf).orElse("gone")))) {
            assertEquals(List.of("a=1"), seen, "what exists first");
            counters.update(dir.child("b"), cur -> Change.put(new Counter("b", 2)));
            store.put(dir.child("junk"), "not json".getBytes());
            store.put(dir.child("b").child("below"), "{}".getBytes());
            counters.update(dir.child("a"), cur -> Change.delete());
            assertEquals(List.of("a=1", "b=2", "a=gone"), seen, "deeper entries and unreadable ones are not reported");
        }
    }
}
