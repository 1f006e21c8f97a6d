package dev.cairn.storezk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.testkit.Await;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The port's contract, run against every adapter. */
abstract class StoreContract {
    abstract CoordinationStore store();

    static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static String s(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    @Test
    void createIfAbsentOnlyOnce() {
        StorePath p = StorePath.of("t1", "spark@2.3.0-1.0.0");
        assertTrue(store().createIfAbsent(p, b("a")).isPresent());
        assertFalse(store().createIfAbsent(p, b("b")).isPresent());
        assertEquals("a", s(store().get(p).orElseThrow().value()));
        assertEquals(List.of("spark@2.3.0-1.0.0"), store().children(StorePath.of("t1")));
    }

    @Test
    void compareAndSetChecksVersion() {
        StorePath p = StorePath.of("t2", "x");
        long v0 = store().put(p, b("1"));
        long v1 = store().compareAndSet(p, b("2"), v0).orElseThrow();
        assertTrue(v1 > v0);
        assertFalse(store().compareAndSet(p, b("3"), v0).isPresent(), "stale version must be refused");
        assertEquals("2", s(store().get(p).orElseThrow().value()));
        assertFalse(store().delete(p, v0));
        assertTrue(store().delete(p, v1));
        assertTrue(store().get(p).isEmpty());
        assertFalse(store().compareAndSet(p, b("4"), v1).isPresent(), "missing entry cannot be set");
    }

    @Test
    void transactionIsAllOrNothing() {
        StorePath a = StorePath.of("t3", "ops", "a");
        StorePath e = StorePath.of("t3", "errors", "a");
        store().createIfAbsent(e, b("err"));
        TxResult r = store().transact(List.of(StoreOp.create(a, b("op")), StoreOp.create(e, b("dup"))));
        TxResult.Conflict c = assertInstanceOf(TxResult.Conflict.class, r);
        assertEquals(1, c.index());
        assertEquals(TxResult.Reason.EXISTS, c.reason());
        assertTrue(store().get(a).isEmpty(), "first op must be rolled back");

        long ev = store().get(e).orElseThrow().version();
        TxResult ok = store().transact(List.of(StoreOp.create(a, b("op")), StoreOp.delete(e, ev)));
        assertTrue(ok.committed());
        assertTrue(store().get(e).isEmpty());
        assertEquals("op", s(store().get(a).orElseThrow().value()));

        TxResult bad = store().transact(List.of(StoreOp.check(a, 42), StoreOp.delete(a, StoreOp.ANY_VERSION)));
        assertEquals(TxResult.Reason.BAD_VERSION, assertInstanceOf(TxResult.Conflict.class, bad).reason());
        assertTrue(store().exists(a));
    }

    @Test
    void transactionsCreateMissingParentsButAMissingEntryStaysAConflict() {
        // creates deep below parents that do not exist, sequential ones included, in one transaction
        StorePath deep = StorePath.of("t5", "a", "b", "c", "leaf");
        StorePath seqDir = StorePath.of("t5", "x", "log");
        TxResult r = store().transact(List.of(StoreOp.create(deep, b("1")), new StoreOp.CreateSequential(seqDir, "e-", b("2"))));
        assertTrue(r.committed(), r::toString);
        assertEquals("1", s(store().get(deep).orElseThrow().value()));
        assertEquals(1, store().children(seqDir).size());

        // a set, delete or check of a missing entry is the caller's conflict, not a parent to make
        StorePath nowhere = StorePath.of("t5", "nowhere", "entry");
        TxResult set = store().transact(List.of(StoreOp.create(StorePath.of("t5", "y", "z"), b("3")), StoreOp.set(nowhere, b("4"), StoreOp.ANY_VERSION)));
        TxResult.Conflict c = assertInstanceOf(TxResult.Conflict.class, set);
        assertEquals(1, c.index());
        assertEquals(TxResult.Reason.MISSING, c.reason());
        assertFalse(store().exists(StorePath.of("t5", "y", "z")), "nothing of a refused transaction is written");
        assertFalse(store().exists(nowhere));
        TxResult del = store().transact(List.of(StoreOp.delete(nowhere, StoreOp.ANY_VERSION)));
        assertEquals(TxResult.Reason.MISSING, assertInstanceOf(TxResult.Conflict.class, del).reason());
    }

    @Test
    void sequentialEntriesGrowInsideTransactions() {
        StorePath log = StorePath.of("t4", "events");
        StorePath first = store().createSequential(log, "e-", b("1"));
        TxResult r = store().transact(List.of(new StoreOp.CreateSequential(log, "e-", b("2")),
                StoreOp.create(StorePath.of("t4", "marker"), b("m"))));
        StorePath second = ((TxResult.Committed) r).paths().get(0);
        assertTrue(second.name().compareTo(first.name()) > 0, first + " < " + second);
        assertEquals(List.of(first.name(), second.name()), store().children(log));
        assertEquals("2", s(store().get(second).orElseThrow().value()));
    }

    @Test
    void watchSeesExistingAndNewEntries() throws Exception {
        StorePath root = StorePath.of("t5");
        store().put(root.child("old"), b("o"));
        List<StoreEvent> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable w = store().watch(root, seen::add)) {
            store().put(root.child("new"), b("n"));
            store().put(root.child("new"), b("n2"));
            store().delete(root.child("old"), StoreOp.ANY_VERSION);
            // watches deliver asynchronously and not necessarily in write order: wait for all three
            Await.until("the watch to report the delete and the second write", Duration.ofSeconds(10),
                    () -> seen.stream().anyMatch(ev -> ev.type() == StoreEvent.Type.DELETED)
                            && seen.stream().anyMatch(ev -> ev.path().equals(root.child("new")) && ev.data() != null && s(ev.data()).equals("n2")));
        }
        assertTrue(seen.stream().anyMatch(ev -> ev.type() == StoreEvent.Type.CREATED && ev.path().equals(root.child("old"))), seen.toString());
        assertTrue(seen.stream().anyMatch(ev -> ev.path().equals(root.child("new")) && ev.data() != null && s(ev.data()).equals("n2")), seen.toString());
        assertTrue(seen.stream().anyMatch(ev -> ev.type() == StoreEvent.Type.DELETED && ev.path().equals(root.child("old"))), seen.toString());
    }

    @Test
    void deleteRemovesChildrenAndEmptyListingForMissing() {
        StorePath p = StorePath.of("t6", "pkg");
        store().put(p.child("a"), b("1"));
        store().put(p.child("b"), b("2"));
        assertEquals(List.of("a", "b"), store().children(p));
        assertTrue(store().delete(p, StoreOp.ANY_VERSION));
        assertEquals(List.of(), store().children(p));
        assertEquals(List.of(), store().children(StorePath.of("nothing", "here")));
        assertArrayEquals(b("x"), b("x"));
    }
}
