package dev.cairn.storeetcd;

import static dev.cairn.storeetcd.EtcdKeys.bytes;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.store.ConnectionState;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.LeaderElection;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.core.store.Versioned;
import dev.cairn.core.time.ExecutorScheduler;
import dev.cairn.core.time.Scheduler;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The coordination store on etcd v3 through jetcd.
 *
 * <p>Keys: see {@link EtcdKeys}. Versions: an entry's version is its etcd {@code version} minus one,
 * so a create gives 0 and every write adds 1, as ZooKeeper's data version does; a delete and
 * re-create starts again at 0. Transactions are one etcd Txn: the version checks are its compares,
 * missing parents are created by nested transactions (put only if absent), a CreateSequential
 * reads and advances its parent's counter key under a compare on the counter's revision. When a Txn
 * fails, its else-branch reads every key it compared; that tells which operation failed, or that
 * only this client's cached knowledge was stale (a counter, the lease of an entry), in which case
 * the Txn is built again and retried.
 *
 * <p>Ephemeral entries are bound to this client's session lease ({@link EtcdSession}); an update
 * keeps the lease an entry was created with (the entry stays ephemeral, as on ZooKeeper). etcd's
 * put replaces the lease, so updates name it explicitly: the adapter keeps each entry's
 * (create revision, lease) as last read, and its writes compare the create revision, so a stale
 * cache costs a retry, never a wrong lease.
 *
 * <p>Connection-state policy: as on ZooKeeper, SUSPENDED when the session cannot be renewed, LOST
 * when the lease is gone, RECONNECTED when it is renewed or replaced. Requests have a deadline and
 * fail with {@link ErrorCode#STORE_UNAVAILABLE} when the cluster does not answer in time.
 */
public final class EtcdCoordinationStore implements CoordinationStore {
    private static final int MAX_ATTEMPTS = 64;
    /**
     * The {@code --max-txn-ops} Cairn needs from etcd (etcd's default is 128). An etcd Txn counts
     * compares, then-operations and else-operations separately against it; Cairn's largest
     * transactions (200 events, or 100 deletes, each a key and the range below it) need a few
     * hundred.
     */
    public static final int MIN_MAX_TXN_OPS = 1024;
    private static final byte[] EMPTY = new byte[0];

    private final Client client;
    private final KV kv;
    private final EtcdOptions options;
    private final Clock clock;
    private final Scheduler scheduler;
    private final boolean ownScheduler;
    private final EtcdSession session;
    private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
    private final Set<AutoCloseable> watches = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final BoundedCache<String, LeaseInfo> leaseOf = new BoundedCache<>(20_000);
    private final BoundedCache<String, Counter> counters = new BoundedCache<>(5_000);
    private final ExecutorService eventThreads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("etcd-events-", 0).factory());
    private volatile ConnectionState state = ConnectionState.SUSPENDED;

    /** An entry's incarnation (create revision) and the lease it was created with (0 for none). */
    record LeaseInfo(long createRevision, long lease) {}

    /** A counter key as last seen: its mod revision (0 when absent) and the next number it gives. */
    record Counter(long modRevision, long next) {}

    private EtcdCoordinationStore(Client client, EtcdOptions options, Clock clock, Scheduler scheduler, boolean ownScheduler) {
        this.client = client;
        this.kv = client.getKVClient();
        this.options = options;
        this.clock = clock;
        this.scheduler = scheduler;
        this.ownScheduler = ownScheduler;
        this.session = new EtcdSession(client.getLeaseClient(), clock, scheduler, options.sessionTimeout(), this::onState);
    }

    /** Connects with the system clock and a scheduler of its own for the session's keep-alive loop. */
    public static EtcdCoordinationStore connect(EtcdOptions options) {
        return connect(options, Clock.systemUTC(), new ExecutorScheduler("etcd-session", 1), true);
    }

    /** Plain-text endpoints ({@code http://host:port,…}), default timeouts. */
    public static EtcdCoordinationStore connect(String endpoints) {
        return connect(EtcdOptions.of(endpoints));
    }

    /** Connects with an injected clock and scheduler (which the caller keeps and closes). */
    public static EtcdCoordinationStore connect(EtcdOptions options, Clock clock, Scheduler scheduler) {
        return connect(options, clock, scheduler, false);
    }

    private static EtcdCoordinationStore connect(EtcdOptions options, Clock clock, Scheduler scheduler, boolean ownScheduler) {
        long deadlineMs = options.requestTimeout().toMillis();
        ClientInterceptor deadlines = new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions call, Channel next) {
                // every call but the long-lived watch streams gets the request deadline
                boolean watch = method.getFullMethodName().startsWith("etcdserverpb.Watch/");
                return next.newCall(method, watch || call.getDeadline() != null ? call : call.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS));
            }
        };
        ClientBuilder builder = Client.builder()
                .endpoints(options.endpoints())
                .interceptor(deadlines)
                .connectTimeout(options.connectTimeout())
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5));
        if (options.tls()) builder.sslContext(sslContext(options));
        Client client = builder.build();
        EtcdCoordinationStore store = new EtcdCoordinationStore(client, options, clock, scheduler, ownScheduler);
        try {
            store.session.start(options.connectTimeout(), endpointList(options));
        } catch (RuntimeException e) {
            client.close();
            if (ownScheduler) scheduler.close();
            throw e;
        }
        store.state = ConnectionState.CONNECTED;
        return store;
    }

    private static String endpointList(EtcdOptions options) {
        return String.join(",", options.endpoints().stream().map(Object::toString).toList());
    }

    private static SslContext sslContext(EtcdOptions options) {
        try {
            SslContextBuilder b = GrpcSslContexts.forClient();
            if (options.caCert().isPresent()) b.trustManager(options.caCert().get().toFile());
            if (options.clientCert().isPresent()) b.keyManager(options.clientCert().get().toFile(), options.clientKey().orElseThrow().toFile());
            return b.build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot use the etcd TLS files: " + EtcdSession.describe(e),
                    "give PEM files: the CA certificate, the client certificate and its private key in PKCS#8 (BEGIN PRIVATE KEY)", e);
        }
    }

    public EtcdOptions options() { return options; }

    Client client() { return client; }

    EtcdSession session() { return session; }

    Scheduler scheduler() { return scheduler; }

    Clock clock() { return clock; }

    /** An executor that runs its tasks one at a time, in order, on the store's event threads (never gRPC's). */
    Executor serialExecutor() {
        return new SerialExecutor(eventThreads);
    }

    private void onState(ConnectionState s) {
        state = s;
        for (Consumer<ConnectionState> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException ignored) {
                // a listener's failure must not stop the others from hearing about the state
            }
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<Versioned<byte[]>> get(StorePath path) {
        String key = EtcdKeys.key(path);
        GetResponse r = await(kv.get(bytes(key)), "read " + path);
        if (r.getKvs().isEmpty()) return Optional.empty();
        KeyValue e = r.getKvs().get(0);
        learn(key, e);
        return Optional.of(new Versioned<>(e.getValue().getBytes(), e.getVersion() - 1));
    }

    @Override
    public List<String> children(StorePath path) {
        String prefix = EtcdKeys.childrenPrefix(path);
        GetResponse r = await(kv.get(bytes(prefix), GetOption.builder().withRange(EtcdKeys.prefixEnd(prefix)).withKeysOnly(true).build()),
                "list " + path);
        List<String> names = new ArrayList<>();
        for (KeyValue e : r.getKvs()) names.add(EtcdKeys.childName(e.getKey().toString(StandardCharsets.UTF_8), prefix));
        names.sort(null);
        return names;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public Optional<Long> createIfAbsent(StorePath path, byte[] data) {
        return transact(List.of(StoreOp.create(path, data)), 0).committed() ? Optional.of(0L) : Optional.empty();
    }

    @Override
    public Optional<Long> createEphemeral(StorePath path, byte[] data) {
        long lease = session.leaseId();
        if (lease == 0) {
            throw new CairnException(ErrorCode.STORE_UNAVAILABLE, "no etcd session to bind " + path + " to (the lease was lost)",
                    "retry once the store connection is back (RECONNECTED)");
        }
        return transact(List.of(StoreOp.create(path, data)), lease).committed() ? Optional.of(0L) : Optional.empty();
    }

    @Override
    public StorePath createSequential(StorePath prefix, String name, byte[] data) {
        TxResult r = transact(List.of(new StoreOp.CreateSequential(prefix, name, data)), 0);
        if (r instanceof TxResult.Committed c) return c.paths().get(0);
        throw new CairnException(ErrorCode.INTERNAL, "sequential entry under " + prefix + " refused: " + r,
                "an entry exists where the counter of " + prefix + " points; was the counter key changed outside Cairn?");
    }

    @Override
    public long put(StorePath path, byte[] data) {
        String key = EtcdKeys.key(path);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            LeaseInfo known = leaseOf.get(key);
            long createRevision = known == null ? 0 : known.createRevision();
            List<Op> then = new ArrayList<>();
            then.add(Op.put(bytes(key), ByteSequence.from(data),
                    PutOption.builder().withLeaseId(known == null ? 0 : known.lease()).withPrevKV().build()));
            if (createRevision == 0) ensureParents(List.of(path.parent()), Set.of(key), then);
            TxnResponse r = await(kv.txn()
                    .If(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
                    .Then(then.toArray(Op[]::new))
                    .Else(Op.get(bytes(key), GetOption.DEFAULT))
                    .commit(), "write " + path);
            if (r.isSucceeded()) {
                long revision = r.getHeader().getRevision();
                if (createRevision == 0) {
                    leaseOf.put(key, new LeaseInfo(revision, 0));
                    return 0;
                }
                return r.getPutResponses().get(0).getPrevKv().getVersion();
            }
            List<KeyValue> now = r.getGetResponses().get(0).getKvs();
            if (now.isEmpty()) leaseOf.remove(key);
            else learn(key, now.get(0));
        }
        throw contention(path);
    }

    @Override
    public Optional<Long> compareAndSet(StorePath path, byte[] data, long expectedVersion) {
        return transact(List.of(StoreOp.set(path, data, expectedVersion)), 0) instanceof TxResult.Committed c
                ? Optional.of(c.versions().get(0)) : Optional.empty();
    }

    @Override
    public boolean delete(StorePath path, long expectedVersion) {
        return transact(List.of(StoreOp.delete(path, expectedVersion)), 0).committed();
    }

    @Override
    public TxResult transact(List<StoreOp> ops) {
        return transact(ops, 0);
    }

    /** {@code createLease}: the lease of the entries the transaction's Create operations make (0 for none). */
    private TxResult transact(List<StoreOp> ops, long createLease) {
        if (ops.isEmpty()) return new TxResult.Committed(List.of(), List.of());
        TxnPlan.checkWritesDoNotOverlap(ops);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            TxnPlan plan = new TxnPlan(ops, createLease);
            TxnResponse r = await(kv.txn().If(plan.compares()).Then(plan.thenOps()).Else(plan.elseOps()).commit(),
                    "commit a transaction on " + ops.get(0).path() + (ops.size() > 1 ? " and " + (ops.size() - 1) + " more" : ""));
            if (r.isSucceeded()) return plan.committed(r);
            Map<String, KeyValue> seen = plan.read(r);
            Optional<TxResult.Conflict> conflict = plan.conflict(seen);
            if (conflict.isPresent()) return conflict.get();
            // only what we had cached was stale (a counter, an entry's lease): build the Txn again
        }
        throw contention(ops.get(0).path());
    }

    private static CairnException contention(StorePath path) {
        return new CairnException(ErrorCode.STORE_UNAVAILABLE, "gave up writing " + path + " after " + MAX_ATTEMPTS + " attempts under contention",
                "retry; many clients are writing the same entries or counters");
    }

    /** Nested transactions that create each missing parent (and its missing parents) with no data. */
    private static void ensureParents(List<StorePath> parents, Set<String> writtenKeys, List<Op> then) {
        Set<String> done = new LinkedHashSet<>();
        for (StorePath parent : parents) {
            List<StorePath> chain = new ArrayList<>(parent.ancestors());
            if (!parent.isRoot()) chain.add(parent);
            for (StorePath p : chain) {
                String k = EtcdKeys.key(p);
                if (writtenKeys.contains(k) || !done.add(k)) continue;
                then.add(Op.txn(new Cmp[] {new Cmp(bytes(k), Cmp.Op.EQUAL, CmpTarget.version(0))},
                        new Op[] {Op.put(bytes(k), ByteSequence.from(EMPTY), PutOption.DEFAULT)}, new Op[0]));
            }
        }
    }

    void learn(String key, KeyValue e) {
        leaseOf.put(key, new LeaseInfo(e.getCreateRevision(), e.getLease()));
    }

    /**
     * One attempt at a transaction: the etcd Txn built from the operations and what this client
     * knows (counters, leases), and how to read its outcome.
     */
    private final class TxnPlan {
        private final List<StoreOp> ops;
        private final List<Cmp> compares = new ArrayList<>();
        private final List<Op> then = new ArrayList<>();
        private final Set<String> reads = new LinkedHashSet<>();
        private final String[] keys;
        /** For CreateSequential: the generated path; for SetData: the index of its put among the Txn's puts. */
        private final StorePath[] generated;
        private final int[] putIndex;
        private final Map<String, Counter> plannedCounters = new LinkedHashMap<>();
        private final Map<String, Long> counterAdvance = new LinkedHashMap<>();
        private final Map<String, Effect> earlier = new HashMap<>();
        private final long createLease;

        TxnPlan(List<StoreOp> ops, long createLease) {
            this.ops = ops;
            this.createLease = createLease;
            this.keys = new String[ops.size()];
            this.generated = new StorePath[ops.size()];
            this.putIndex = new int[ops.size()];
            Set<String> written = new LinkedHashSet<>();
            List<StorePath> parents = new ArrayList<>();
            int puts = 0;
            // counters first: each parent's counter is compared and advanced once, whatever the number of entries
            for (StoreOp op : ops) {
                if (op instanceof StoreOp.CreateSequential c) {
                    String ck = EtcdKeys.counterKey(c.path());
                    if (!plannedCounters.containsKey(ck)) {
                        Counter known = counters.get(ck);
                        plannedCounters.put(ck, known == null ? new Counter(0, 0) : known);
                        compares.add(new Cmp(bytes(ck), Cmp.Op.EQUAL, CmpTarget.modRevision(plannedCounters.get(ck).modRevision())));
                        reads.add(ck);
                    }
                    counterAdvance.merge(ck, 1L, Long::sum);
                }
            }
            for (var e : counterAdvance.entrySet()) {
                long next = plannedCounters.get(e.getKey()).next() + e.getValue();
                then.add(Op.put(bytes(e.getKey()), bytes(Long.toString(next)), PutOption.DEFAULT));
                puts++;
            }
            Map<String, Long> handedOut = new HashMap<>();
            for (int i = 0; i < ops.size(); i++) {
                StoreOp op = ops.get(i);
                switch (op) {
                    case StoreOp.Create c -> {
                        String k = keys[i] = EtcdKeys.key(c.path());
                        compares.add(new Cmp(bytes(k), Cmp.Op.EQUAL, CmpTarget.version(0)));
                        then.add(Op.put(bytes(k), ByteSequence.from(c.data()), PutOption.builder().withLeaseId(createLease).build()));
                        puts++;
                        written.add(k);
                        parents.add(c.path().parent());
                    }
                    case StoreOp.CreateSequential c -> {
                        String ck = EtcdKeys.counterKey(c.path());
                        long n = plannedCounters.get(ck).next() + handedOut.merge(ck, 1L, Long::sum) - 1;
                        StorePath p = generated[i] = c.path().child(c.name() + String.format("%010d", n));
                        String k = keys[i] = EtcdKeys.key(p);
                        compares.add(new Cmp(bytes(k), Cmp.Op.EQUAL, CmpTarget.version(0)));
                        then.add(Op.put(bytes(k), ByteSequence.from(c.data()), PutOption.DEFAULT));
                        puts++;
                        written.add(k);
                        parents.add(c.path());
                    }
                    case StoreOp.SetData s -> {
                        String k = keys[i] = EtcdKeys.key(s.path());
                        compareVersion(k, s.expectedVersion());
                        LeaseInfo known = leaseOf.get(k);
                        // unknown lease: a compare that cannot hold, so the else-branch reads the entry for the next attempt
                        compares.add(new Cmp(bytes(k), Cmp.Op.EQUAL, CmpTarget.createRevision(known == null ? -1 : known.createRevision())));
                        then.add(Op.put(bytes(k), ByteSequence.from(s.data()),
                                PutOption.builder().withLeaseId(known == null ? 0 : known.lease()).withPrevKV().build()));
                        putIndex[i] = puts++;
                        written.add(k);
                    }
                    case StoreOp.Delete d -> {
                        String k = keys[i] = EtcdKeys.key(d.path());
                        compareVersion(k, d.expectedVersion());
                        then.add(Op.delete(bytes(k), DeleteOption.DEFAULT));
                        String below = EtcdKeys.subtreePrefix(d.path());
                        then.add(Op.delete(bytes(below), DeleteOption.builder().withRange(EtcdKeys.prefixEnd(below)).build()));
                    }
                    case StoreOp.Check ch -> {
                        String k = keys[i] = EtcdKeys.key(ch.path());
                        compareVersion(k, ch.expectedVersion());
                    }
                }
                reads.add(keys[i]);
                earlier.put(keys[i], switch (op) {
                    case StoreOp.Create c -> new Effect(true, 1);
                    case StoreOp.CreateSequential c -> new Effect(true, 1);
                    case StoreOp.SetData x -> earlier.containsKey(keys[i]) ? earlier.get(keys[i]).plusOne() : new Effect(false, 1);
                    case StoreOp.Delete x -> new Effect(true, 0);
                    case StoreOp.Check x -> earlier.getOrDefault(keys[i], new Effect(false, 0));
                });
            }
            ensureParents(parents, written, then);
        }

        /**
         * What the earlier operations of this transaction did to a key: ZooKeeper checks each
         * operation against the state the earlier ones left, etcd compares everything against the
         * state before the Txn. {@code absolute}: the key's etcd version is {@code version} (0 =
         * missing) whatever it was before; otherwise it is the version before plus {@code version}.
         */
        private record Effect(boolean absolute, long version) {
            Effect plusOne() { return new Effect(absolute, version + 1); }
        }

        /** The compare for "the entry exists at {@code expected}" at this point of the transaction. */
        private void compareVersion(String key, long expected) {
            Effect e = earlier.get(key);
            if (e == null || (!e.absolute() && e.version() == 0)) {
                compares.add(expected == StoreOp.ANY_VERSION
                        ? new Cmp(bytes(key), Cmp.Op.GREATER, CmpTarget.version(0))
                        : new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(expected + 1)));
            } else if (!e.absolute()) {
                // the key existed before (an earlier operation compared that) and was written e.version() times since
                if (expected != StoreOp.ANY_VERSION) {
                    compares.add(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(expected + 1 - e.version())));
                }
            } else if (e.version() == 0 || (expected != StoreOp.ANY_VERSION && e.version() != expected + 1)) {
                // decided by the earlier operations alone: a compare that cannot hold, and the else-branch says which operation failed
                compares.add(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(-1)));
            }
        }

        Cmp[] compares() { return compares.toArray(Cmp[]::new); }

        Op[] thenOps() { return then.toArray(Op[]::new); }

        Op[] elseOps() {
            return reads.stream().map(k -> (Op) Op.get(bytes(k), GetOption.DEFAULT)).toArray(Op[]::new);
        }

        TxResult committed(TxnResponse r) {
            long revision = r.getHeader().getRevision();
            List<Long> versions = new ArrayList<>();
            List<StorePath> paths = new ArrayList<>();
            for (var e : counterAdvance.entrySet()) {
                counters.put(e.getKey(), new Counter(revision, plannedCounters.get(e.getKey()).next() + e.getValue()));
            }
            for (int i = 0; i < ops.size(); i++) {
                StoreOp op = ops.get(i);
                switch (op) {
                    case StoreOp.Create c -> {
                        leaseOf.put(keys[i], new LeaseInfo(revision, createLease));
                        versions.add(0L);
                        paths.add(c.path());
                    }
                    case StoreOp.CreateSequential c -> {
                        leaseOf.put(keys[i], new LeaseInfo(revision, 0));
                        versions.add(0L);
                        paths.add(generated[i]);
                    }
                    case StoreOp.SetData s -> {
                        // the new etcd version is the previous one plus one; ours is that minus one
                        versions.add(r.getPutResponses().get(putIndex[i]).getPrevKv().getVersion());
                        paths.add(s.path());
                    }
                    case StoreOp.Delete d -> {
                        leaseOf.remove(keys[i]);
                        versions.add(-1L);
                        paths.add(d.path());
                    }
                    case StoreOp.Check ch -> {
                        versions.add(-1L);
                        paths.add(ch.path());
                    }
                }
            }
            return new TxResult.Committed(List.copyOf(versions), List.copyOf(paths));
        }

        /** The else-branch's reads, by key (absent keys are missing), and what they teach the caches. */
        Map<String, KeyValue> read(TxnResponse r) {
            Map<String, KeyValue> seen = new HashMap<>();
            List<GetResponse> gets = r.getGetResponses();
            int i = 0;
            for (String k : reads) {
                List<KeyValue> kvs = gets.get(i++).getKvs();
                if (!kvs.isEmpty()) seen.put(k, kvs.get(0));
                if (k.startsWith(EtcdKeys.COUNTERS)) {
                    counters.put(k, kvs.isEmpty() ? new Counter(0, 0)
                            : new Counter(kvs.get(0).getModRevision(), Long.parseLong(kvs.get(0).getValue().toString(StandardCharsets.UTF_8).trim())));
                } else if (kvs.isEmpty()) {
                    leaseOf.remove(k);
                } else {
                    learn(k, kvs.get(0));
                }
            }
            return seen;
        }

        /**
         * The first operation that fails against what the else-branch read, replaying the earlier
         * operations' effects; empty when every operation would succeed (only a cached counter or
         * lease was stale).
         */
        Optional<TxResult.Conflict> conflict(Map<String, KeyValue> seen) {
            Map<String, Long> version = new HashMap<>();
            for (String k : reads) version.put(k, seen.containsKey(k) ? seen.get(k).getVersion() : 0L);
            for (int i = 0; i < ops.size(); i++) {
                StoreOp op = ops.get(i);
                long v = version.get(keys[i]);
                TxResult.Reason reason = switch (op) {
                    case StoreOp.Create c -> v > 0 ? TxResult.Reason.EXISTS : null;
                    case StoreOp.CreateSequential c -> {
                        String ck = EtcdKeys.counterKey(c.path());
                        long counterRevision = seen.containsKey(ck) ? seen.get(ck).getModRevision() : 0;
                        // with a stale counter the generated name is wrong anyway: retry, not a conflict
                        yield counterRevision == plannedCounters.get(ck).modRevision() && v > 0 ? TxResult.Reason.EXISTS : null;
                    }
                    case StoreOp.SetData s -> versionProblem(v, s.expectedVersion());
                    case StoreOp.Delete d -> versionProblem(v, d.expectedVersion());
                    case StoreOp.Check ch -> versionProblem(v, ch.expectedVersion());
                };
                if (reason != null) return Optional.of(new TxResult.Conflict(i, op.path(), reason));
                switch (op) {
                    case StoreOp.Create c -> version.put(keys[i], 1L);
                    case StoreOp.CreateSequential c -> version.put(keys[i], 1L);
                    case StoreOp.SetData s -> version.put(keys[i], v + 1);
                    case StoreOp.Delete d -> version.put(keys[i], 0L);
                    case StoreOp.Check ch -> { }
                }
            }
            return Optional.empty();
        }

        private static TxResult.Reason versionProblem(long etcdVersion, long expected) {
            if (etcdVersion == 0) return TxResult.Reason.MISSING;
            if (expected != StoreOp.ANY_VERSION && etcdVersion != expected + 1) return TxResult.Reason.BAD_VERSION;
            return null;
        }

        /**
         * etcd refuses a Txn that writes a key twice, or writes a key inside a range it deletes.
         * ZooKeeper multi-ops allow a few such sequences (create then set); Cairn issues none, and
         * we refuse them by name rather than with etcd's bare "duplicate key".
         */
        static void checkWritesDoNotOverlap(List<StoreOp> ops) {
            Set<StorePath> written = new java.util.HashSet<>();
            List<StorePath> deleted = new ArrayList<>();
            for (StoreOp op : ops) {
                switch (op) {
                    case StoreOp.Create c -> require(written.add(c.path()), c.path());
                    case StoreOp.SetData s -> require(written.add(s.path()), s.path());
                    case StoreOp.Delete d -> deleted.add(d.path());
                    case StoreOp.CreateSequential c -> { }
                    case StoreOp.Check ch -> { }
                }
            }
            for (StorePath d : deleted) {
                for (StoreOp op : ops) {
                    boolean writes = op instanceof StoreOp.Create || op instanceof StoreOp.SetData || op instanceof StoreOp.CreateSequential;
                    if (writes && op.path().startsWith(d)) require(false, op.path());
                }
            }
        }

        private static void require(boolean ok, StorePath path) {
            if (!ok) {
                throw new CairnException(ErrorCode.INTERNAL, "one etcd transaction cannot write " + path + " twice, or write inside what it deletes",
                        "split the operations on " + path + " into separate transactions");
            }
        }
    }

    // ---------------------------------------------------------------- watches, elections, connection

    @Override
    public AutoCloseable watch(StorePath path, Consumer<StoreEvent> listener) {
        EtcdWatch w = new EtcdWatch(this, path, listener);
        watches.add(w);
        try {
            w.start();
        } catch (RuntimeException e) {
            watches.remove(w);
            w.close();
            throw e;
        }
        return () -> {
            watches.remove(w);
            w.close();
        };
    }

    @Override
    public LeaderElection leaderElection(String group, String participantId) {
        return new EtcdLeaderElection(this, group, participantId);
    }

    @Override
    public void addConnectionListener(Consumer<ConnectionState> listener) {
        listeners.add(listener);
    }

    void removeConnectionListener(Consumer<ConnectionState> listener) {
        listeners.remove(listener);
    }

    @Override
    public ConnectionState connectionState() {
        return state;
    }

    /** Revokes the session's lease (its ephemeral entries go at once), stops every watch, closes the client. */
    @Override
    public void close() {
        if (state == ConnectionState.CLOSED) return;
        state = ConnectionState.CLOSED;
        for (Consumer<ConnectionState> l : listeners) {
            try {
                l.accept(ConnectionState.CLOSED);
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
        for (AutoCloseable w : List.copyOf(watches)) {
            try {
                w.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        session.close();
        client.close();
        eventThreads.shutdown();
        if (ownScheduler) scheduler.close();
    }

    // ---------------------------------------------------------------- plumbing

    /** Waits for a request; a failure to reach the cluster is STORE_UNAVAILABLE and makes the session check itself. */
    <T> T await(CompletableFuture<T> f, String what) {
        if (state == ConnectionState.CLOSED) {
            f.cancel(true);
            throw new CairnException(ErrorCode.STORE_UNAVAILABLE, "the etcd client is closed", null);
        }
        try {
            // the request deadline applies per attempt; jetcd retries reads once or twice
            return f.get(options.requestTimeout().toMillis() * 3 + 3_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new CairnException(ErrorCode.STORE_UNAVAILABLE, "interrupted while waiting for etcd to " + what, null, e);
        } catch (TimeoutException e) {
            f.cancel(true);
            session.probeSoon();
            throw unavailable(what, e);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        }
    }

    private CairnException failure(String what, Throwable cause) {
        if (cause instanceof ClosedClientException) {
            return new CairnException(ErrorCode.STORE_UNAVAILABLE, "the etcd client is closed", null, cause);
        }
        io.etcd.jetcd.common.exception.ErrorCode code = cause instanceof EtcdException ee ? ee.getErrorCode() : null;
        if (code == null) {
            io.grpc.Status.Code s = io.grpc.Status.fromThrowable(cause).getCode();
            code = switch (s) {
                case UNAVAILABLE -> io.etcd.jetcd.common.exception.ErrorCode.UNAVAILABLE;
                case DEADLINE_EXCEEDED -> io.etcd.jetcd.common.exception.ErrorCode.DEADLINE_EXCEEDED;
                case CANCELLED -> io.etcd.jetcd.common.exception.ErrorCode.CANCELLED;
                default -> io.etcd.jetcd.common.exception.ErrorCode.INTERNAL;
            };
        }
        switch (code) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED, RESOURCE_EXHAUSTED -> {
                session.probeSoon();
                return unavailable(what, cause);
            }
            default -> {
                if (String.valueOf(cause.getMessage()).contains("requested lease not found")) {
                    // the cluster ended our session before we noticed: the session loop finds out and reports LOST
                    session.probeSoon();
                    return new CairnException(ErrorCode.STORE_UNAVAILABLE, "could not " + what + " on etcd: the session's lease has ended",
                            "retry once the store connection is back (RECONNECTED)", cause);
                }
                if (String.valueOf(cause.getMessage()).contains("too many operations in txn request")) {
                    return new CairnException(ErrorCode.TOO_LARGE, "etcd refused to " + what + ": the transaction has more operations than its --max-txn-ops allows",
                            "run etcd with --max-txn-ops " + MIN_MAX_TXN_OPS + " or more (Cairn writes up to a few hundred operations in one transaction)", cause);
                }
                return new CairnException(ErrorCode.INTERNAL, "etcd refused to " + what + ": " + EtcdSession.describe(cause), null, cause);
            }
        }
    }

    private static CairnException unavailable(String what, Throwable cause) {
        return new CairnException(ErrorCode.STORE_UNAVAILABLE, "could not " + what + " on etcd (" + EtcdSession.describe(cause) + ")",
                "the write may or may not have been applied; re-read and retry once the cluster has a quorum", cause);
    }

    /** Runs tasks one after another on a shared pool. */
    static final class SerialExecutor implements Executor {
        private final Executor pool;
        private final java.util.ArrayDeque<Runnable> queue = new java.util.ArrayDeque<>();
        private boolean draining;

        SerialExecutor(Executor pool) {
            this.pool = pool;
        }

        @Override
        public void execute(Runnable task) {
            synchronized (this) {
                queue.add(task);
                if (draining) return;
                draining = true;
            }
            try {
                pool.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                synchronized (this) {
                    queue.clear();
                    draining = false;
                }
            }
        }

        private void drain() {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = queue.poll();
                    if (next == null) {
                        draining = false;
                        return;
                    }
                }
                next.run();
            }
        }
    }

    /** A small LRU map: what the adapter last learned about keys, bounded so it cannot grow without end. */
    static final class BoundedCache<K, V> {
        private final LinkedHashMap<K, V> map;

        BoundedCache(int max) {
            this.map = new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                    return size() > max;
                }
            };
        }

        synchronized V get(K k) { return map.get(k); }

        synchronized void put(K k, V v) { map.put(k, v); }

        synchronized void remove(K k) { map.remove(k); }
    }
}
