import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.packages.Completion;
import dev.cairn.packages.OperationTicket;
import dev.cairn.packages.PackageProcessorLoop;
import dev.cairn.packages.PackageService;
import dev.cairn.packages.RetryPolicy;
import dev.cairn.packages.archive.PackageArchive;
import dev.cairn.packages.universe.UriFetcher;
import dev.cairn.storage.FsPackageStorage;
import dev.cairn.storezk.EmbeddedZooKeeper;
import dev.cairn.storezk.ZkCoordinationStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Package benchmark (issue 3). Run with bench/packages/run.sh. Part 1: CLI Install of a large
 * package into filesystem storage (stream to a staged upload, validate, queue, process until
 * installed), against `cp` of the same archive in the same run, and the JVM's peak heap. Part 2:
 * N small CLI Installs queued at once on the embedded ZooKeeper, then processed: operations/second.
 * Never fails on a timing; prints what it measured.
 */
public class PackagesBench {
    static final int PARALLELISM = Integer.parseInt(System.getenv().getOrDefault("BENCH_PARALLELISM",
            Integer.toString(PackageService.Config.DEFAULT.parallelism())));
    public static void main(String[] args) throws Exception {
        long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int small = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Path work = Path.of(args.length > 2 ? args[2] : "/tmp/cairn-bench-packages");
        deleteTree(work);
        Files.createDirectories(work);
        System.out.printf("cairn package bench: %d MiB package, %d small installs, work dir %s, %d cpus, java %s, -Xmx %d MiB%n",
                sizeMiB, small, work, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);

        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(work.resolve("zk"), 0);
             ZkCoordinationStore store = ZkCoordinationStore.connect(zk.connectString())) {
            if (sizeMiB > 0) largeInstall(work, sizeMiB, store);
            if (small > 0) smallInstalls(work, small, COUNT ? counting(CoordinationStore.class, store) : store);
        }
        deleteTree(work);
    }

    static void largeInstall(Path work, long sizeMiB, CoordinationStore store) throws Exception {
        long tb = System.nanoTime();
        Path archive = largeArchive(work, "big", sizeMiB);
        System.out.printf("built %s (gzip level 1): %d bytes in %.1f s (not part of the measurement)%n", archive.getFileName(),
                Files.size(archive), (System.nanoTime() - tb) / 1e9);

        int prime = Integer.parseInt(System.getenv().getOrDefault("BENCH_PRIME_MIB", "0"));
        if (prime > 0) {
            // diagnosis: one untimed install of a PRIME MiB package first, so the timed ones run through warm code
            Path parchive = largeArchive(work, "prime", prime);
            StoreEventLog events = new StoreEventLog(store, Clock.systemUTC());
            PackageService ps = new PackageService(store, new FsPackageStorage(work.resolve("storage-prime")), events,
                    UriFetcher.DEFAULT, PackageService.Config.DEFAULT, Clock.systemUTC());
            try (events; PackageProcessorLoop loop = ps.newProcessorLoop(Duration.ofMillis(200), Duration.ofHours(1));
                 InputStream in = Files.newInputStream(parchive)) {
                loop.start();
                OperationTicket t = ps.add(in, Optional.empty());
                loop.wake();
                System.out.printf("primed with a %d MiB install (untimed): %s%n", prime, ps.await(t, Duration.ofHours(1)).status());
            }
            deleteTree(work.resolve("storage-prime"));
            Files.delete(parchive);
        }
        int repeats = Integer.parseInt(System.getenv().getOrDefault("BENCH_REPEATS", "3"));
        List<Double> ratios = new ArrayList<>();
        for (int r = 1; r <= repeats; r++) {
            Path dir = work.resolve("storage-" + r);
            settle();
            double cp1 = cp(archive, work.resolve("cp-copy"));
            settle();
            PackageStorage storage = new FsPackageStorage(dir);
            StoreEventLog events = new StoreEventLog(store, Clock.systemUTC());
            PackageService service = new PackageService(store, storage, events, UriFetcher.DEFAULT,
                    new PackageService.Config(4L << 30, PackageArchive.Limits.DEFAULT, RetryPolicy.DEFAULT, "http://127.0.0.1:7070"),
                    Clock.systemUTC());
            try (events; PackageProcessorLoop loop = service.newProcessorLoop(Duration.ofMillis(200), Duration.ofHours(1))) {
                loop.start();
                System.gc();
                long base = heapUsed();
                resetPeaks();
                long t0 = System.nanoTime();
                OperationTicket t;
                try (InputStream in = Files.newInputStream(archive)) {
                    t = service.add(in, Optional.empty());
                }
                loop.wake(); // what the HTTP API does after queueing
                long t1 = System.nanoTime();
                Completion c = service.await(t, Duration.ofHours(1));
                long t2 = System.nanoTime();
                long peak = heapPeak();
                double install = (t2 - t0) / 1e9;
                // every timed step starts right after the previous one's 1 GiB was deleted: on a thin-provisioned
                // disk, writing into freed blocks and into never-used ones differ by up to 2x
                loop.close();
                deleteTree(dir);
                settle();
                double cp2 = cp(archive, work.resolve("cp-copy"));
                double cpMean = (cp1 + cp2) / 2;
                ratios.add(install / cpMean);
                System.out.printf("run %d: CLI install: %s (row %d) in %.2f s (upload+validate+queue %.2f s, processing %.2f s)%n",
                        r, c.status(), c.state().row(), install, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
                System.out.printf("run %d: cp of the same archive: %.2f s before, %.2f s after; ratio install/cp = %.2f%n",
                        r, cp1, cp2, install / cpMean);
                System.out.printf("run %d: heap: %d MiB used before, peak %d MiB during the install (growth %d MiB)%n",
                        r, base >> 20, peak >> 20, Math.max(0, peak - base) >> 20);
            }
        }
        List<Double> sorted = ratios.stream().sorted().toList();
        System.out.printf("ratio install/cp over %d runs: median %.2f (min %.2f, max %.2f)%n", ratios.size(),
                sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
        Files.deleteIfExists(archive);
    }

    static void smallInstalls(Path work, int n, CoordinationStore store) throws Exception {
        PackageStorage storage = new FsPackageStorage(work.resolve("storage-small"));
        if (COUNT) storage = counting(PackageStorage.class, storage);
        PackageService.Config d = PackageService.Config.DEFAULT;
        StoreEventLog events = new StoreEventLog(store, Clock.systemUTC());
        PackageService service = new PackageService(store, storage, events, UriFetcher.DEFAULT,
                new PackageService.Config(d.maxUploadBytes(), d.limits(), d.retry(), d.assetBaseUrl(), PARALLELISM), Clock.systemUTC());
        PackageProcessorLoop loop = service.newProcessorLoop(Duration.ofMillis(200), Duration.ofHours(1));
        loop.start();
        // A controller runs for days: its code is compiled long before a burst of requests. The
        // warm-up round installs WARMUP other packages the same way first (BENCH_WARMUP=0: a cold JVM).
        int warmup = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP", "2000"));
        if (warmup > 0) {
            double s = smallRound(service, loop, "w", warmup);
            System.out.printf("warm-up: %d other small installs the same way in %.2f s (%.0f ops/s, not the measurement)%n",
                    warmup, s, warmup / s);
        }
        CALLS.clear();
        double s = smallRound(service, loop, "p", n);
        if (COUNT) {
            System.out.println("  calls per install in the measured round (BENCH_COUNT=1):");
            CALLS.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(e -> System.out.printf("    %-40s %6.2f%n", e.getKey(), e.getValue().sum() / (double) n));
        }
        loop.close();
        events.close();
        long installed = service.state().packages().stream()
                .filter(st -> st.group() == dev.cairn.packages.StateGroup.INSTALLED && st.name().startsWith("p")).count();
        System.out.printf("parallelism %d, %s: %d small CLI installs submitted at once, the processor loop running: "
                        + "all installed after %.2f s: end to end %.0f ops/s; %d installed%n",
                PARALLELISM, warmup > 0 ? "after " + warmup + " warm-up installs" : "cold JVM", n, s, n / s, installed);
    }

    static final boolean COUNT = "1".equals(System.getenv("BENCH_COUNT"));
    static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> CALLS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Counts the calls made through an interface (BENCH_COUNT=1: where the time of a small install goes). */
    @SuppressWarnings("unchecked")
    static <T> T counting(Class<T> type, T target) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, a) -> {
            String key = type.getSimpleName() + "." + m.getName();
            if (m.getName().equals("transact") && a != null && a[0] instanceof List<?> ops) {
                CALLS.computeIfAbsent(key + " ops", k -> new java.util.concurrent.atomic.LongAdder()).add(ops.size());
            }
            CALLS.computeIfAbsent(key, k -> new java.util.concurrent.atomic.LongAdder()).increment();
            try {
                return m.invoke(target, a);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** Submits n small installs at once (each request on its own virtual thread) and waits until the queue is empty. */
    static double smallRound(PackageService service, PackageProcessorLoop loop, String prefix, int n) throws Exception {
        List<byte[]> archives = new ArrayList<>();
        for (int i = 0; i < n; i++) archives.add(smallArchive(prefix + i));
        System.out.printf("  %s round: submitting %d installs%n", prefix, n);
        System.out.flush();
        long t0 = System.nanoTime();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<OperationTicket>> fs = new ArrayList<>();
            for (byte[] a : archives) {
                fs.add(pool.submit(() -> {
                    OperationTicket t = service.add(new ByteArrayInputStream(a), Optional.empty());
                    loop.wake(); // what the HTTP API does after queueing
                    return t;
                }));
            }
            for (var f : fs) f.get();
        }
        long t1 = System.nanoTime();
        // the leader's loop works the queue as it fills, as in a running controller
        while (!service.queue().operationCoordinates().isEmpty()) Thread.sleep(5);
        long t2 = System.nanoTime();
        System.out.printf("  %s round: all %d queued after %.2f s (%.0f/s), queue empty after %.2f s%n", prefix, n, (t1 - t0) / 1e9,
                n / ((t1 - t0) / 1e9), (t2 - t0) / 1e9);
        return (t2 - t0) / 1e9;
    }

    /** NAME-1.0.0.tar.gz in {@code work}: a package.yaml and sizeMiB of incompressible data. */
    static Path largeArchive(Path work, String name, long sizeMiB) throws Exception {
        Path src = Files.createDirectories(work.resolve(name));
        Files.writeString(src.resolve("package.yaml"), "name: " + name + "\nversion: 1.0.0\ndescription: a large package for the benchmark\n");
        writeIncompressible(src.resolve("data.bin"), sizeMiB << 20);
        Path archive = work.resolve(name + "-1.0.0.tar.gz");
        fastTarGz(src, archive);
        deleteTree(src);
        return archive;
    }

    /** What PackageBuilder makes, at gzip level 1 so that preparing 1 GiB does not take minutes. */
    static void fastTarGz(Path dir, Path out) throws Exception {
        var params = new org.apache.commons.compress.compressors.gzip.GzipParameters();
        params.setCompressionLevel(1);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 16), params))) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (String f : new String[] {"package.yaml", "data.bin"}) {
                TarArchiveEntry e = new TarArchiveEntry(dir.resolve(f).toFile(), f);
                tar.putArchiveEntry(e);
                Files.copy(dir.resolve(f), tar);
                tar.closeArchiveEntry();
            }
        }
    }

    static byte[] smallArchive(String name) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (String[] f : new String[][] {{"package.yaml", "name: " + name + "\nversion: 1.0.0\ndescription: small\n"},
                    {"bin/run.sh", "#!/bin/sh\necho " + name + "\n"}}) {
                byte[] d = f[1].getBytes();
                TarArchiveEntry e = new TarArchiveEntry(f[0]);
                e.setSize(d.length);
                tar.putArchiveEntry(e);
                tar.write(d);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * The same start for every timed step: earlier writes on disk ({@code sync}), then a pause
     * (BENCH_SETTLE_S seconds, default 5) — on the benchmark machine a large write right after
     * another one was up to 6x slower, whichever came second.
     */
    static void settle() throws Exception {
        new ProcessBuilder("sync").start().waitFor();
        Thread.sleep(1000L * Integer.parseInt(System.getenv().getOrDefault("BENCH_SETTLE_S", "5")));
    }

    static double cp(Path from, Path to) throws Exception {
        Files.deleteIfExists(to);
        long t0 = System.nanoTime();
        int rc = new ProcessBuilder("cp", from.toString(), to.toString()).inheritIO().start().waitFor();
        new ProcessBuilder("sync").start().waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) throw new IllegalStateException("cp failed");
        Files.delete(to);
        return s;
    }

    static void writeIncompressible(Path p, long bytes) throws Exception {
        SplittableRandom r = new SplittableRandom(42);
        byte[] buf = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(p)) {
            for (long left = bytes; left > 0; left -= buf.length) {
                for (int i = 0; i < buf.length; i += 8) {
                    long v = r.nextLong();
                    for (int k = 0; k < 8; k++) buf[i + k] = (byte) (v >>> (8 * k));
                }
                o.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
    }

    static long heapUsed() {
        long s = 0;
        for (MemoryPoolMXBean m : ManagementFactory.getMemoryPoolMXBeans()) if (m.getType() == MemoryType.HEAP) s += m.getUsage().getUsed();
        return s;
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean m : ManagementFactory.getMemoryPoolMXBeans()) m.resetPeakUsage();
    }

    static long heapPeak() {
        long s = 0;
        for (MemoryPoolMXBean m : ManagementFactory.getMemoryPoolMXBeans()) if (m.getType() == MemoryType.HEAP) s += m.getPeakUsage().getUsed();
        return s;
    }

    static void deleteTree(Path d) throws Exception {
        if (!Files.exists(d)) return;
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
