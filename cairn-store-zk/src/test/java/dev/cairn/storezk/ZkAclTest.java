package dev.cairn.storezk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.store.LeaderElection;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cairn's znodes with a digest identity: only Cairn reads or writes them; an anonymous client gets NoAuth. */
class ZkAclTest {
    static final ZkSecurity SECURITY = ZkSecurity.digest("acl-test-secret-0123456789");
    static final Duration T = Duration.ofSeconds(10);

    static ZooKeeper raw(String connect) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
        });
        if (!up.await(10, TimeUnit.SECONDS)) throw new AssertionError("no connection to " + connect);
        return zk;
    }

    /** An anonymous client on the same machine can neither read, list nor write under the root. */
    static void assertAnonymousGetsNothing(String connect, String... paths) throws Exception {
        try (ZooKeeper anonymous = raw(connect)) {
            for (String p : paths) {
                assertThrows(KeeperException.NoAuthException.class, () -> anonymous.getData(p, false, null), "getData " + p);
                assertThrows(KeeperException.NoAuthException.class, () -> anonymous.getChildren(p, false), "getChildren " + p);
            }
            assertThrows(KeeperException.NoAuthException.class,
                    () -> anonymous.create("/cairn/intruder", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        }
    }

    static List<String> tree(ZooKeeper zk, String path) throws Exception {
        List<String> all = new ArrayList<>(List.of(path));
        for (String c : zk.getChildren(path, false)) all.addAll(tree(zk, path + "/" + c));
        return all;
    }

    @Test
    void everyZnodeCairnCreatesIsCairnsOnly() throws Exception {
        try (TestingServer server = new TestingServer(true);
             ZkCoordinationStore store = ZkCoordinationStore.connect(server.getConnectString(), T, T, SECURITY)) {
            store.put(StorePath.of("nodes", "node-1"), "n1".getBytes(StandardCharsets.UTF_8));
            store.createSequential(StorePath.of("events", "log"), "e-", new byte[] {1});
            store.createEphemeral(StorePath.of("controllers", "c1"), new byte[] {2});
            assertTrue(store.transact(List.of(StoreOp.create(StorePath.of("work", "node-1", "deep", "w"), new byte[] {3}))).committed());
            LeaderElection election = store.leaderElection("controllers", "c1");
            election.start();
            Await.until("c1 to lead", Duration.ofSeconds(20), election::isLeader);

            try (ZooKeeper cairn = raw(server.getConnectString())) {
                cairn.addAuthInfo("digest", SECURITY.authBytes());
                List<String> paths = tree(cairn, "/cairn");
                assertTrue(paths.size() >= 10, paths.toString());
                for (String p : paths) assertEquals(SECURITY.acl(), cairn.getACL(p, new Stat()), p);
            }
            assertAnonymousGetsNothing(server.getConnectString(), "/cairn", "/cairn/nodes", "/cairn/nodes/node-1", "/cairn/work/node-1/deep/w");
            election.close();
        }
    }

    @Test
    void anotherIdentityCannotUseCairnsRoot() throws Exception {
        try (TestingServer server = new TestingServer(true)) {
            try (ZkCoordinationStore store = ZkCoordinationStore.connect(server.getConnectString(), T, T, SECURITY)) {
                store.put(StorePath.of("a"), new byte[] {1});
            }
            CairnException e = assertThrows(CairnException.class,
                    () -> ZkCoordinationStore.connect(server.getConnectString(), T, T, ZkSecurity.digest("another-secret-0123456789")));
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertTrue(e.getMessage().contains("another identity"), e.getMessage());
            assertTrue(e.hint().contains("secret"), e.hint());
            try (ZkCoordinationStore open = ZkCoordinationStore.connect(server.getConnectString())) {
                assertThrows(CairnException.class, () -> open.get(StorePath.of("a")));
            }
        }
    }

    @Test
    void theEmbeddedServerProtectsTheRootBeforeCairnConnects(@TempDir Path dir) throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir, 0, SECURITY)) {
            assertAnonymousGetsNothing(zk.connectString(), "/cairn");
            try (ZkCoordinationStore store = ZkCoordinationStore.connect(zk.connectString(), T, T, SECURITY)) {
                store.put(StorePath.of("packages", "spark"), "p".getBytes(StandardCharsets.UTF_8));
                assertArrayEquals("p".getBytes(StandardCharsets.UTF_8), store.get(StorePath.of("packages", "spark")).orElseThrow().value());
            }
            assertAnonymousGetsNothing(zk.connectString(), "/cairn", "/cairn/packages", "/cairn/packages/spark");
        }
    }

    @Test
    void dataOfAnUnprotectedRunIsProtectedOnTheNextStart(@TempDir Path dir) throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir, 0);
             ZkCoordinationStore open = ZkCoordinationStore.connect(zk.connectString())) {
            open.put(StorePath.of("nodes", "node-1"), "old".getBytes(StandardCharsets.UTF_8));
            try (ZooKeeper anonymous = raw(zk.connectString())) {
                assertEquals("old", new String(anonymous.getData("/cairn/nodes/node-1", false, null), StandardCharsets.UTF_8), "open before");
            }
        }
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir, 0, SECURITY)) {
            assertAnonymousGetsNothing(zk.connectString(), "/cairn", "/cairn/nodes", "/cairn/nodes/node-1");
            try (ZkCoordinationStore store = ZkCoordinationStore.connect(zk.connectString(), T, T, SECURITY)) {
                assertEquals("old", new String(store.get(StorePath.of("nodes", "node-1")).orElseThrow().value(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void theSecretIsKeptInAPrivateFileAndBadSecretsAreRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("data").resolve("zk-secret");
        String s = ZkSecurity.secretFromFile(f);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(43, s.length());
        assertEquals(s, ZkSecurity.secretFromFile(f), "read back, not made again");
        CairnException e = assertThrows(CairnException.class, () -> ZkSecurity.digest("short"));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertThrows(CairnException.class, () -> ZkSecurity.digest("has:colon-0123456789"));
        CairnException missing = assertThrows(CairnException.class,
                () -> new ZkSecurity.Tls(dir.resolve("nope.pem"), java.util.Optional.empty(), java.util.Optional.empty(), true));
        assertTrue(missing.getMessage().contains("nope.pem"), missing.getMessage());
    }
}
