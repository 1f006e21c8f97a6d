package dev.cairn.packages;

import static dev.cairn.packages.archive.PackageArchiveTestAccess.manifestArchive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.storage.Sha256;
import dev.cairn.core.storage.StorageKey;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.packages.archive.PackageArchive;
import dev.cairn.packages.universe.UriFetcher;
import dev.cairn.storage.FsPackageStorage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageServiceTest {
    static final Path UNIVERSE = dev.cairn.testkit.TestData.universe();

    @TempDir Path dir;
    PackageService service;
    FsPackageStorage storage;
    InMemoryCoordinationStore store = new InMemoryCoordinationStore();
    TestEventLog log = new TestEventLog(store, Clock.systemUTC());
    TestSupport.Events events = new TestSupport.Events(log);

    @BeforeEach
    void setUp() {
        storage = new FsPackageStorage(dir.resolve("storage"));
        PackageService.Config config = new PackageService.Config(1 << 20, PackageArchive.Limits.DEFAULT,
                new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20)), "http://cairn:7070");
        service = new PackageService(store, storage, log, UriFetcher.DEFAULT, config,
                Clock.systemUTC());
        service.repoAdd("universe", UNIVERSE.toUri().toString());
    }

    @Test
    void universeInstallAndShowSystemStateAsJson() {
        assertEquals(1, service.search("httpbin").size());
        PackageService.Description d = service.describe("httpbin");
        assertEquals("1.0.0", d.version());
        assertTrue(d.marathonTemplate().contains("{{"));
        OperationTicket t = service.install("httpbin", false);
        assertEquals(4, t.row());
        assertEquals("Universe Install Pending", t.state());
        JsonNode pending = Json.tree(Json.bytes(service.state()));
        assertEquals("""
                {"packages":[{"name":"httpbin","version":"1.0.0","row":4,"state":"Universe Install Pending","operation":"UNIVERSE_INSTALL","error":null,"storage":"NONE"}]}""",
                Json.string(pending));
        service.newProcessor(StepHook.NONE).processOnce(java.time.Instant.now());
        assertEquals("""
                {"packages":[{"name":"httpbin","version":"1.0.0","row":16,"state":"Successfully Installed","operation":null,"error":null,"storage":"ALL"}]}""",
                Json.string(service.state()));
        CairnException again = assertThrows(CairnException.class, () -> service.install("httpbin@1.0.0", false));
        assertEquals(ErrorCode.CONFLICT, again.code());
        service.uninstall("httpbin@1.0.0");
        service.newProcessor(StepHook.NONE).processOnce(java.time.Instant.now());
        assertEquals(List.of(), service.state().packages(), "not-installed packages are not listed");
        assertEquals(List.of("package.queued", "package.processed", "package.queued", "package.processed"), events.types());
    }

    @Test
    void universePackagesWithHyphensInTheirNames() throws IOException {
        // hello-world and marathon-lb from the Universe snapshot in testdata: Universe allows [a-z][a-z0-9-]*[a-z0-9]
        assertTrue(service.search("hello").stream().anyMatch(h -> h.name().equals("hello-world")));
        PackageService.Description d = service.describe("hello-world");
        assertEquals("hello-world", d.name());
        assertEquals("hello-world", d.packageJson().path("name").asText());
        String coordinate = "hello-world@" + d.version();
        OperationTicket t = service.install("hello-world", false);
        assertEquals("hello-world", t.name());
        assertEquals(d.version(), t.version());
        OperationTicket lb = service.install("marathon-lb", false);
        service.newProcessor(StepHook.NONE).processOnce(java.time.Instant.now());
        List<PackageStatus> installed = service.state().packages();
        assertEquals(List.of("hello-world", "marathon-lb"), installed.stream().map(PackageStatus::name).toList());
        assertTrue(installed.stream().allMatch(s -> s.row() == 16 && s.storage() == Completeness.ALL), installed.toString());
        assertEquals(d.packageJson(), Json.tree(service.openFile("hello-world", d.version(), "package.json").readAllBytes()));
        assertEquals(ErrorCode.CONFLICT, assertThrows(CairnException.class, () -> service.install(coordinate, false)).code());
        service.uninstall(coordinate);
        service.uninstall("marathon-lb@" + lb.version());
        service.newProcessor(StepHook.NONE).processOnce(java.time.Instant.now());
        assertEquals(List.of(), service.state().packages());
        assertEquals(List.of("package.queued", "package.processed", "package.queued", "package.processed"), events.types(coordinate));
    }

    @Test
    void badUniverseRequests() {
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(CairnException.class, () -> service.install("nosuchpkg", false)).code());
        for (String bad : List.of("Hello_World@1", "-hello@1", "hello-@1", "hello/x@1")) {
            CairnException e = assertThrows(CairnException.class, () -> service.uninstall(bad), bad);
            assertEquals(ErrorCode.INVALID_NAME, e.code(), bad);
            assertTrue(e.getMessage().contains("[a-z][a-z0-9-]*[a-z0-9]"), e.getMessage());
        }
        assertEquals(ErrorCode.CONFLICT, assertThrows(CairnException.class, () -> service.uninstall("httpbin@1.0.0")).code());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> service.uninstall("httpbin")).code());
        assertTrue(service.queue().operationCoordinates().isEmpty());
    }

    @Test
    void cliInstallWithWaitThroughTheLoop() throws Exception {
        byte[] archive = manifestArchive("hello", "2.0");
        OperationTicket t = service.add(new ByteArrayInputStream(archive), Optional.of(Sha256.of(archive)));
        assertEquals(2, t.row());
        assertEquals(1, uploads().size());
        try (PackageProcessorLoop loop = service.newProcessorLoop(Duration.ofMillis(50), Duration.ofMinutes(1))) {
            loop.start();
            Completion done = service.await(t, Duration.ofSeconds(60));
            assertEquals(Completion.Status.SUCCEEDED, done.status());
            assertEquals(16, done.state().row());
            Completion u = service.await(service.uninstall("hello@2.0"), Duration.ofSeconds(60));
            assertEquals(Completion.Status.SUCCEEDED, u.status());
            assertEquals(0, u.state().row());
        }
        assertEquals(List.of(), storage.list(StorageKey.STAGING), "the upload went once installed");
    }

    private List<StorageKey> uploads() {
        return storage.list(StorageKey.STAGING).stream().map(k -> StagedUploads.uploadOf(k).orElseThrow()).distinct().toList();
    }

    /** Like a request body or a file: reading after close fails. */
    static final class StrictStream extends java.io.FilterInputStream {
        boolean closed;

        StrictStream(byte[] data) { super(new ByteArrayInputStream(data)); }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) throw new IOException("read after close");
            return super.read(b, off, len);
        }

        @Override
        public int read() throws IOException {
            if (closed) throw new IOException("read after close");
            return super.read();
        }

        @Override
        public void close() { closed = true; }
    }

    @Test
    void theUploadStreamIsReadToItsEndAndLeftToTheCallerToClose() throws Exception {
        byte[] archive = manifestArchive("strict", "1");
        StrictStream in = new StrictStream(archive);
        OperationTicket t = service.add(in, Optional.of(Sha256.of(archive)));
        assertFalse(in.closed);
        assertEquals(-1, in.read(), "the whole upload was read");
        // staged extracted: each file with the size and sha256 of its content, and the manifest last
        StorageKey upload = uploads().get(0);
        StagedUploads.Manifest m = StagedUploads.readManifest(storage, upload).orElseThrow();
        assertEquals(new Coordinate("strict", "1"), m.coordinate());
        assertEquals(List.of("package.yaml", "bin/run"), m.files().stream().map(FileEntry::path).toList());
        for (FileEntry f : m.files()) {
            byte[] staged;
            try (var s = storage.open(StagedUploads.fileKey(upload, f.path()))) {
                staged = s.readAllBytes();
            }
            assertEquals(f.size(), staged.length, f.path());
            assertEquals(Sha256.of(staged), f.sha256(), f.path());
        }
        assertEquals(2, t.row());
    }

    @Test
    void waitReportsAFailure() throws Exception {
        OperationTicket t = service.add(new ByteArrayInputStream(manifestArchive("hello", "1")), Optional.empty());
        // the staged upload disappears behind the processor's back: a permanent failure
        storage.deleteAll(StorageKey.STAGING);
        service.newProcessor(StepHook.NONE).processOnce(java.time.Instant.now());
        Completion c = service.await(t, Duration.ofSeconds(5));
        assertEquals(Completion.Status.FAILED, c.status());
        assertTrue(c.error().contains("staged upload"), c.error());
        assertEquals(1, c.state().row());
        assertEquals("Failed", c.state().state());
    }

    @Test
    void badUploadsLeaveNothingStaged() throws IOException {
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class,
                () -> service.add(new ByteArrayInputStream("not an archive".getBytes()), Optional.empty())).code());
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(CairnException.class,
                () -> service.add(new ByteArrayInputStream(dev.cairn.packages.archive.PackageArchiveTestAccess.largeArchive((1 << 20) + 10)),
                        Optional.empty())).code());
        CairnException sha = assertThrows(CairnException.class,
                () -> service.add(new ByteArrayInputStream(manifestArchive("hello", "1")), Optional.of("0".repeat(64))));
        assertTrue(sha.getMessage().startsWith("the upload's sha256 is"), sha.getMessage());
        assertEquals(List.of(), storage.list(StorageKey.STAGING));
        assertTrue(service.queue().operationCoordinates().isEmpty());
    }

    @Test
    void concurrentRequestsForOneCoordinate() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Callable<OperationTicket>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] a = manifestArchive("race", "1");
                calls.add(() -> {
                    go.await();
                    return service.add(new ByteArrayInputStream(a), Optional.empty());
                });
            }
            List<Future<OperationTicket>> fs = calls.stream().map(pool::submit).toList();
            go.countDown();
            int queued = 0;
            for (Future<OperationTicket> f : fs) {
                try {
                    f.get();
                    queued++;
                } catch (java.util.concurrent.ExecutionException e) {
                    CairnException ce = (CairnException) e.getCause();
                    assertEquals(ErrorCode.CONFLICT, ce.code());
                    assertTrue(ce.getMessage().startsWith("a CLI Install of race@1 is already pending"), ce.getMessage());
                }
            }
            assertEquals(1, queued);
            assertEquals(1, uploads().size(), "the losers' uploads were removed");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void assetFilesAreServedOnlyForInstalledPackages() {
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(CairnException.class, () -> service.openFile("httpbin", "1.0.0", "package.json")).code());
        service.install("httpbin", false);
        service.newProcessor(StepHook.NONE).processOnce(java.time.Instant.now());
        assertFalse(service.state().packages().isEmpty());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> service.openFile("httpbin", "1.0.0", "../x")).code());
        assertNull(service.state().packages().get(0).error());
    }
}
