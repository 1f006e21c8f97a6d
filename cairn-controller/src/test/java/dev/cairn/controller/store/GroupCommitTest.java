package dev.cairn.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.GroupCommit;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import dev.cairn.testkit.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Concurrent transactions commit together, each with the outcome it would have had alone. */
class GroupCommitTest {
    static final StorePath DIR = StorePath.of("t");

    /** The in-memory store, counting transactions; the first one waits until every caller has arrived. */
    static CoordinationStore counting(InMemoryCoordinationStore inner, AtomicInteger calls, CountDownLatch arrived) {
        return (CoordinationStore) Proxy.newProxyInstance(CoordinationStore.class.getClassLoader(), new Class<?>[] {CoordinationStore.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("transact") && calls.incrementAndGet() == 1) arrived.await();
                    try {
                        return m.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void concurrentPartsCommitTogetherAndALosingPartIsAnsweredAlone() throws Exception {
        InMemoryCoordinationStore inner = new InMemoryCoordinationStore();
        inner.put(DIR.child("taken"), new byte[] {1});
        AtomicInteger calls = new AtomicInteger();
        int n = 20;
        CountDownLatch arrived = new CountDownLatch(1);
        GroupCommit group = new GroupCommit(counting(inner, calls, arrived));
        List<Future<TxResult>> results = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // the first part takes the commit and blocks in the store until all others wait behind it
            results.add(pool.submit(() -> group.transact(List.of(StoreOp.create(DIR.child("p0"), new byte[0])))));
            Await.until("the first part to reach the store", Duration.ofSeconds(10), () -> calls.get() > 0);
            for (int i = 1; i < n; i++) {
                StorePath p = DIR.child(i == 7 ? "taken" : "p" + i); // part 7 conflicts
                results.add(pool.submit(() -> group.transact(List.of(StoreOp.create(p, new byte[0]),
                        new StoreOp.CreateSequential(StorePath.of("log"), "e-", new byte[0])))));
            }
            Await.until("the others to queue behind the first", Duration.ofSeconds(10), () -> group.waiting() == n - 1);
            arrived.countDown();
        }
        for (int i = 0; i < n; i++) {
            TxResult r = results.get(i).get();
            if (i == 7) {
                TxResult.Conflict c = assertInstanceOf(TxResult.Conflict.class, r);
                assertEquals(TxResult.Reason.EXISTS, c.reason());
            } else {
                TxResult.Committed c = assertInstanceOf(TxResult.Committed.class, r, "part " + i);
                assertEquals(i == 0 ? 1 : 2, c.paths().size(), "each part gets its own slice");
                assertEquals(DIR.child("p" + i), c.paths().get(0));
                assertTrue(inner.exists(DIR.child("p" + i)));
            }
        }
        // one sequential entry per committed part, none for the conflicting one
        assertEquals(n - 2, inner.children(StorePath.of("log")).size());
        // 1 alone, then the 19 waiting together (failing on part 7), then each of the 19 alone
        assertEquals(1 + 1 + (n - 1), calls.get());
    }

    @Test
    void withoutConflictsManyPartsTakeOneTransaction() throws Exception {
        InMemoryCoordinationStore inner = new InMemoryCoordinationStore();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch arrived = new CountDownLatch(1);
        GroupCommit group = new GroupCommit(counting(inner, calls, arrived));
        int n = 50;
        List<Future<TxResult>> results = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            results.add(pool.submit(() -> group.transact(List.of(StoreOp.create(DIR.child("first"), new byte[0])))));
            Await.until("the first part to reach the store", Duration.ofSeconds(10), () -> calls.get() > 0);
            for (int i = 0; i < n; i++) {
                StorePath p = DIR.child("q" + i);
                results.add(pool.submit(() -> group.transact(List.of(StoreOp.create(p, new byte[0])))));
            }
            Await.until("the others to queue behind the first", Duration.ofSeconds(10), () -> group.waiting() == n);
            arrived.countDown();
        }
        for (Future<TxResult> f : results) assertTrue(f.get().committed());
        assertEquals(n + 1, inner.children(DIR).size());
        assertEquals(2, calls.get(), "the first alone, the 50 that waited together");
    }

    @Test
    void aCombinedTransactionStaysWithinTheByteLimit() throws Exception {
        InMemoryCoordinationStore inner = new InMemoryCoordinationStore();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch arrived = new CountDownLatch(1);
        GroupCommit group = new GroupCommit(counting(inner, calls, arrived));
        int n = 4;
        byte[] big = new byte[GroupCommit.MAX_BYTES / 2 - 1024]; // two fit in one transaction, three do not
        List<Future<TxResult>> results = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            results.add(pool.submit(() -> group.transact(List.of(StoreOp.create(DIR.child("first"), new byte[0])))));
            Await.until("the first part to reach the store", Duration.ofSeconds(10), () -> calls.get() > 0);
            for (int i = 0; i < n; i++) {
                StorePath p = DIR.child("b" + i);
                results.add(pool.submit(() -> group.transact(List.of(StoreOp.create(p, big)))));
            }
            Await.until("the others to queue behind the first", Duration.ofSeconds(10), () -> group.waiting() == n);
            arrived.countDown();
        }
        for (Future<TxResult> f : results) assertTrue(f.get().committed());
        assertEquals(n + 1, inner.children(DIR).size());
        assertEquals(1 + n / 2, calls.get(), "the first alone, then the four that waited two by two");
    }

    @Test
    void aCombinedTransactionThatThrowsAnswersEveryPartWithTheErrorAndRunsNothingAgain() throws Exception {
        InMemoryCoordinationStore inner = new InMemoryCoordinationStore();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch arrived = new CountDownLatch(1);
        CoordinationStore counted = counting(inner, calls, arrived);
        // the second transaction (the combined one) fails as a dropped connection would
        CoordinationStore failing = (CoordinationStore) Proxy.newProxyInstance(CoordinationStore.class.getClassLoader(),
                new Class<?>[] {CoordinationStore.class}, (proxy, m, args) -> {
                    if (m.getName().equals("transact") && calls.get() == 1) {
                        calls.incrementAndGet();
                        throw new dev.cairn.core.CairnException(dev.cairn.core.ErrorCode.STORE_UNAVAILABLE, "connection lost", null);
                    }
                    try {
                        return m.invoke(counted, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        GroupCommit group = new GroupCommit(failing);
        int n = 5;
        List<Future<TxResult>> results = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            results.add(pool.submit(() -> group.transact(List.of(StoreOp.create(DIR.child("first"), new byte[0])))));
            Await.until("the first part to reach the store", Duration.ofSeconds(10), () -> calls.get() > 0);
            for (int i = 0; i < n; i++) {
                StorePath p = DIR.child("r" + i);
                results.add(pool.submit(() -> group.transact(List.of(StoreOp.create(p, new byte[0])))));
            }
            Await.until("the others to queue behind the first", Duration.ofSeconds(10), () -> group.waiting() == n);
            arrived.countDown();
        }
        assertTrue(results.get(0).get().committed());
        for (int i = 1; i <= n; i++) {
            java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, results.get(i)::get);
            assertEquals(dev.cairn.core.ErrorCode.STORE_UNAVAILABLE, ((dev.cairn.core.CairnException) e.getCause()).code());
        }
        assertEquals(List.of("first"), inner.children(DIR));
        assertEquals(2, calls.get(), "the first alone, the combined one that failed; nothing run again");
    }
}
