import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.controller.events.EventOptions;

import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.core.api.ApiClient;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.StorePath;
import dev.cairn.storezk.EmbeddedZooKeeper;
import dev.cairn.storezk.ZkCoordinationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Event log benchmark (issue 7). Run with bench/events/run.sh. On the embedded ZooKeeper (one
 * server, data on local disk): events appended per second, one per transaction, 100 per
 * transaction, and from 4 threads, each against raw sequential creates of the same size measured
 * in the same run; then query latency (p50/p99) with the log full, against the bare listing of
 * /events every query starts with. Never fails on a timing; prints what it measured.
 */
public class EventsBench {
    static final byte[] PAYLOAD = new byte[180]; // about the size of a stored event

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path work = Path.of(args.length > 1 ? args[1] : "/tmp/cairn-bench-events");
        deleteTree(work);
        Files.createDirectories(work);
        System.out.printf("cairn events bench: %d events, work dir %s, %d cpus, java %s, load average %.2f%n", n, work,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(work.resolve("zk"), 0);
             ZkCoordinationStore store = ZkCoordinationStore.connect(zk.connectString());
             StoreEventLog log = new StoreEventLog(store, Clock.systemUTC())) {
            int singles = Math.min(n, 2000);
            // warm-up: JIT and the ZooKeeper session, not measured
            for (int i = 0; i < 300; i++) store.createSequential(StorePath.of("warm"), "w-", PAYLOAD);
            for (int i = 0; i < 300; i++) log.append(draft(i));
            store.delete(StorePath.of("warm"), -1);

            double raw = rate(singles, () -> {
                for (int i = 0; i < singles; i++) store.createSequential(StorePath.of("raw"), "r-", PAYLOAD);
            });
            double one = rate(singles, () -> {
                for (int i = 0; i < singles; i++) log.append(draft(i));
            });
            System.out.printf("append, 1 event per transaction:   %8.0f events/s   (raw createSequential %8.0f/s; ratio %.2f)%n", one, raw, one / raw);

            double rawMulti = rate(n, () -> {
                for (int b = 0; b < n / 100; b++) {
                    List<dev.cairn.core.store.StoreOp> ops = new ArrayList<>();
                    for (int i = 0; i < 100; i++) ops.add(new dev.cairn.core.store.StoreOp.CreateSequential(StorePath.of("raw2"), "r-", PAYLOAD));
                    store.transact(ops);
                }
            });
            double batched = rate(n, () -> {
                for (int b = 0; b < n / 100; b++) {
                    List<EventDraft> drafts = new ArrayList<>();
                    for (int i = 0; i < 100; i++) drafts.add(draft(b * 100 + i));
                    log.appendAll(drafts);
                }
            });
            System.out.printf("append, 100 events per transaction: %8.0f events/s   (raw 100-create multi %8.0f/s; ratio %.2f)%n", batched, rawMulti, batched / rawMulti);

            double concurrent = rate(singles, () -> {
                try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                    List<Future<?>> fs = new ArrayList<>();
                    for (int t = 0; t < 4; t++) fs.add(pool.submit(() -> {
                        for (int i = 0; i < singles / 4; i++) log.append(draft(i));
                    }));
                    for (Future<?> f : fs) f.get();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            System.out.printf("append, 4 threads, 1 per transaction: %6.0f events/s   (ratio to 1 thread %.2f)%n", concurrent, concurrent / one);

            long head = log.headSeq();
            int live = store.children(StorePath.of("events")).size();
            System.out.printf("log now holds %d events (head seq %d)%n", live, head);
            int reps = 200;
            double[] listing = latencies(reps, () -> store.children(StorePath.of("events")));
            report("reference: list /events", listing, null);
            report("latest 100, warm cache", latencies(reps, () -> log.latest(EventFilter.ALL, 100)), listing);
            report("after head-100, warm", latencies(reps, () -> log.after(EventFilter.ALL, head - 100, 100)), listing);
            report("type filter scanning all", latencies(50, () -> log.after(EventFilter.type("bench.none"), 0, 100)), listing);

            try (ZkCoordinationStore other = ZkCoordinationStore.connect(zk.connectString());
                 StoreEventLog cold = new StoreEventLog(other, Clock.systemUTC())) {
                long t0 = System.nanoTime();
                cold.latest(EventFilter.ALL, 100);
                double coldLatest = (System.nanoTime() - t0) / 1e6;
                t0 = System.nanoTime();
                cold.after(EventFilter.type("bench.none"), 0, 100);
                double coldScan = (System.nanoTime() - t0) / 1e6;
                System.out.printf("cold cache (new controller): latest 100 %.1f ms; first full scan of %d events %.0f ms%n", coldLatest, live, coldScan);
            }

            Controller c = new Controller(ControllerConfig.defaults("bench", 0), store, Clock.systemUTC());

            c.start();
            try {
                ApiClient api = new ApiClient(c.url());
                for (int i = 0; i < 50; i++) api.get("/api/v1/events?limit=100");
                double[] health = latencies(reps, () -> api.get("/healthz"));
                report("reference: HTTP GET /healthz", health, null);
                System.out.println("(HTTP ratios below are to GET /healthz)");
                report("HTTP GET /api/v1/events?limit=100", latencies(reps, () -> api.get("/api/v1/events?limit=100")), health);
                report("HTTP GET ?type=bench&since=head-100", latencies(reps, () -> api.get("/api/v1/events?type=bench&since=" + (head - 100))), health);
            } finally {
                c.close();
            }
        }
        deleteTree(work);
    }

    static EventDraft draft(int i) {
        return EventDraft.of("bench.append", "subject-" + (i % 100), "benchmark event " + i).with("i", i);
    }

    static double rate(int count, Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    static double[] latencies(int reps, Supplier<?> s) {
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            s.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    static void report(String what, double[] sorted, double[] reference) {
        double p50 = sorted[sorted.length / 2];
        double p99 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)];
        String ratio = reference == null ? "" : String.format("   (p50 ratio to reference %.1f)", p50 / reference[reference.length / 2]);
        System.out.printf("query %-40s p50 %7.2f ms  p99 %7.2f ms%s%n", what, p50, p99, ratio);
    }

    static void deleteTree(Path p) throws Exception {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
