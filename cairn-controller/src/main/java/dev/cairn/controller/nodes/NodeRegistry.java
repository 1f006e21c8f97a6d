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
import java.util.ArrayList;
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

    public Instant heartbeat(String name) {
        Names.requireNode(name);
        if (!store.exists(NODES.child(name))) {
            throw new CairnException(ErrorCode.NOT_FOUND, "node '" + name + "' is not registered", "the agent registers again on its own");
        }
        Instant now = clock.instant();
        store.put(HEARTBEATS.child(name), Json.bytes(new Heartbeat(now)));
        return now;
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
