package dev.cairn.controller.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.events.EventPage;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.core.time.ManualScheduler;
import dev.cairn.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoreEventLogTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    final InMemoryCoordinationStore store = new InMemoryCoordinationStore();
    final StoreEventLog log = new StoreEventLog(store, clock);

    @AfterEach
    void close() {
        log.close();
        store.close();
    }

    static List<Long> seqs(List<Event> es) {
        return es.stream().map(Event::seq).toList();
    }

    @Test
    void appendsGetIncreasingSeqsAndReadBack() {
        Event a = log.append(EventDraft.of("node.up", "node-1", "registered"));
        clock.advance(Duration.ofSeconds(1));
        List<Event> more = log.appendAll(List.of(EventDraft.of("package.install.queued", "spark@1", "queued"),
                EventDraft.of("package.install.done", "spark@1", "installed").with("took", "3s")));
        assertEquals(1, a.seq());
        assertEquals(List.of(2L, 3L), seqs(more));
        assertEquals(Instant.parse("2026-11-22T00:00:01Z"), more.get(0).time());
        assertEquals(List.of(a, more.get(0), more.get(1)), log.after(EventFilter.ALL, 0, 100).events());
        assertEquals(3, log.headSeq());

        EventPage pkg = log.after(EventFilter.type("package.*"), 0, 100);
        assertEquals(List.of(2L, 3L), seqs(pkg.events()));
        assertEquals(3, pkg.cursor());
        assertEquals(List.of(3L), seqs(log.after(EventFilter.type("package"), 2, 100).events()));
        assertEquals(List.of(1L), seqs(log.after(new EventFilter(null, "node-1"), 0, 100).events()));
        // limit pages oldest-first; the cursor continues the read
        EventPage first = log.after(EventFilter.ALL, 0, 2);
        assertEquals(List.of(1L, 2L), seqs(first.events()));
        assertEquals(List.of(3L), seqs(log.after(EventFilter.ALL, first.cursor(), 2).events()));
        // latest: the newest N, oldest first, cursor = head
        EventPage latest = log.latest(EventFilter.ALL, 2);
        assertEquals(List.of(2L, 3L), seqs(latest.events()));
        assertEquals(3, latest.cursor());
        assertEquals(List.of(1L), seqs(log.latest(EventFilter.type("node"), 10).events()));
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> log.after(EventFilter.ALL, 0, 0)).code());
    }

    @Test
    void anEventIsRecordedIfAndOnlyIfItsChangeCommits() {
        StorePath op = StorePath.of("ops", "op-1");
        store.put(op, "queued".getBytes(StandardCharsets.UTF_8));
        long v = store.get(op).orElseThrow().version();

        // a stale version: neither the change nor the event
        EventLog.Tx stale = log.transact(List.of(StoreOp.set(op, "running".getBytes(StandardCharsets.UTF_8), v + 7)),
                List.of(EventDraft.of("package.install.started", "spark@1", "started")));
        assertFalse(stale.result().committed());
        assertTrue(stale.events().isEmpty());
        assertEquals(0, log.headSeq());
        assertEquals("queued", new String(store.get(op).orElseThrow().value(), StandardCharsets.UTF_8));

        // the right version: both
        EventLog.Tx ok = log.transact(List.of(StoreOp.set(op, "running".getBytes(StandardCharsets.UTF_8), v)),
                List.of(EventDraft.of("package.install.started", "spark@1", "started")));
        assertTrue(ok.result().committed());
        assertEquals(1, ok.events().size());
        assertEquals(ok.events(), log.after(EventFilter.ALL, 0, 10).events());
        assertEquals("running", new String(store.get(op).orElseThrow().value(), StandardCharsets.UTF_8));

        // the caller's own transaction with appendOp + committed()
        List<StoreOp> ops = new ArrayList<>(List.of(StoreOp.delete(op, StoreOp.ANY_VERSION)));
        ops.add(log.appendOp(EventDraft.of("package.install.removed", "spark@1", "removed")));
        TxResult r = store.transact(ops);
        List<Event> written = log.committed(ops, r);
        assertEquals(List.of(2L), seqs(written));
        assertEquals("package.install.removed", written.get(0).type());
        // a failed one reports nothing
        List<StoreOp> failing = List.of(StoreOp.delete(op, StoreOp.ANY_VERSION), log.appendOp(EventDraft.of("a.b", "s", "m")));
        TxResult f = store.transact(failing);
        assertTrue(log.committed(failing, f).isEmpty());
        assertEquals(2, log.headSeq());
    }

    @Test
    void pollWaitsForTheNextMatchingEventAndTimesOutEmpty() throws Exception {
        log.append(EventDraft.of("node.up", "node-1", "up"));
        EventPage none = log.poll(EventFilter.ALL, 1, 10, Duration.ofMillis(50));
        assertTrue(none.events().isEmpty());
        assertEquals(1, none.cursor());

        List<EventPage> got = new CopyOnWriteArrayList<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                got.add(log.poll(EventFilter.type("node.down"), 1, 10, Duration.ofMinutes(1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        log.append(EventDraft.of("node.up", "node-2", "up")); // does not match: poll keeps waiting
        log.append(EventDraft.of("node.down", "node-1", "down"));
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(1, got.size());
        assertEquals(List.of(3L), seqs(got.get(0).events()));
    }

    @Test
    void anAppendMadeElsewhereWakesAReaderWhenThePollerLooks() throws Exception {
        ManualScheduler time = new ManualScheduler(Instant.parse("2026-11-22T00:00:00Z"));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (StoreEventLog here = new StoreEventLog(store, time.clock(), time, Duration.ofMillis(500));
             StoreEventLog elsewhere = new StoreEventLog(store, clock)) {
            AtomicReference<Thread> reader = new AtomicReference<>();
            Future<EventPage> page = pool.submit(() -> {
                reader.set(Thread.currentThread());
                return here.poll(EventFilter.ALL, 0, 10, Duration.ofMinutes(5));
            });
            Await.until("the reader to wait", Duration.ofSeconds(10),
                    () -> reader.get() != null && reader.get().getState() == Thread.State.TIMED_WAITING);
            elsewhere.append(EventDraft.of("node.down", "node-1", "missed 3 heartbeats"));
            // the reader waits five minutes of real time: only this log's poller, run here by hand, can wake it
            time.advance(Duration.ofMillis(500));
            assertEquals(List.of("node.down"), page.get(30, TimeUnit.SECONDS).events().stream().map(Event::type).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void subscribeDeliversEverythingInOrderThenStops() throws Exception {
        log.append(EventDraft.of("node.up", "node-1", "before"));
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = log.subscribe(EventFilter.ALL, 0, e -> seen.add(e.seq()))) {
            for (int i = 0; i < 50; i++) log.append(EventDraft.of("node.up", "node-" + i, "up"));
            Await.until("the subscriber to see all 51 events", Duration.ofSeconds(30), () -> seen.size() >= 51);
        }
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= 51; s++) expected.add(s);
        assertEquals(expected, seen);
    }

    @Test
    void batchesAreBounded() {
        List<EventDraft> many = new ArrayList<>();
        for (int i = 0; i <= EventLog.MAX_BATCH; i++) many.add(EventDraft.of("a.b", "s", "m"));
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(CairnException.class, () -> log.appendAll(many)).code());
        assertEquals(0, log.headSeq());
    }

    @Test
    void readsAfterCloseFailAsUnavailable() {
        log.close();
        assertEquals(ErrorCode.UNAVAILABLE, assertThrows(CairnException.class,
                () -> log.poll(EventFilter.ALL, 0, 10, Duration.ofSeconds(5))).code());
    }
}
