package dev.cairn.packages;

import static dev.cairn.packages.archive.PackageArchiveTestAccess.manifestArchive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.store.StorePath;
import dev.cairn.packages.archive.PackageArchive;
import dev.cairn.packages.universe.UriFetcher;
import dev.cairn.storage.FsPackageStorage;
import dev.cairn.storezk.ZkCoordinationStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queues on a real ZooKeeper (Curator's TestingServer on loopback), two controllers sharing storage. */
class ZkPackageQueueTest {
    @TempDir Path dir;
    TestingServer server;
    ZkCoordinationStore a;
    ZkCoordinationStore b;

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(true);
        a = ZkCoordinationStore.connect(server.getConnectString());
        b = ZkCoordinationStore.connect(server.getConnectString());
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
        server.close();
    }

    @Test
    void twoControllersRaceAndOneLeaderProcesses() throws Exception {
        FsPackageStorage storage = new FsPackageStorage(dir.resolve("storage"));
        PackageService.Config cfg = new PackageService.Config(1 << 20, PackageArchive.Limits.DEFAULT, RetryPolicy.DEFAULT, "http://x");
        PackageService onA = new PackageService(a, storage, new TestEventLog(a, Clock.systemUTC()), UriFetcher.DEFAULT, cfg, Clock.systemUTC());
        PackageService onB = new PackageService(b, storage, new TestEventLog(b, Clock.systemUTC()), UriFetcher.DEFAULT, cfg, Clock.systemUTC());

        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<OperationTicket>> fs = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                PackageService s = i % 2 == 0 ? onA : onB;
                byte[] archive = manifestArchive("zk", "2.3.0-1.0.0+b1");
                fs.add(pool.submit(() -> {
                    go.await();
                    return s.add(new ByteArrayInputStream(archive), Optional.empty());
                }));
            }
            go.countDown();
            int queued = 0;
            for (Future<OperationTicket> f : fs) {
                try {
                    f.get();
                    queued++;
                } catch (ExecutionException e) {
                    assertEquals(ErrorCode.CONFLICT, ((CairnException) e.getCause()).code(), e.getCause().getMessage());
                }
            }
            assertEquals(1, queued, "exactly one request is queued");
        } finally {
            pool.shutdownNow();
        }
        Coordinate c = new Coordinate("zk", "2.3.0-1.0.0+b1");
        assertTrue(a.exists(PackageQueue.operationPath(c)));
        assertEquals(List.of("zk@2.3.0-1.0.0+b1"), b.children(PackageQueue.OPERATIONS), "coordinate survives encoding");
        assertTrue(PackageQueue.operationPath(c).toString().startsWith("/cairn/packages/operations/zk%402.3.0-1.0.0%2Bb1"),
                PackageQueue.operationPath(c).toString());

        onA.newProcessor(StepHook.NONE).processOnce(Instant.now());
        assertEquals(16, onB.status(c).row());
        assertFalse(b.exists(PackageQueue.operationPath(c)));
        assertTrue(b.children(PackageQueue.ERRORS).isEmpty());

        OperationTicket u = onB.uninstall(c.toString());
        onA.newProcessor(StepHook.NONE).processOnce(Instant.now());
        assertEquals(Completion.Status.SUCCEEDED, onB.await(u, Duration.ofSeconds(10)).status());
        assertEquals(List.of(), onA.state().packages());
        assertTrue(a.children(StorePath.of("cairn", "packages", "operations")).isEmpty());
        // on ZooKeeper too, each change carried its event and the three losing requests recorded none
        assertEquals(List.of("package.queued", "package.processed", "package.queued", "package.processed"),
                new TestSupport.Events(new TestEventLog(b, Clock.systemUTC())).types());
    }
}
