package dev.cairn.packages.universe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.storage.Sha256;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.packages.Completeness;
import dev.cairn.packages.Coordinate;
import dev.cairn.packages.OperationEntry;
import dev.cairn.packages.OperationType;
import dev.cairn.packages.PackageEvent;
import dev.cairn.packages.TestEventLog;
import dev.cairn.packages.PackageFiles;
import dev.cairn.packages.PackageProcessor;
import dev.cairn.packages.PackageQueue;
import dev.cairn.packages.PackageRef;
import dev.cairn.packages.RetryPolicy;
import dev.cairn.packages.StepHook;
import dev.cairn.storage.FsPackageStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Universe repository served over loopback HTTP, with assets, by the JDK's HTTP server. */
class HttpUniverseTest {
    static final byte[] ASSET = "pretend this is a jar".getBytes(StandardCharsets.UTF_8);
    static final byte[] CLI = "pretend this is a binary".getBytes(StandardCharsets.UTF_8);

    @TempDir Path dir;
    HttpServer server;
    String base;
    InMemoryCoordinationStore store;
    RepositoryRegistry registry;
    final AtomicBoolean assetsBroken = new AtomicBoolean();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Path root = dir.resolve("www");
        server.createContext("/", ex -> {
            Path f = root.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
            byte[] body = f.startsWith(root) && Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
            if (ex.getRequestURI().getPath().startsWith("/assets/") && assetsBroken.get()) body = "tampered".getBytes();
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            }
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        // a one-package repository in the version-2.x layout, with an index and assets on this server
        Path pkg = Files.createDirectories(root.resolve("repo/packages/H/httpbin/0"));
        Path src = UniverseRepositoryTest.UNIVERSE.resolve("repo/packages/H/httpbin/0");
        for (String f : new String[] {"package.json", "config.json", "marathon.json.mustache"}) Files.copy(src.resolve(f), pkg.resolve(f));
        Files.writeString(pkg.resolve("resource.json"), """
                {"assets": {"uris": {"app-jar": "%s/assets/app.jar"}, "container": {"docker": {"httpbin": "citizenstig/httpbin:latest"}}},
                 "cli": {"binaries": {"linux": {"x86-64": {"kind": "executable", "url": "%s/assets/cli",
                   "contentHash": [{"algo": "sha256", "value": "%s"}]}}}}}
                """.formatted(base, base, Sha256.of(CLI)));
        Files.createDirectories(root.resolve("repo/meta"));
        Files.writeString(root.resolve("repo/meta/index.json"),
                "{\"packages\":[{\"name\":\"httpbin\",\"currentVersion\":\"1.0.0\",\"description\":\"HTTP echo\",\"tags\":[\"http\"],\"versions\":{\"1.0.0\":\"0\"}}]}");
        Files.createDirectories(root.resolve("assets"));
        Files.write(root.resolve("assets/app.jar"), ASSET);
        Files.write(root.resolve("assets/cli"), CLI);
        store = new InMemoryCoordinationStore();
        registry = new RepositoryRegistry(store, new UriFetcher(Duration.ofSeconds(5), Duration.ofSeconds(5)));
        registry.add("web", base + "/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private PackageProcessor processor(FsPackageStorage storage) {
        UniverseInstallSource source = new UniverseInstallSource(registry, registry.fetcher(),
                (c, path) -> "http://controller:7070/api/v1/package-files/" + c.name() + "/" + c.version() + "/" + path);
        return new PackageProcessor(new PackageQueue(store, new TestEventLog(store, java.time.Clock.systemUTC())), storage, source, null,
                new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(4)), StepHook.NONE);
    }

    private void enqueue(boolean withAssets) {
        OperationEntry op = new OperationEntry("op", OperationType.UNIVERSE_INSTALL, new PackageRef("httpbin", "1.0.0", "web"), null,
                withAssets, Instant.EPOCH);
        PackageQueue q = new PackageQueue(store, new TestEventLog(store, java.time.Clock.systemUTC()));
        q.enqueue(op.coordinate(), seen -> new PackageQueue.Admission<>(op, PackageEvent.queued(op, dev.cairn.packages.PackageStateTable.row(4)), null));
    }

    @Test
    void searchAndDescribeOverHttp() {
        UniverseCatalog cat = new UniverseCatalog(registry);
        assertEquals("httpbin", cat.search("echo").get(0).name());
        assertEquals(4, cat.describe("httpbin", java.util.Optional.empty()).files().size());
    }

    @Test
    void installWithAssetsStoresThemAndRewritesResourceJson() throws IOException {
        FsPackageStorage storage = new FsPackageStorage(dir.resolve("storage"));
        enqueue(true);
        Coordinate c = new Coordinate("httpbin", "1.0.0");
        assertEquals(PackageProcessor.Outcome.INSTALLED, processor(storage).processOne(c, Instant.EPOCH));
        assertEquals(Completeness.ALL, PackageFiles.completeness(storage, c));
        try (InputStream in = storage.open(c.storagePrefix().child("assets/uris/app-jar"))) {
            assertEquals(new String(ASSET), new String(in.readAllBytes()));
        }
        assertTrue(storage.exists(c.storagePrefix().child("assets/cli/linux-x86-64-executable")));
        JsonNode resource;
        try (InputStream in = storage.open(c.storagePrefix().child("resource.json"))) {
            resource = Json.tree(in.readAllBytes());
        }
        assertEquals("http://controller:7070/api/v1/package-files/httpbin/1.0.0/assets/uris/app-jar",
                resource.path("assets").path("uris").path("app-jar").asText());
        assertEquals("http://controller:7070/api/v1/package-files/httpbin/1.0.0/assets/cli/linux-x86-64-executable",
                resource.path("cli").path("binaries").path("linux").path("x86-64").path("url").asText());
        assertEquals("citizenstig/httpbin:latest", resource.path("assets").path("container").path("docker").path("httpbin").asText());
    }

    @Test
    void installWithoutAssetsStoresOnlyTheDefinition() {
        FsPackageStorage storage = new FsPackageStorage(dir.resolve("storage"));
        enqueue(false);
        Coordinate c = new Coordinate("httpbin", "1.0.0");
        processor(storage).processOne(c, Instant.EPOCH);
        assertEquals(5, storage.list(c.storagePrefix()).size(), "4 files + marker");
        assertTrue(storage.list(c.storagePrefix().child("assets")).isEmpty());
    }

    @Test
    void assetHashMismatchIsAReattemptWithAClearError() {
        assetsBroken.set(true);
        FsPackageStorage storage = new FsPackageStorage(dir.resolve("storage"));
        enqueue(true);
        Coordinate c = new Coordinate("httpbin", "1.0.0");
        assertEquals(PackageProcessor.Outcome.RETRYING, processor(storage).processOne(c, Instant.EPOCH));
        PackageQueue q = new PackageQueue(store, new TestEventLog(store, java.time.Clock.systemUTC()));
        String error = q.read(c).error().orElseThrow().value().error();
        assertTrue(error.contains("has sha256") && error.contains("but the package expects " + Sha256.of(CLI)), error);
        assertEquals(13, q.read(c).state(PackageFiles.completeness(storage, c)).row());
    }

    @Test
    void missingAssetIsAReattemptWithAClearError() throws IOException {
        Files.delete(dir.resolve("www/assets/app.jar"));
        FsPackageStorage storage = new FsPackageStorage(dir.resolve("storage"));
        enqueue(true);
        Coordinate c = new Coordinate("httpbin", "1.0.0");
        assertEquals(PackageProcessor.Outcome.RETRYING, processor(storage).processOne(c, Instant.EPOCH));
        String error = new PackageQueue(store, new TestEventLog(store, java.time.Clock.systemUTC())).read(c).error().orElseThrow().value().error();
        assertTrue(error.startsWith("asset 'app-jar' of httpbin@1.0.0 could not be fetched:"), error);
    }

    @Test
    void aServerThatNeverAnswersTimesOutInsteadOfHanging() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().read(); // reads the request, never answers
                    Thread.sleep(10_000);
                } catch (IOException | InterruptedException ignored) {
                    // test over
                }
            });
            UriFetcher impatient = new UriFetcher(Duration.ofSeconds(1), Duration.ofSeconds(1));
            CairnException e = assertThrows(CairnException.class,
                    () -> impatient.read(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/repo/meta/index.json")));
            assertEquals(ErrorCode.UNREACHABLE, e.code());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            acceptor.interrupt();
        }
    }

    @Test
    void aClosedPortIsUnreachable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        CairnException e = assertThrows(CairnException.class, () -> registry.add("dead", "http://127.0.0.1:" + port + "/"));
        assertEquals(ErrorCode.UNREACHABLE, e.code());
        assertTrue(e.getMessage().startsWith("cannot fetch 'http://127.0.0.1:" + port + "/repo/meta/index.json'"), e.getMessage());
    }
}
