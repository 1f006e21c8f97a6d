import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.storeetcd.EtcdCoordinationStore;
import dev.cairn.storezk.EmbeddedZooKeeper;
import dev.cairn.storezk.ZkCoordinationStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/**
 * Store benchmark (issue 15): the same work on both backends in one run, each through its Cairn
 * adapter and through its own client directly —
 *   1. versioned 3-operation transactions per second (three entries, each set at the version the
 *      previous transaction left; 1 thread, then 4 threads on their own triples),
 *   2. watch notification latency p50/p99 (a write, then the time until a watch of its parent
 *      reports it; one write at a time).
 * etcd is Debian's etcd (one member, a child process on loopback, data under the work dir);
 * ZooKeeper the embedded server of `cairn up` (standalone, data under the work dir). Prints what
 * it measured with the load average; never fails on a timing.
 */
public class StoreBench {
    static final byte[] PAYLOAD = new byte[200];

    public static void main(String[] args) throws Exception {
        int txns = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int watches = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Path work = Path.of(args.length > 2 ? args[2] : "/tmp/cairn-bench-store");
        deleteTree(work);
        Files.createDirectories(work);
        System.out.printf("cairn store bench: %d transactions, %d watch notifications per case, %d cpus, java %s, load average %s%n",
                txns, watches, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());

        Process etcd = null;
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(work.resolve("zk"), 0)) {
            etcd = startEtcd(work.resolve("etcd"));
            String endpoint = etcdEndpoint;
            System.out.println("etcd " + etcdVersion() + " at " + endpoint + "; ZooKeeper at " + zk.connectString());

            try (EtcdCoordinationStore store = EtcdCoordinationStore.connect(endpoint);
                 Client client = Client.builder().endpoints(endpoint).build()) {
                report("etcd", "adapter", txRate(store, "e-adapter", txns), watchLatency(store, "e-adapter", watches));
                report("etcd", "jetcd", jetcdTxRate(client.getKVClient(), txns), jetcdWatchLatency(client, watches));
            }
            try (ZkCoordinationStore store = ZkCoordinationStore.connect(zk.connectString());
                 CuratorFramework curator = CuratorFrameworkFactory.builder().connectString(zk.connectString()).namespace("raw")
                         .retryPolicy(new ExponentialBackoffRetry(100, 3)).build()) {
                curator.start();
                curator.blockUntilConnected(10, TimeUnit.SECONDS);
                report("zookeeper", "adapter", txRate(store, "z-adapter", txns), watchLatency(store, "z-adapter", watches));
                report("zookeeper", "curator", curatorTxRate(curator, txns), curatorWatchLatency(curator, watches));
            }
        } finally {
            if (etcd != null) {
                etcd.descendants().forEach(ProcessHandle::destroyForcibly);
                etcd.destroyForcibly();
                etcd.waitFor(30, TimeUnit.SECONDS);
            }
        }
        System.out.println("load average after: " + loadAverage());
    }

    record Rates(double oneThread, double fourThreads) {}

    record Latency(double p50ms, double p99ms) {}

    static void report(String backend, String via, Rates tx, Latency w) {
        System.out.printf("%-9s %-8s 3-op versioned txns/s: 1 thread %7.0f, 4 threads %7.0f   watch latency ms: p50 %6.2f  p99 %6.2f%n",
                backend, via, tx.oneThread(), tx.fourThreads(), w.p50ms(), w.p99ms());
    }

    // ------------------------------------------------------------------ through the adapters

    interface Work {
        void run(int thread, int count) throws Exception;
    }

    static Rates rates(int count, Work setup, Work work) throws Exception {
        for (int t = 0; t < 4; t++) setup.run(t, 0);
        work.run(0, Math.min(500, count)); // warm-up: JIT, connections
        double one = timed(count, () -> work.run(0, count));
        double four = timed(count, () -> {
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    fs.add(pool.submit(() -> { work.run(thread, count / 4); return null; }));
                }
                for (Future<?> f : fs) f.get();
            }
        });
        return new Rates(one, four);
    }

    interface Timed {
        void run() throws Exception;
    }

    static double timed(int ops, Timed body) throws Exception {
        long t0 = System.nanoTime();
        body.run();
        return ops / ((System.nanoTime() - t0) / 1e9);
    }

    static Rates txRate(CoordinationStore store, String name, int count) throws Exception {
        long[][] versions = new long[4][3];
        return rates(count, (t, n) -> {
            for (int k = 0; k < 3; k++) versions[t][k] = store.put(StorePath.of("bench", name, "t" + t, "k" + k), PAYLOAD);
        }, (t, n) -> {
            for (int i = 0; i < n; i++) {
                List<StoreOp> ops = new ArrayList<>();
                for (int k = 0; k < 3; k++) ops.add(StoreOp.set(StorePath.of("bench", name, "t" + t, "k" + k), PAYLOAD, versions[t][k]));
                TxResult r = store.transact(ops);
                if (!(r instanceof TxResult.Committed c)) throw new IllegalStateException("conflict: " + r);
                for (int k = 0; k < 3; k++) versions[t][k] = c.versions().get(k);
            }
        });
    }

    static Latency watchLatency(CoordinationStore store, String name, int count) throws Exception {
        StorePath dir = StorePath.of("bench", name, "watched");
        store.put(dir.child("x"), stamp());
        BlockingQueue<Long> arrivals = new ArrayBlockingQueue<>(16);
        try (AutoCloseable w = store.watch(dir, e -> {
            if (e.data() != null && e.data().length == 8) arrivals.offer(System.nanoTime() - ByteBuffer.wrap(e.data()).getLong());
        })) {
            arrivals.poll(10, TimeUnit.SECONDS); // the initial CREATED
            return latencies(count, () -> store.put(dir.child("x"), stamp()), arrivals);
        }
    }

    // ------------------------------------------------------------------ the native clients, the same work

    static Rates jetcdTxRate(KV kv, int count) throws Exception {
        long[][] versions = new long[4][3]; // etcd versions
        return rates(count, (t, n) -> {
            for (int k = 0; k < 3; k++) {
                ByteSequence key = bs("/raw/t" + t + "/k" + k);
                kv.put(key, ByteSequence.from(PAYLOAD)).get();
                versions[t][k] = kv.get(key).get().getKvs().get(0).getVersion();
            }
        }, (t, n) -> {
            for (int i = 0; i < n; i++) {
                Cmp[] cmps = new Cmp[3];
                Op[] puts = new Op[3];
                for (int k = 0; k < 3; k++) {
                    ByteSequence key = bs("/raw/t" + t + "/k" + k);
                    cmps[k] = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(versions[t][k]));
                    puts[k] = Op.put(key, ByteSequence.from(PAYLOAD), PutOption.DEFAULT);
                }
                if (!kv.txn().If(cmps).Then(puts).commit().get().isSucceeded()) throw new IllegalStateException("conflict");
                for (int k = 0; k < 3; k++) versions[t][k]++;
            }
        });
    }

    static Latency jetcdWatchLatency(Client client, int count) throws Exception {
        ByteSequence key = bs("/raw/watched/x");
        client.getKVClient().put(key, ByteSequence.from(stamp())).get();
        BlockingQueue<Long> arrivals = new ArrayBlockingQueue<>(16);
        try (var w = client.getWatchClient().watch(bs("/raw/watched/"), WatchOption.builder().isPrefix(true).build(), r -> r.getEvents().forEach(e -> {
            byte[] v = e.getKeyValue().getValue().getBytes();
            if (v.length == 8) arrivals.offer(System.nanoTime() - ByteBuffer.wrap(v).getLong());
        }))) {
            return latencies(count, () -> client.getKVClient().put(key, ByteSequence.from(stamp())).get(), arrivals);
        }
    }

    static Rates curatorTxRate(CuratorFramework c, int count) throws Exception {
        int[][] versions = new int[4][3];
        return rates(count, (t, n) -> {
            for (int k = 0; k < 3; k++) {
                String p = "/t" + t + "/k" + k;
                if (c.checkExists().forPath(p) == null) c.create().creatingParentsIfNeeded().forPath(p, PAYLOAD);
                versions[t][k] = c.checkExists().forPath(p).getVersion();
            }
        }, (t, n) -> {
            for (int i = 0; i < n; i++) {
                List<CuratorOp> ops = new ArrayList<>();
                for (int k = 0; k < 3; k++) ops.add(c.transactionOp().setData().withVersion(versions[t][k]).forPath("/t" + t + "/k" + k, PAYLOAD));
                c.transaction().forOperations(ops);
                for (int k = 0; k < 3; k++) versions[t][k]++;
            }
        });
    }

    static Latency curatorWatchLatency(CuratorFramework c, int count) throws Exception {
        String path = "/watched/x";
        if (c.checkExists().forPath(path) == null) c.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, stamp());
        BlockingQueue<Long> arrivals = new ArrayBlockingQueue<>(16);
        // a persistent recursive watch: the notification itself, as the adapter's cache gets it (no data is read)
        byte[][] sent = new byte[1][];
        Watcher watcher = event -> {
            if (event.getType() == Watcher.Event.EventType.NodeDataChanged && sent[0] != null) {
                arrivals.offer(System.nanoTime() - ByteBuffer.wrap(sent[0]).getLong());
            }
        };
        // the watch ends with the client
        c.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(watcher).forPath("/watched");
        return latencies(count, () -> {
            byte[] s = stamp();
            sent[0] = s;
            c.setData().forPath(path, s);
        }, arrivals);
    }

    // ------------------------------------------------------------------ helpers

    static Latency latencies(int count, Timed write, BlockingQueue<Long> arrivals) throws Exception {
        for (int i = 0; i < Math.min(200, count); i++) { // warm-up
            write.run();
            arrivals.poll(10, TimeUnit.SECONDS);
        }
        long[] ns = new long[count];
        for (int i = 0; i < count; i++) {
            write.run();
            Long got = arrivals.poll(10, TimeUnit.SECONDS);
            if (got == null) throw new IllegalStateException("no notification within 10 s");
            ns[i] = got;
        }
        Arrays.sort(ns);
        return new Latency(ns[count / 2] / 1e6, ns[(int) Math.min(count - 1, Math.ceil(count * 0.99) - 1)] / 1e6);
    }

    static byte[] stamp() {
        return ByteBuffer.allocate(8).putLong(System.nanoTime()).array();
    }

    static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String etcdEndpoint;

    static Process startEtcd(Path dir) throws Exception {
        Files.createDirectories(dir);
        int client, peer;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            client = a.getLocalPort();
            peer = b.getLocalPort();
        }
        etcdEndpoint = "http://127.0.0.1:" + client;
        Process p = new ProcessBuilder("etcd", "--name", "bench", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", etcdEndpoint, "--advertise-client-urls", etcdEndpoint,
                "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "bench=http://127.0.0.1:" + peer, "--logger", "zap", "--log-outputs", "stderr")
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create(etcdEndpoint + "/health")).build(), HttpResponse.BodyHandlers.ofString())
                            .body().contains("\"health\":\"true\"")) return p;
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (!p.isAlive() || System.nanoTime() > deadline) throw new IllegalStateException("etcd did not start; see " + dir.resolve("etcd.log"));
                Thread.sleep(100); // polling a child process's start-up in a benchmark main
            }
        }
    }

    static String etcdVersion() throws Exception {
        Process p = new ProcessBuilder("etcd", "--version").redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
        p.waitFor();
        return first.replace("etcd Version: ", "");
    }

    static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
