package dev.cairn.controller.nodes;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.Names;
import dev.cairn.core.api.NodeState;
import dev.cairn.core.api.NodeView;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.Records;
import dev.cairn.core.store.Records.Change;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes: the one owner of registrations ({@code /nodes/<name>}), heartbeats ({@code /heartbeats/<name>})
 * and the controllers' heartbeat digests ({@code /heartbeat-digests/<id>}), all in the store so any
 * controller can take them and the leader sees them all. Whether a node is up is the
 * {@link PhiAccrualDetector}'s judgement from its heartbeats: every heartbeat this controller takes
 * counts at once, those other controllers take arrive through the digests ({@link HeartbeatWatcher}).
 */
public final class NodeRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
    static final StorePath NODES = StorePath.of("nodes");
    static final StorePath HEARTBEATS = StorePath.of("heartbeats");
    /**
     * Each controller's digest of the heartbeats it stored in its last write,
     * {@code /heartbeat-digests/<random id>} (ephemeral): controllers watch these, one change per
     * write, rather than every node's entry.
     */
    static final StorePath DIGESTS = StorePath.of("heartbeat-digests");

    /** How long a node's registration, once seen, is trusted before a heartbeat checks it again. */
    static final Duration RECHECK_REGISTRATION = Duration.ofSeconds(5);
    /** How long the writer waits for more heartbeats before writing a batch (heartbeats are stamped on arrival). */
    static final Duration BATCH_WINDOW = Duration.ofMillis(50);
    /** How long a heartbeat's answer waits for the store write that carries it. */
    static final Duration STORE_WAIT = Duration.ofMillis(250);

    public record Heartbeat(Instant time) {}

    /** What a digest holds: node → heartbeat time, for the heartbeats of one write. */
    public record Digest(Map<String, Instant> times) {
        public Digest {
            times = times == null ? Map.of() : Map.copyOf(times);
        }
    }

    private final CoordinationStore store;
    private final Clock clock;
    private final Scheduler scheduler;
    private final PhiAccrualDetector detector;
    private final Records<NodeRecord> records;
    private final Records<Heartbeat> heartbeats;
    private final String digestId = UUID.randomUUID().toString();
    private boolean digestCreated;

    private final Set<String> missing = ConcurrentHashMap.newKeySet();
    /** When this controller last found each node registered. */
    private final Map<String, Instant> registeredSeen = new ConcurrentHashMap<>();
    private final Set<String> heartbeatStored = ConcurrentHashMap.newKeySet();
    private final Object batchLock = new Object();
    private HeartbeatBatch open = new HeartbeatBatch();
    private boolean flushScheduled;

    /** Heartbeats taken while the previous batch was being written; written together, in one transaction. */
    private static final class HeartbeatBatch {
        final Map<String, Instant> times = new LinkedHashMap<>();
        final CompletableFuture<Void> written = new CompletableFuture<>();
    }

    public NodeRegistry(CoordinationStore store, Clock clock, Scheduler scheduler, PhiAccrualDetector detector) {
        this.store = store;
        this.clock = clock;
        this.scheduler = scheduler;
        this.detector = detector;
        this.records = new Records<>(store, null, NodeRecord.class); // registrations have no events
        this.heartbeats = new Records<>(store, null, Heartbeat.class);
    }

    public NodeRecord register(String name, Map<String, String> labels) {
        Names.requireNode(name);
        for (var e : labels.entrySet()) {
            if (e.getKey().isBlank() || e.getKey().length() > 63 || e.getValue().length() > 253) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "label '" + e.getKey() + "=" + e.getValue() + "' is not allowed",
                        "labels are key=value with a non-empty key of at most 63 characters");
            }
        }
        Instant now = clock.instant();
        NodeRecord r = records.update(NODES.child(name), cur -> Change.put(cur
                .map(old -> new NodeRecord(name, labels, old.registeredAt(), old.standby()))
                .orElseGet(() -> new NodeRecord(name, labels, now, false)))).after().orElseThrow();
        missing.remove(name);
        heartbeat(name);
        return r;
    }

    /**
     * Takes a heartbeat: stamps it with this controller's clock, counts it in the failure detector
     * at once, and returns once it is in the store. Heartbeats arriving together are written
     * together (group commit: one transaction carries every heartbeat taken while the previous one
     * was being written), so a hundred nodes heartbeating twice a second cost a few store writes a
     * second, not two hundred.
     */
    public Instant heartbeat(String name) {
        Names.requireNode(name);
        Instant now = clock.instant(); // stamped on arrival, before any store round trip
        if (missing.remove(name)) {
            throw notRegistered(name);
        }
        Instant seen = registeredSeen.get(name);
        if (seen == null) { // first heartbeat here: check now
            if (!store.exists(NODES.child(name))) throw notRegistered(name);
            registeredSeen.put(name, now);
        } else if (Duration.between(seen, now).compareTo(RECHECK_REGISTRATION) > 0) {
            // seen before: check again in the background; a node found gone is told so on its next heartbeat
            registeredSeen.put(name, now);
            scheduler.execute(() -> {
                try {
                    if (!store.exists(NODES.child(name))) {
                        registeredSeen.remove(name);
                        missing.add(name);
                    }
                } catch (RuntimeException e) {
                    registeredSeen.put(name, Instant.EPOCH); // store unavailable: check again next time
                }
            });
        }
        // counted here at once: the store may report the write to this controller's watch seconds later under load
        detector.heartbeat(name, now);
        if (!heartbeatStored.contains(name)) { // the first one creates the entry
            store.put(HEARTBEATS.child(name), Json.bytes(new Heartbeat(now)));
            heartbeatStored.add(name);
            return now;
        }
        HeartbeatBatch mine;
        synchronized (batchLock) {
            mine = open;
            mine.times.put(name, now);
            if (!flushScheduled) {
                flushScheduled = true;
                scheduler.schedule(BATCH_WINDOW, this::flush); // let the heartbeats of the next few ms join this write
            }
        }
        try {
            // the heartbeat counts from now (this controller's detector has it); the reply waits for
            // the store only so long, so that a slow store write does not slow the node's heartbeats
            mine.written.get(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return now;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.UNAVAILABLE, "interrupted while storing the heartbeat of '" + name + "'", null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CairnException ce) throw ce;
            throw new CairnException(ErrorCode.UNAVAILABLE, "cannot store the heartbeat of '" + name + "': " + e.getCause(), null);
        }
        return now;
    }

    private static CairnException notRegistered(String name) {
        return new CairnException(ErrorCode.NOT_FOUND, "node '" + name + "' is not registered", "the agent registers again on its own");
    }

    /** Writes the open batch, and schedules the next write if heartbeats arrived meanwhile. */
    private void flush() {
        HeartbeatBatch b;
        synchronized (batchLock) {
            b = open;
            open = new HeartbeatBatch();
        }
        if (!b.times.isEmpty()) write(b);
        synchronized (batchLock) {
            if (open.times.isEmpty()) flushScheduled = false;
            else scheduler.schedule(BATCH_WINDOW, this::flush);
        }
    }

    private void write(HeartbeatBatch b) {
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

    /** Every heartbeat stored now, node → time (unreadable entries are skipped). */
    Map<String, Instant> storedHeartbeats() {
        Map<String, Instant> out = new LinkedHashMap<>();
        for (String node : store.children(HEARTBEATS)) {
            try {
                heartbeats.find(HEARTBEATS.child(node)).ifPresent(h -> out.put(node, h.time()));
            } catch (RuntimeException ex) {
                LOG.debug("unreadable heartbeat for {}: {}", node, ex.getMessage());
            }
        }
        return out;
    }

    /** Watches every controller's heartbeat digests: {@code listener} gets node → time for each write. */
    AutoCloseable watchDigests(Consumer<Map<String, Instant>> listener) {
        return store.watch(DIGESTS, e -> {
            if (e.path().segments().size() != DIGESTS.segments().size() + 1 || e.type() == StoreEvent.Type.DELETED) return;
            try {
                listener.accept(Json.read(e.data(), Digest.class).times());
            } catch (RuntimeException ex) {
                LOG.debug("unreadable heartbeat digest {}: {}", e.path(), ex.getMessage());
            }
        });
    }

    /** Watches the registrations: each node that exists first, then every change; empty when one is removed. */
    public AutoCloseable watch(BiConsumer<String, Optional<NodeRecord>> listener) {
        return records.watch(NODES, listener);
    }

    public Optional<NodeRecord> find(String name) {
        return records.find(NODES.child(name));
    }

    public NodeRecord setStandby(String name, boolean standby) {
        return records.update(NODES.child(name), cur -> Change.put(cur.orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND,
                "node '" + name + "' does not exist", "see 'cairn node list'")).withStandby(standby))).after().orElseThrow();
    }

    public Optional<Instant> lastHeartbeat(String name) {
        return heartbeats.find(HEARTBEATS.child(name)).map(Heartbeat::time);
    }

    /** Every registered node with the failure detector's judgement of it on this controller. */
    public List<NodeView> list() {
        Instant now = clock.instant();
        List<NodeView> out = new ArrayList<>();
        for (String name : store.children(NODES)) {
            Optional<NodeRecord> r = find(name);
            if (r.isEmpty()) continue;
            Instant hb = lastHeartbeat(name).orElse(null);
            NodeState st = NodeState.of(hb != null && detector.up(name, now));
            out.add(new NodeView(name, st, r.get().labels(), hb, r.get().standby()));
        }
        return out;
    }
}
