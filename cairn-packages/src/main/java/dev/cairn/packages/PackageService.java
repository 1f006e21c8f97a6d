package dev.cairn.packages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.PutResult;
import dev.cairn.core.storage.StorageKey;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.packages.archive.ArchiveInstallSource;
import dev.cairn.packages.archive.ArchiveSummary;
import dev.cairn.packages.archive.PackageArchive;
import dev.cairn.packages.universe.PackageDefinition;
import dev.cairn.packages.universe.RepositoryConfig;
import dev.cairn.packages.universe.RepositoryRegistry;
import dev.cairn.packages.universe.UniverseCatalog;
import dev.cairn.packages.universe.UniverseInstallSource;
import dev.cairn.packages.universe.UniversePackage;
import dev.cairn.packages.universe.UriFetcher;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The package subsystem as the controller's HTTP API and the CLI use it: repositories, search and
 * describe, the three queued operations, Show System State, waiting for completion, and the
 * processor (loop) the leader runs. Any controller may call the request methods; only the leader
 * runs {@link #newProcessorLoop}.
 */
public final class PackageService {
    /**
     * @param maxUploadBytes  the size cap of a CLI Install upload
     * @param limits          caps on archive contents (entries, uncompressed bytes)
     * @param retry           how failed operations are retried
     * @param assetBaseUrl    what the stored resource.json of a --with-assets install points at, e.g.
     *                        {@code http://controller:7070}; assets are then served at
     *                        {@code <base>/api/v1/packages/<name>/<version>/files/<path>} with the path's
     *                        slashes encoded as %2F (one URL segment)
     * @param parallelism     how many coordinates the processor loop works on at once
     */
    public record Config(long maxUploadBytes, PackageArchive.Limits limits, RetryPolicy retry, String assetBaseUrl, int parallelism) {
        public static final Config DEFAULT = new Config(2L << 30, PackageArchive.Limits.DEFAULT, RetryPolicy.DEFAULT, "http://127.0.0.1:7070", 16);

        public Config(long maxUploadBytes, PackageArchive.Limits limits, RetryPolicy retry, String assetBaseUrl) {
            this(maxUploadBytes, limits, retry, assetBaseUrl, 16);
        }
    }

    /** A Universe package described: where it comes from and its definition files, parsed. */
    public record Description(String repository, String name, String version, long revision, String packagingVersion,
                              JsonNode packageJson, JsonNode config, JsonNode resource, String marathonTemplate, JsonNode command) {}

    private final PackageQueue queue;
    private final PackageStorage storage;
    private final RepositoryRegistry registry;
    private final UniverseCatalog catalog;
    private final Config config;
    private final Clock clock;
    private volatile java.util.function.Supplier<String> assetBaseUrl;

    /** @param events the event log the queue changes are written with (each change with its events, in one transaction) */
    public PackageService(CoordinationStore store, PackageStorage storage, EventLog events, UriFetcher fetcher,
                          Config config, Clock clock) {
        this.queue = new PackageQueue(store, events);
        this.storage = storage;
        this.registry = new RepositoryRegistry(store, fetcher);
        this.catalog = new UniverseCatalog(registry);
        this.config = config;
        this.clock = clock;
        this.assetBaseUrl = config::assetBaseUrl;
    }

    /**
     * Where --with-assets installs point their stored resource.json, asked at each install instead
     * of {@link Config#assetBaseUrl}: a controller passes its own address once it knows the port it
     * listens on (which {@code --port 0} leaves to the system).
     */
    public void assetBaseUrl(java.util.function.Supplier<String> base) {
        this.assetBaseUrl = java.util.Objects.requireNonNull(base);
    }

    public PackageQueue queue() { return queue; }

    public PackageStorage storage() { return storage; }

    // ---- repositories -------------------------------------------------------------------------

    public RepositoryConfig repoAdd(String name, String uri) {
        registry.add(name, uri);
        return registry.list().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    public List<RepositoryConfig> repoList() { return registry.list(); }

    public void repoRemove(String name) { registry.remove(name); }

    public List<UniverseCatalog.SearchHit> search(String text) { return catalog.search(text); }

    /** {@code NAME} or {@code NAME@VERSION}. */
    public Description describe(String nameAtVersion) {
        String[] nv = splitNameVersion(nameAtVersion);
        PackageDefinition d = catalog.describe(nv[0], Optional.ofNullable(nv[1]));
        UniversePackage s = d.summary();
        return new Description(s.repository(), s.name(), s.version(), s.revision(), s.packagingVersion(),
                json(d, "package.json"), json(d, "config.json"), json(d, "resource.json"),
                d.text("marathon.json.mustache").orElse(null), json(d, "command.json"));
    }

    private static JsonNode json(PackageDefinition d, String file) {
        byte[] b = d.files().get(file);
        return b == null ? null : Json.tree(b);
    }

    // ---- operations ---------------------------------------------------------------------------

    /** Universe Install of {@code NAME[@VERSION]} (newest version when none is given). */
    public OperationTicket install(String nameAtVersion, boolean withAssets) {
        String[] nv = splitNameVersion(nameAtVersion);
        UniversePackage p = catalog.resolve(nv[0], Optional.ofNullable(nv[1]));
        Coordinate c;
        try {
            c = new Coordinate(p.name(), p.version());
        } catch (CairnException e) {
            throw new CairnException(e.code(), "cannot install " + p.name() + "@" + p.version() + " from repository " + p.repository()
                    + ": " + e.getMessage(), e.hint());
        }
        return enqueue(new OperationEntry(newId(), OperationType.UNIVERSE_INSTALL, PackageRef.of(c, p.repository()), null,
                withAssets, clock.instant()));
    }

    /**
     * CLI Install: reads the archive once, extracting and validating it as it arrives — each file
     * is written to the staged upload with its sha256 computed on the way (refusing more than the
     * size cap) — checks the archive's sha256 when the client sent one, writes the upload's manifest
     * and queues the operation. The processor later links the staged files into the package, so the
     * data is written once. On any refusal nothing stays staged.
     */
    public OperationTicket add(InputStream archive, Optional<String> expectedSha256) {
        StorageKey key = StagedUploads.newKey(clock.instant());
        boolean queued = false;
        try {
            InputStream limited = new dev.cairn.core.storage.LimitedInputStream(archive, config.maxUploadBytes(), "package upload");
            java.security.MessageDigest digest = expectedSha256.isPresent() ? dev.cairn.core.storage.Sha256.digest() : null;
            InputStream in = digest == null ? limited : new java.security.DigestInputStream(limited, digest);
            ArchiveSummary summary = PackageArchive.extract(in, config.limits(), null, (path, content) -> {
                PutResult r = storage.put(StagedUploads.fileKey(key, path), readErrorsAreTheUploads(content));
                return new FileEntry(path, r.size(), r.sha256());
            });
            try {
                in.transferTo(java.io.OutputStream.nullOutputStream()); // whatever follows the archive's end
            } catch (java.io.IOException e) {
                throw PackageArchive.corrupt(e);
            }
            if (digest != null) {
                String actual = dev.cairn.core.storage.Sha256.hex(digest);
                if (!expectedSha256.get().equalsIgnoreCase(actual)) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "the upload's sha256 is " + actual + ", not the expected "
                            + expectedSha256.get(), "the file changed or was damaged in transit; upload it again");
                }
            }
            Coordinate c = summary.coordinate();
            StagedUploads.writeManifest(storage, key, new StagedUploads.Manifest(c.name(), c.version(), summary.files()));
            OperationTicket t = enqueue(new OperationEntry(newId(), OperationType.CLI_INSTALL, PackageRef.of(c, null), key.value(), false,
                    clock.instant()));
            queued = true;
            return t;
        } finally {
            if (!queued) StagedUploads.drop(storage, key);
        }
    }

    /**
     * Read errors of the upload (a damaged archive, a client that went away) as the refusal they
     * are, rather than I/O errors that storage would report as its own.
     */
    private static InputStream readErrorsAreTheUploads(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() {
                try {
                    return super.read();
                } catch (java.io.IOException e) {
                    throw PackageArchive.corrupt(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) {
                try {
                    return super.read(b, off, len);
                } catch (java.io.IOException e) {
                    throw PackageArchive.corrupt(e);
                }
            }

            @Override
            public long skip(long n) {
                try {
                    return super.skip(n);
                } catch (java.io.IOException e) {
                    throw PackageArchive.corrupt(e);
                }
            }
        };
    }

    /** Uninstall of {@code NAME@VERSION}; of a failing install, it aborts it. */
    public OperationTicket uninstall(String coordinate) {
        Coordinate c = Coordinate.parse(coordinate);
        return enqueue(new OperationEntry(newId(), OperationType.UNINSTALL, PackageRef.of(c, null), null, false, clock.instant()));
    }

    private OperationTicket enqueue(OperationEntry request) {
        Coordinate c = request.coordinate();
        return queue.enqueue(c, seen -> {
            Completeness storageNow = PackageFiles.completeness(storage, c);
            OperationEntry entry = switch (EnqueuePlanner.decide(request, seen, storageNow)) {
                case EnqueuePlanner.Decision.Refuse r -> throw r.error();
                case EnqueuePlanner.Decision.Queue q -> q.entry();
            };
            PackageState now = PackageStateTable.state(Optional.of(request.operation()), seen.hasError(), storageNow);
            return new PackageQueue.Admission<>(entry, PackageEvent.queued(request, now),
                    new OperationTicket(request.id(), request.operation(), c.name(), c.version(), now.row(), now.text()));
        });
    }

    // ---- Show System State --------------------------------------------------------------------

    public StateListing state() {
        TreeSet<Coordinate> all = queue.allCoordinates();
        all.addAll(PackageFiles.coordinatesInStorage(storage));
        List<PackageStatus> out = new ArrayList<>();
        for (Coordinate c : all) {
            PackageStatus s = status(c);
            if (s.group() != StateGroup.NOT_INSTALLED) out.add(s);
        }
        return new StateListing(out);
    }

    public PackageStatus status(Coordinate c) {
        QueueSnapshot s = queue.read(c);
        Completeness storageNow = PackageFiles.completeness(storage, c);
        PackageState st = s.state(storageNow);
        return new PackageStatus(c.name(), c.version(), st.row(), st.text(), s.view().operationType().orElse(null),
                s.error().map(e -> e.value().error()).orElse(null), storageNow);
    }

    /** Blocks until the operation leaves the queue (or {@code timeout} passes). */
    public Completion await(OperationTicket ticket, Duration timeout) throws InterruptedException {
        return await(ticket.coordinate(), ticket.id(), timeout);
    }

    /**
     * Blocks until operation {@code operationId} of {@code c} leaves the queue (or {@code timeout}
     * passes). A store watch on the coordinate's operation entry wakes it when the entry changes;
     * the queue is read again then, and once more when the time is up.
     */
    public Completion await(Coordinate c, String operationId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore changed = new Semaphore(0);
        AutoCloseable watch = queue.watchOperation(c, changed::release);
        try {
            while (true) {
                changed.drainPermits();
                QueueView s = queue.read(c).view();
                Optional<OperationEntry> op = s.operation();
                if (op.isEmpty() || !op.get().id().equals(operationId)) {
                    Optional<ErrorEntry> err = s.error().filter(e -> e.operationId().equals(operationId));
                    if (err.isPresent()) return new Completion(Completion.Status.FAILED, err.get().error(), status(c));
                    if (op.isPresent()) {
                        return new Completion(Completion.Status.FAILED, "superseded by " + op.get().operation().label() + " of " + c, status(c));
                    }
                    return new Completion(Completion.Status.SUCCEEDED, null, status(c));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) return new Completion(Completion.Status.PENDING, s.error().map(ErrorEntry::error).orElse(null), status(c));
                changed.tryAcquire(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            try {
                watch.close();
            } catch (Exception e) {
                // the watch is gone with the connection: nothing to release
            }
        }
    }

    // ---- files, processing, maintenance -------------------------------------------------------

    /** Streams a stored file of an installed package (e.g. a --with-assets asset). */
    public InputStream openFile(String name, String version, String path) {
        Coordinate c = new Coordinate(name, version);
        PackageFiles.requireFilePath(path);
        if (PackageFiles.completeness(storage, c) != Completeness.ALL) {
            throw new CairnException(ErrorCode.NOT_FOUND, c + " is not installed", "see 'cairn package state'");
        }
        return storage.open(c.storagePrefix().child(path));
    }

    public PackageProcessor newProcessor(StepHook hook) {
        java.util.function.Supplier<String> base = assetBaseUrl;
        UniverseInstallSource universe = new UniverseInstallSource(registry, registry.fetcher(),
                (c, path) -> base.get().replaceAll("/+$", "") + "/api/v1/packages/" + c.name() + "/" + c.version() + "/files/"
                        + path.replace("/", "%2F"));
        return new PackageProcessor(queue, storage, universe, new ArchiveInstallSource(storage, config.limits()),
                config.retry(), hook);
    }

    /** The loop the leader starts on acquiring leadership and stops on losing it. */
    public PackageProcessorLoop newProcessorLoop(Duration pollInterval, Duration maintenanceInterval) {
        return new PackageProcessorLoop(newProcessor(StepHook.NONE), queue, storage, clock, pollInterval, maintenanceInterval,
                config.parallelism());
    }

    public List<StorageKey> collectStagedUploads(Instant now) {
        return StagedUploads.collect(storage, queue, now, StagedUploads.DEFAULT_GRACE);
    }

    private static String newId() { return UUID.randomUUID().toString(); }

    private static String[] splitNameVersion(String s) {
        if (s == null || s.isBlank()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "a package name is required", "e.g. 'cairn package install httpbin'");
        }
        int at = s.indexOf('@');
        if (at == 0 || at == s.length() - 1) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "'" + s + "' is not NAME or NAME@VERSION", "e.g. httpbin@1.0.0");
        }
        return at < 0 ? new String[] {s, null} : new String[] {s.substring(0, at), s.substring(at + 1)};
    }

}
