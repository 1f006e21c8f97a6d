package dev.cairn.storeetcd;

import static dev.cairn.storeetcd.EtcdKeys.bytes;

import dev.cairn.core.CairnException;
import dev.cairn.core.store.ConnectionState;
import dev.cairn.core.store.LeaderElection;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Leader election with the semantics of {@code ZkLeaderElection}: candidates are ephemeral entries
 * under {@code /leader/<group>/latch}, bound to their client's session lease; the one created first
 * (lowest create revision) leads. Each acquisition increments {@code /leader/<group>/epoch} in a
 * transaction that also checks the candidate entry still exists, so epochs only grow and a
 * candidate whose lease has gone cannot take one.
 *
 * <p>Leadership ends at once — before the listeners are told — when the session is SUSPENDED,
 * LOST or CLOSED, and {@link #isLeader} is false as soon as the session's lease can no longer be
 * vouched for ({@link EtcdSession#valid}); after RECONNECTED the election runs again (a new
 * candidate entry when the lease was lost) and a renewed leadership gets a new epoch.
 */
final class EtcdLeaderElection implements LeaderElection {
    private static final Logger LOG = Logger.getLogger(EtcdLeaderElection.class.getName());

    private final EtcdCoordinationStore store;
    private final String group;
    private final String id;
    private final StorePath latch;
    private final StorePath epochPath;
    private final String token = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong entries = new AtomicLong();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService events;
    private final AtomicBoolean evaluationPending = new AtomicBoolean();
    private final Consumer<ConnectionState> connection = this::onConnection;
    /** Set when the election waits for the session to vouch for its lease again (a slow renewal); the next renewal evaluates. */
    private final AtomicBoolean awaitingRenewal = new AtomicBoolean();
    private final Runnable renewal = () -> {
        if (awaitingRenewal.compareAndSet(true, false)) evaluateSoon();
    };
    private final Object lock = new Object();
    private long epoch = -1;
    /** Bumped whenever leadership is dropped, so an acquisition that raced with it does not stick. */
    private long generation;
    private volatile StorePath candidate;
    private volatile boolean started;
    private volatile boolean closed;
    private AutoCloseable watch;

    EtcdLeaderElection(EtcdCoordinationStore store, String group, String id) {
        this.store = store;
        this.group = group;
        this.id = id;
        this.latch = StorePath.of("leader", group, "latch");
        this.epochPath = StorePath.of("leader", group, "epoch");
        this.events = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("leader-" + group + "-" + id).factory());
    }

    @Override
    public void start() {
        if (started) return;
        started = true;
        store.addConnectionListener(connection);
        store.session().onRenewal(renewal);
        try {
            watch = store.watch(latch, e -> evaluateSoon());
        } catch (CairnException e) {
            throw new IllegalStateException("cannot start leader election for " + group + ": " + e.getMessage(), e);
        }
        evaluateSoon();
    }

    private void evaluateSoon() {
        if (closed || !evaluationPending.compareAndSet(false, true)) return;
        try {
            events.execute(() -> {
                evaluationPending.set(false);
                evaluate();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            evaluationPending.set(false);
        }
    }

    /** Enters the election if not in it, then leads if this candidate is the oldest. Runs on {@link #events}. */
    private void evaluate() {
        if (closed || !started) return;
        try {
            long gen;
            synchronized (lock) {
                gen = generation;
            }
            List<KeyValue> candidates = candidates();
            StorePath mine = candidate;
            boolean entered = mine != null && candidates.stream().anyMatch(kv -> EtcdKeys.path(kv.getKey()).equals(mine));
            if (!entered) {
                if (!store.session().valid()) {
                    awaitingRenewal.set(true); // the next renewal, or RECONNECTED, brings us back
                    return;
                }
                StorePath next = latch.child("c-" + token + "-" + entries.incrementAndGet());
                if (store.createEphemeral(next, id.getBytes(StandardCharsets.UTF_8)).isEmpty()) return;
                candidate = next;
                candidates = candidates();
            }
            if (candidates.isEmpty()) return;
            boolean first = EtcdKeys.path(candidates.get(0).getKey()).equals(candidate);
            if (!first) {
                drop();
                return;
            }
            synchronized (lock) {
                if (epoch >= 0) return;
            }
            long e = nextEpoch(candidate);
            if (e < 0) return;
            synchronized (lock) {
                if (closed || gen != generation) return;
                if (!store.session().valid()) {
                    awaitingRenewal.set(true);
                    return;
                }
                epoch = e;
            }
            for (Listener l : listeners) l.acquired(e);
        } catch (CairnException e) {
            // the store is away: the connection listener drops leadership, and RECONNECTED evaluates again
            LOG.log(Level.FINE, "leader election for " + group + " could not run: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "leader election for " + group + " failed: " + e, e);
        }
    }

    /** The candidate entries, oldest first. */
    private List<KeyValue> candidates() {
        String prefix = EtcdKeys.childrenPrefix(latch);
        return store.await(store.client().getKVClient().get(bytes(prefix), GetOption.builder()
                .withRange(EtcdKeys.prefixEnd(prefix))
                .withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.ASCEND).build()), "read the candidates of " + group).getKvs();
    }

    /** Increments the group's epoch if {@code mine} is still a candidate; -1 when it is not. */
    private long nextEpoch(StorePath mine) {
        while (true) {
            var cur = store.get(epochPath);
            long next = cur.isEmpty() ? 1 : Long.parseLong(new String(cur.get().value(), StandardCharsets.UTF_8).trim()) + 1;
            byte[] value = Long.toString(next).getBytes(StandardCharsets.UTF_8);
            StoreOp write = cur.isEmpty() ? StoreOp.create(epochPath, value) : StoreOp.set(epochPath, value, cur.get().version());
            TxResult r = store.transact(List.of(write, StoreOp.check(mine, 0)));
            if (r.committed()) return next;
            if (r instanceof TxResult.Conflict c && c.index() == 1) return -1;
        }
    }

    private void onConnection(ConnectionState s) {
        switch (s) {
            case SUSPENDED, CLOSED -> drop();
            case LOST -> {
                candidate = null; // it went with the lease
                drop();
            }
            case RECONNECTED, CONNECTED -> evaluateSoon();
        }
    }

    /** Ends leadership now; the listeners hear of it on the election's thread. */
    private void drop() {
        boolean was;
        synchronized (lock) {
            generation++;
            was = epoch >= 0;
            epoch = -1;
        }
        if (was) {
            try {
                events.execute(() -> listeners.forEach(Listener::lost));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                listeners.forEach(Listener::lost);
            }
        }
    }

    @Override
    public boolean isLeader() {
        synchronized (lock) {
            if (epoch < 0) return false;
        }
        return store.session().valid();
    }

    @Override
    public long epoch() {
        long e;
        synchronized (lock) {
            e = epoch;
        }
        return e >= 0 && store.session().valid() ? e : -1;
    }

    @Override
    public Optional<String> leaderId() {
        try {
            List<KeyValue> c = candidates();
            return c.isEmpty() ? Optional.empty() : Optional.of(c.get(0).getValue().toString(StandardCharsets.UTF_8));
        } catch (CairnException e) {
            return Optional.empty();
        }
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Leaves the election: leadership ends (listeners told), the candidate entry is deleted so another takes over now. */
    @Override
    public void close() {
        if (closed) return;
        store.removeConnectionListener(connection);
        store.session().removeRenewalListener(renewal);
        drop();
        closed = true;
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        StorePath mine = candidate;
        candidate = null;
        if (mine != null && store.connectionState() != ConnectionState.CLOSED) {
            try {
                store.delete(mine, StoreOp.ANY_VERSION);
            } catch (CairnException ignored) {
                // the entry goes with the session's lease anyway
            }
        }
        events.shutdown();
    }
}
