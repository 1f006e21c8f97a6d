package dev.cairn.controller.nodes;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.Names;
import dev.cairn.core.api.NodeView;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.cairn.core.store.StoreOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nodes: registrations at {@code /nodes/<name>} and heartbeats at {@code /heartbeats/<name>}, both
 * in the store so any controller can take them and the leader sees them all. A node is {@code up}
 * while its last heartbeat is younger than the timeout.
 */
public final class NodeRegistry {
    public static final StorePath NODES = StorePath.of("nodes");
    public static final StorePath HEARTBEATS = StorePath.of("heartbeats");
    /** The leader's judgement of each node, {@code /node-liveness/<name>}: written (with its event) when it changes. */
    public static final StorePath LIVENESS = StorePath.of("node-liveness");

    /** What the leader last decided about a node: {@code up} or {@code down}, since when. */
    public record Judgement(String state, Instant since) {
        public boolean up() { return "up".equals(state); }
    }

    private final CoordinationStore store;
    private final Clock clock;
    private final Duration timeout;

    public record Heartbeat(Instant time) {}

    /** Judges whether a node is up from its heartbeats; by default, a fixed timeout since the last one. */
    @FunctionalInterface
    public interface Liveness {
        boolean up(String node, Instant lastHeartbeat, Instant now);
    }

    private volatile Liveness liveness;

    private volatile java.util.function.BiConsumer<String, Instant> heartbeatListener = (n, t) -> { };

    /**
     * Told of every heartbeat this controller takes, as it takes it (before it is stored): the
     * failure detector here learns of it without waiting for the store to report the change, which
     * under load can lag by seconds. Heartbeats taken by other controllers still arrive through the store.
     */
    public void onHeartbeat(java.util.function.BiConsumer<String, Instant> l) { this.heartbeatListener = l; }

    /** Replaces the fixed-timeout judgement (the deployments subsystem installs its failure detector). */
    public void judgeWith(Liveness l) { this.liveness = l; }

    public NodeRegistry(CoordinationStore store, Clock clock, Duration timeout) {
        this.store = store;
        this.clock = clock;
        this.timeout = timeout;
    }

    public NodeRecord register(String name, Map<String, String> labels) {
        Names.requireNode(name);
        for (var e : labels.entrySet()) {
            if (e.getKey().isBlank() || e.getKey().length() > 63 || e.getValue().length() > 253) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "label '" + e.getKey() + "=" + e.getValue() + "' is not allowed",
                        "labels are key=value with a non-empty key of at most 63 characters");
            }
        }
        StorePath p = NODES.child(name);
        while (true) {
            Optional<Versioned<byte[]>> cur = store.get(p);
            if (cur.isEmpty()) {
                NodeRecord r = new NodeRecord(name, labels, clock.instant(), false);
                if (store.createIfAbsent(p, Json.bytes(r)).isPresent()) {
                    heartbeat(name);
                    return r;
                }
                continue;
            }
            NodeRecord old = Json.read(cur.get().value(), NodeRecord.class);
            NodeRecord r = new NodeRecord(name, labels, old.registeredAt(), old.standby());
            if (store.compareAndSet(p, Json.bytes(r), cur.get().version()).isPresent()) {
                heartbeat(name);
                return r;
            }
        }
    }

    /** How long a node's registration, once seen, is trusted before a heartbeat checks it again. */
    static final Duration RECHECK_REGISTRATION = Duration.ofSeconds(5);

    /**
     * Each controller's digest of the heartbeats it stored in its last write,
     * {@code /heartbeat-digests/<random id>} (ephemeral): controllers watch these, one change per
     * write, rather than every node's entry.
     */
    public static final StorePath DIGESTS = StorePath.of("heartbeat-digests");

    /** What a digest holds: node → heartbeat time, for the heartbeats of one write. */
    public record Digest(Map<String, Instant> times) {
        public Digest {
            times = times == null ? Map.of() : Map.copyOf(times);
        }
    }

    private final String digestId = java.util.UUID.randomUUID().toString();
    private boolean digestCreated;

    /** How long the writer waits for more heartbeats before writing a batch (heartbeats are stamped on arrival). */
    static final Duration BATCH_WINDOW = Duration.ofMillis(50);

    /** How long a heartbeat's answer waits for the store write that carries it. */
    static final Duration STORE_WAIT = Duration.ofMillis(250);

    private final Set<String> missing = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> registeredSeen = new ConcurrentHashMap<>();
    private final Set<String> heartbeatStored = ConcurrentHashMap.newKeySet();
    private final Object batchLock = new Object();
    private HeartbeatBatch open = new HeartbeatBatch();
    private boolean flushing;

    /** Heartbeats taken while the previous batch was being written; written together, in one transaction. */
    private static final class HeartbeatBatch {
        final Map<String, Instant> times = new LinkedHashMap<>();
        final CompletableFuture<Void> written = new CompletableFuture<>();
    }

    /**
     * Takes a heartbeat: stamps it with this controller's clock and returns once it is in the store.
     * Heartbeats arriving together are written together (group commit: one transaction carries
     * every heartbeat taken while the previous one was being written), so a hundred nodes
     * heartbeating twice a second cost a few store writes a second, not two hundred.
     */
    public Instant heartbeat(String name) {
        Names.requireNode(name);
        Instant now = clock.instant(); // stamped on arrival, before any store round trip
        heartbeatListener.accept(name, now);
        if (missing.remove(name)) {
            throw new CairnException(ErrorCode.NOT_FOUND, "node '" + name + "' is not registered", "the agent registers again on its own");
        }
        Long seen = registeredSeen.get(name);
        long t = System.nanoTime();
        if (seen == null) { // first heartbeat here: check now
            if (!store.exists(NODES.child(name))) {
                throw new CairnException(ErrorCode.NOT_FOUND, "node '" + name + "' is not registered", "the agent registers again on its own");
            }
            registeredSeen.put(name, t);
        } else if (t - seen > RECHECK_REGISTRATION.toNanos()) {
            // seen before: check again in the background; a node found gone is told so on its next heartbeat
            registeredSeen.put(name, t);
            Thread.ofVirtual().name("registration-check").start(() -> {
                try {
                    if (!store.exists(NODES.child(name))) {
                        registeredSeen.remove(name);
                        missing.add(name);
                    }
                } catch (RuntimeException e) {
                    registeredSeen.put(name, 0L); // store unavailable: check again next time
                }
            });
        }
        if (!heartbeatStored.contains(name)) { // the first one creates the entry
            store.put(HEARTBEATS.child(name), Json.bytes(new Heartbeat(now)));
            heartbeatStored.add(name);
            return now;
        }
        HeartbeatBatch mine;
        boolean flush;
        synchronized (batchLock) {
            mine = open;
            mine.times.put(name, now);
            flush = !flushing;
            if (flush) flushing = true;
        }
        if (flush) Thread.ofVirtual().name("heartbeat-writer").start(this::flushBatches);
        try {
            // the heartbeat counts from now (this controller's detector has it); the reply waits for
            // the store only so long, so that a slow store write does not slow the node's heartbeats
            mine.written.get(STORE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return now;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.UNAVAILABLE, "interrupted while storing the heartbeat of '" + name + "'", null);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof CairnException ce) throw ce;
            throw new CairnException(ErrorCode.UNAVAILABLE, "cannot store the heartbeat of '" + name + "': " + e.getCause(), null);
        }
        return now;
    }

    /** Writes open batches until none is left; one such writer at a time. */
    private void flushBatches() {
        while (true) {
            try {
                Thread.sleep(BATCH_WINDOW.toMillis()); // let the heartbeats of the next few ms join this write
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            HeartbeatBatch b;
            synchronized (batchLock) {
                b = open;
                if (b.times.isEmpty()) {
                    flushing = false;
                    return;
                }
                open = new HeartbeatBatch();
            }
            try {
                List<StoreOp> ops = new ArrayList<>();
                for (var e : b.times.entrySet()) {
                    ops.add(StoreOp.set(HEARTBEATS.child(e.getKey()), Json.bytes(new Heartbeat(e.getValue())), StoreOp.ANY_VERSION));
                }
                // and one digest of the batch, which is what other controllers watch (one change per batch, not per node)
                StorePath digest = DIGESTS.child(digestId);
                byte[] d = Json.bytes(new Digest(b.times));
                if (!digestCreated) {
                    store.createEphemeral(digest, d);
                    digestCreated = true;
                } else {
                    ops.add(StoreOp.set(digest, d, StoreOp.ANY_VERSION));
                }
                if (!store.transact(ops).committed()) { // an entry went away (or our session did): write each on its own
                    for (var e : b.times.entrySet()) store.put(HEARTBEATS.child(e.getKey()), Json.bytes(new Heartbeat(e.getValue())));
                    if (store.createEphemeral(digest, d).isEmpty()) store.put(digest, d);
                }
                b.written.complete(null);
            } catch (RuntimeException e) {
                b.written.completeExceptionally(e);
            }
        }
    }

    public Optional<NodeRecord> find(String name) {
        return store.get(NODES.child(name)).map(v -> Json.read(v.value(), NodeRecord.class));
    }

    public NodeRecord setStandby(String name, boolean standby) {
        StorePath p = NODES.child(name);
        while (true) {
            Versioned<byte[]> cur = store.get(p).orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND,
                    "node '" + name + "' does not exist", "see 'cairn node list'"));
            NodeRecord r = Json.read(cur.value(), NodeRecord.class).withStandby(standby);
            if (store.compareAndSet(p, Json.bytes(r), cur.version()).isPresent()) return r;
        }
    }

    public Optional<Instant> lastHeartbeat(String name) {
        return store.get(HEARTBEATS.child(name)).map(v -> Json.read(v.value(), Heartbeat.class).time());
    }

    public List<NodeView> list() {
        Instant now = clock.instant();
        List<NodeView> out = new ArrayList<>();
        for (String name : store.children(NODES)) {
            Optional<NodeRecord> r = find(name);
            if (r.isEmpty()) continue;
            Instant hb = lastHeartbeat(name).orElse(null);
            Liveness l = liveness;
            String st = l == null ? state(hb, now) : (hb != null && l.up(name, hb, now) ? "up" : "down");
            out.add(new NodeView(name, st, r.get().labels(), hb, r.get().standby()));
        }
        return out;
    }

    public String state(Instant lastHeartbeat, Instant now) {
        return lastHeartbeat != null && !lastHeartbeat.plus(timeout).isBefore(now) ? "up" : "down";
    }

    public Duration timeout() {
        return timeout;
    }
}
