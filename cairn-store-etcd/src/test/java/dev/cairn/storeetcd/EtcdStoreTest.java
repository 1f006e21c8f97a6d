package dev.cairn.storeetcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.store.ConnectionState;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.core.time.ManualScheduler;
import dev.cairn.testkit.Await;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the contract does not pin down but callers rely on, on a real etcd: versions, ephemerals, the key layout. */
class EtcdStoreTest {
    @TempDir
    static Path dir;
    private static EtcdCluster etcd;

    @BeforeAll
    static void startServer() throws Exception {
        etcd = EtcdCluster.start(dir, 1);
    }

    @AfterAll
    static void stopServer() {
        if (etcd != null) etcd.close();
    }

    static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static String s(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    @Test
    void versionsFollowZooKeeperDataVersions() {
        try (EtcdCoordinationStore store = EtcdCoordinationStore.connect(etcd.endpoints())) {
            StorePath p = StorePath.of("versions", "a");
            assertEquals(0L, store.createIfAbsent(p, b("0")).orElseThrow(), "a create gives version 0");
            assertEquals(1L, store.put(p, b("1")));
            assertEquals(2L, store.compareAndSet(p, b("2"), 1).orElseThrow());
            TxResult.Committed c = assertInstanceOf(TxResult.Committed.class,
                    store.transact(List.of(StoreOp.set(p, b("3"), StoreOp.ANY_VERSION), StoreOp.check(p, 3))));
            assertEquals(List.of(3L, -1L), c.versions(), "a set reports the new version, a check -1");
            assertEquals(3L, store.get(p).orElseThrow().version());
            assertTrue(store.delete(p, 3));
            assertEquals(0L, store.put(p, b("again")), "a re-created entry starts at 0 again");

            // another client's view is the same
            try (EtcdCoordinationStore other = EtcdCoordinationStore.connect(etcd.endpoints())) {
                assertEquals(0L, other.get(p).orElseThrow().version());
                assertEquals(1L, other.put(p, b("x")), "an update by a client that never read the entry");
            }
        }
    }

    @Test
    void parentsAreCreatedAndListingsSeeOnlyDirectChildren() {
        try (EtcdCoordinationStore store = EtcdCoordinationStore.connect(etcd.endpoints())) {
            store.put(StorePath.of("tree", "a", "b", "c"), b("deep"));
            store.put(StorePath.of("tree", "a", "x"), b("x"));
            store.put(StorePath.of("tree", "ab"), b("sibling with a common prefix"));
            assertTrue(store.exists(StorePath.of("tree", "a", "b")), "missing parents are created, as on ZooKeeper");
            assertEquals(0, store.get(StorePath.of("tree", "a")).orElseThrow().value().length);
            assertEquals(List.of("a", "ab"), store.children(StorePath.of("tree")));
            assertEquals(List.of("b", "x"), store.children(StorePath.of("tree", "a")));

            // the layout itself: one range read of the children prefix returns exactly the direct children
            var kvs = store.await(store.client().getKVClient().get(EtcdKeys.bytes(EtcdKeys.childrenPrefix(StorePath.of("tree", "a"))),
                    GetOption.builder().withRange(EtcdKeys.prefixEnd(EtcdKeys.childrenPrefix(StorePath.of("tree", "a")))).build()), "list").getKvs();
            List<String> keys = new ArrayList<>();
            for (KeyValue kv : kvs) keys.add(kv.getKey().toString(StandardCharsets.UTF_8));
            assertEquals(List.of("/cairn/tree/a//b", "/cairn/tree/a//x"), keys);

            // deleting /tree/a takes everything below it, and nothing beside it
            assertTrue(store.delete(StorePath.of("tree", "a"), StoreOp.ANY_VERSION));
            assertFalse(store.exists(StorePath.of("tree", "a", "b", "c")));
            assertEquals(List.of("ab"), store.children(StorePath.of("tree")));
        }
    }

    @Test
    void keysRoundTripForEncodedSegments() {
        StorePath p = StorePath.of("packages", "spark@2.3.0-1.0.0", "a b/c");
        assertEquals("/cairn/packages/spark%402.3.0-1.0.0//a%20b%2Fc", EtcdKeys.key(p));
        assertEquals(p, EtcdKeys.path(EtcdKeys.key(p)));
        assertEquals(StorePath.of("top"), EtcdKeys.path("/cairn//top"));
        assertEquals("/cairn//", EtcdKeys.childrenPrefix(StorePath.ROOT));
        assertEquals("/cairn/packages/", EtcdKeys.subtreePrefix(StorePath.of("packages")));
    }

    @Test
    void ephemeralEntriesEndWithTheSessionAndStayEphemeralWhenUpdated() {
        StorePath mine = StorePath.of("eph", "mine");
        try (EtcdCoordinationStore watcher = EtcdCoordinationStore.connect(etcd.endpoints())) {
            EtcdCoordinationStore owner = EtcdCoordinationStore.connect(etcd.endpoints());
            assertEquals(0L, owner.createEphemeral(mine, b("1")).orElseThrow());
            assertTrue(owner.createEphemeral(mine, b("again")).isEmpty(), "exists already");
            // another client updates it, as a controller does with a heartbeat digest another created:
            // the entry keeps its owner's lease
            assertEquals(1L, watcher.put(mine, b("2")));
            assertEquals(2L, watcher.compareAndSet(mine, b("3"), 1).orElseThrow());
            owner.close();
            assertTrue(watcher.get(mine).isEmpty(), "the owner's session ended: its entry is gone");
            assertTrue(watcher.exists(StorePath.of("eph")), "the parent is not ephemeral");
        }
    }

    @Test
    void anEphemeralWriteAfterTheClusterEndedTheLeaseIsUnavailableUntilTheNewSession() {
        // the session loop of this client runs only when the test turns it: it has not noticed anything yet
        ManualScheduler turns = new ManualScheduler(Instant.parse("2030-01-01T00:00:00Z"));
        try (EtcdCoordinationStore a = EtcdCoordinationStore.connect(EtcdOptions.of(etcd.endpoints()), turns.clock(), turns);
             EtcdCoordinationStore other = EtcdCoordinationStore.connect(etcd.endpoints())) {
            List<ConnectionState> states = new CopyOnWriteArrayList<>();
            a.addConnectionListener(states::add);
            other.await(other.client().getLeaseClient().revoke(a.session().leaseId()), "revoke");
            StorePath p = StorePath.of("eph", "late");
            CairnException e = assertThrows(CairnException.class, () -> a.createEphemeral(p, b("x")));
            assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
            assertTrue(e.getMessage().contains("lease has ended"), e.getMessage());
            assertFalse(other.exists(p));

            turns.advance(Duration.ofSeconds(1)); // the check the failure asked for: the lease is gone, a new one is granted
            assertEquals(List.of(ConnectionState.LOST, ConnectionState.RECONNECTED), states);
            assertTrue(a.createEphemeral(p, b("x")).isPresent());
        } finally {
            turns.close();
        }
    }

    @Test
    void sequentialCountersOnlyGrowEvenWhenTheParentIsDeleted() {
        try (EtcdCoordinationStore store = EtcdCoordinationStore.connect(etcd.endpoints());
             EtcdCoordinationStore other = EtcdCoordinationStore.connect(etcd.endpoints())) {
            StorePath log = StorePath.of("seq", "log");
            StorePath first = store.createSequential(log, "e-", b("1"));
            assertEquals("e-0000000000", first.name());
            // another client (whose cached counter is stale after this) appends, then both append in one transaction each
            assertEquals("e-0000000001", other.createSequential(log, "e-", b("2")).name());
            TxResult.Committed c = assertInstanceOf(TxResult.Committed.class, store.transact(List.of(
                    new StoreOp.CreateSequential(log, "e-", b("3")), new StoreOp.CreateSequential(log, "e-", b("4")))));
            assertEquals(List.of("e-0000000002", "e-0000000003"), c.paths().stream().map(StorePath::name).toList());
            assertTrue(store.delete(log, StoreOp.ANY_VERSION));
            assertEquals("e-0000000004", other.createSequential(log, "e-", b("5")).name(), "the counter survives its parent");
            var counter = store.await(store.client().getKVClient().get(EtcdKeys.bytes(EtcdKeys.counterKey(log))), "read").getKvs();
            assertEquals("5", counter.get(0).getValue().toString(StandardCharsets.UTF_8), "the counter key holds the next number");
            assertEquals(List.of("log"), store.children(StorePath.of("seq")), "the counter is no entry");
            assertEquals(List.of("e-0000000004"), store.children(log));
        }
    }

    @Test
    void conflictsNameTheFailingOperation() {
        try (EtcdCoordinationStore store = EtcdCoordinationStore.connect(etcd.endpoints())) {
            StorePath a = StorePath.of("conflicts", "a");
            StorePath b = StorePath.of("conflicts", "b");
            store.put(a, b("a"));
            store.put(b, b("b"));
            TxResult r = store.transact(List.of(StoreOp.check(a, 0), StoreOp.set(b, b("x"), 7), StoreOp.create(a, b("dup"))));
            TxResult.Conflict c = assertInstanceOf(TxResult.Conflict.class, r);
            assertEquals(1, c.index());
            assertEquals(TxResult.Reason.BAD_VERSION, c.reason());
            assertEquals("b", s(store.get(b).orElseThrow().value()));

            CairnException twice = assertThrows(CairnException.class,
                    () -> store.transact(List.of(StoreOp.set(a, b("1"), 0), StoreOp.set(a, b("2"), 1))));
            assertTrue(twice.getMessage().contains("/conflicts/a"), twice.getMessage());
        }
    }

    @Test
    void watchReportsUpdatesOfTheEntryItselfAndBelowInOrder() throws Exception {
        try (EtcdCoordinationStore store = EtcdCoordinationStore.connect(etcd.endpoints())) {
            StorePath root = StorePath.of("watched");
            store.put(root, b("r0"));
            store.put(root.child("kid"), b("k0"));
            store.put(StorePath.of("watched-not"), b("beside"));
            List<StoreEvent> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable w = store.watch(root, seen::add)) {
                assertEquals(List.of(root, root.child("kid")), seen.stream().map(StoreEvent::path).toList(),
                        "existing entries reported before watch() returns, parents first");
                for (int i = 1; i <= 20; i++) store.put(root.child("kid"), b("k" + i));
                store.put(root, b("r1"));
                store.put(StorePath.of("watched-not"), b("beside again"));
                store.delete(root, StoreOp.ANY_VERSION);
                Await.until("the deletes", Duration.ofSeconds(10),
                        () -> seen.stream().filter(e -> e.type() == StoreEvent.Type.DELETED).count() == 2);
            }
            List<Long> kidVersions = seen.stream().filter(e -> e.path().equals(root.child("kid")) && e.type() != StoreEvent.Type.DELETED)
                    .map(StoreEvent::version).toList();
            List<Long> expected = new ArrayList<>();
            for (long v = 0; v <= 20; v++) expected.add(v);
            assertEquals(expected, kidVersions, "every update once, in order");
            assertTrue(seen.stream().anyMatch(e -> e.path().equals(root) && e.type() == StoreEvent.Type.UPDATED && s(e.data()).equals("r1")), seen::toString);
            assertTrue(seen.stream().noneMatch(e -> e.path().equals(StorePath.of("watched-not"))), "a sibling with a common prefix is not below");
        }
    }

    @Test
    void cairnsLargestTransactionsFitAndLargerOnesAreTooLarge() {
        try (EtcdCoordinationStore store = EtcdCoordinationStore.connect(etcd.endpoints())) {
            // the event log's biggest append (EventLog.MAX_BATCH = 200 events) with a change beside it
            List<StoreOp> ops = new ArrayList<>();
            for (int i = 0; i < 200; i++) ops.add(new StoreOp.CreateSequential(StorePath.of("big", "events"), "e-", b("event " + i)));
            ops.add(StoreOp.create(StorePath.of("big", "record"), b("r")));
            assertTrue(store.transact(ops).committed());
            // retention's biggest delete (100 entries)
            List<StoreOp> deletes = store.children(StorePath.of("big", "events")).stream().limit(100)
                    .map(n -> StoreOp.delete(StorePath.of("big", "events", n), StoreOp.ANY_VERSION)).toList();
            assertTrue(store.transact(deletes).committed());
            assertEquals(100, store.children(StorePath.of("big", "events")).size());

            List<StoreOp> tooMany = new ArrayList<>();
            for (int i = 0; i < EtcdCoordinationStore.MIN_MAX_TXN_OPS + 1; i++) tooMany.add(StoreOp.create(StorePath.of("big", "many", "m" + i), b("")));
            CairnException e = assertThrows(CairnException.class, () -> store.transact(tooMany));
            assertEquals(ErrorCode.TOO_LARGE, e.code());
            assertTrue(e.hint().contains("--max-txn-ops"), e.hint());
            assertFalse(store.exists(StorePath.of("big", "many", "m0")));
        }
    }

    @Test
    void badInputIsAOneLineCairnException() {
        CairnException e = assertThrows(CairnException.class, () -> EtcdOptions.of("ftp://127.0.0.1:2379"));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("ftp://127.0.0.1:2379") && e.hint() != null, e.getMessage());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> EtcdOptions.of("127.0.0.1")).code());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> EtcdOptions.of(" , ")).code());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class,
                () -> EtcdOptions.of("http://a:1,https://b:2")).code());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class,
                () -> EtcdOptions.of("http://127.0.0.1:2379").withTls(Path.of("/nonexistent-ca.pem"), null, null)).code());
        assertEquals(List.of("http://127.0.0.1:2379", "http://h2:2380"),
                EtcdOptions.parseEndpoints("127.0.0.1:2379, http://h2:2380").stream().map(Object::toString).toList());
    }

    @Test
    void nothingListeningIsStoreUnavailableWithinTheConnectTimeout() throws Exception {
        int port = EtcdCluster.freePorts(1).get(0);
        long start = System.nanoTime();
        CairnException e = assertThrows(CairnException.class, () -> EtcdCoordinationStore.connect(
                EtcdOptions.of("http://127.0.0.1:" + port).withConnectTimeout(Duration.ofSeconds(2))));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().startsWith("cannot reach etcd at http://127.0.0.1:" + port), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "gave up in time");
    }

    @Test
    void rawJetcdSeesPlainBytes() {
        // operators may read entries with etcdctl: values are the stored bytes, unwrapped
        try (EtcdCoordinationStore store = EtcdCoordinationStore.connect(etcd.endpoints())) {
            store.put(StorePath.of("plain", "v"), b("{\"x\":1}"));
            var kv = store.await(store.client().getKVClient().get(ByteSequence.from("/cairn/plain//v", StandardCharsets.UTF_8)), "read").getKvs();
            assertEquals("{\"x\":1}", kv.get(0).getValue().toString(StandardCharsets.UTF_8));
        }
    }
}
