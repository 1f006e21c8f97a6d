package dev.cairn.controller.instances;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.core.store.Versioned;
import dev.cairn.instances.InstanceNames;
import dev.cairn.instances.InstanceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Instances and roles in the coordination store: records at {@code /instances/items/<role>/<id>},
 * roles at {@code /instances/roles/<role>}, and the guards that make one-per-role and
 * one-per-cluster hold under concurrent installs at {@code /instances/guards/<app@role|app@cluster>}
 * (the value names the instance holding it).
 *
 * <p>Each change takes the event that describes it and writes both in one transaction: the event
 * is in the log exactly when the change is in the store.
 */
public final class InstanceStore {
    static final StorePath ITEMS = StorePath.of("instances", "items");
    static final StorePath ROLES = StorePath.of("instances", "roles");
    static final StorePath GUARDS = StorePath.of("instances", "guards");

    public record Role(String name, Instant createdAt) {}

    private final CoordinationStore store;
    private final EventLog events;

    /** {@code events} may be null: changes are then written without events. */
    public InstanceStore(CoordinationStore store, EventLog events) {
        this.store = store;
        this.events = events;
    }

    private TxResult transact(List<StoreOp> ops, EventDraft event) {
        if (events == null || event == null) return store.transact(ops);
        return events.transact(ops, List.of(event)).result();
    }

    /** Records an event about a change outside the store (stage files written or removed). */
    public void record(EventDraft event) {
        if (events != null) events.transact(List.of(), List.of(event));
    }

    public CoordinationStore store() { return store; }

    static StorePath path(InstanceNames.Key k) {
        return ITEMS.child(k.role()).child(k.id());
    }

    public Optional<Versioned<InstanceRecord>> find(InstanceNames.Key k) {
        return store.get(path(k)).map(v -> new Versioned<>(Json.read(v.value(), InstanceRecord.class), v.version()));
    }

    public Versioned<InstanceRecord> require(InstanceNames.Key k) {
        return find(k).orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND, "instance " + k + " does not exist",
                "see 'cairn instance list'"));
    }

    public List<InstanceRecord> list() {
        List<InstanceRecord> out = new ArrayList<>();
        for (String role : store.children(ITEMS)) {
            for (String id : store.children(ITEMS.child(role))) {
                store.get(ITEMS.child(role).child(id)).filter(v -> v.value().length > 0)
                        .ifPresent(v -> out.add(Json.read(v.value(), InstanceRecord.class)));
            }
        }
        return out;
    }

    /** Replaces the record if still at {@code version}, with {@code event} (may be null); false when someone else changed it. */
    public boolean replace(InstanceRecord r, long version, EventDraft event) {
        return transact(List.of(StoreOp.set(path(r.key()), Json.bytes(r), version)), event).committed();
    }

    /**
     * Writes the record claiming an install (create, or replace at {@code version} when a failed
     * install left one) and takes {@code guard} in the same transaction. Empty on success; else the
     * holder of the guard, or "" when the record changed under us.
     */
    public Optional<String> claimInstall(InstanceRecord r, Optional<Long> version, Optional<String> guard, EventDraft event) {
        List<StoreOp> ops = new ArrayList<>();
        ops.add(version.isPresent() ? StoreOp.set(path(r.key()), Json.bytes(r), version.get()) : StoreOp.create(path(r.key()), Json.bytes(r)));
        guard.ifPresent(g -> ops.add(StoreOp.create(GUARDS.child(g), Json.bytes(r.key().toString()))));
        TxResult t = transact(ops, event);
        if (t.committed()) return Optional.empty();
        if (t instanceof TxResult.Conflict c && c.index() == 1) {
            return Optional.of(store.get(GUARDS.child(guard.orElseThrow())).map(v -> Json.read(v.value(), String.class)).orElse("?"));
        }
        return Optional.of("");
    }

    public void releaseGuard(Optional<String> guard, InstanceNames.Key holder) {
        guard.ifPresent(g -> store.get(GUARDS.child(g)).ifPresent(v -> {
            if (holder.toString().equals(Json.read(v.value(), String.class))) store.delete(GUARDS.child(g), v.version());
        }));
    }

    /**
     * Deletes the record at {@code version}, and the guard {@code guard} when the record holds it,
     * with {@code event}; false when the record changed meanwhile.
     */
    public boolean delete(InstanceRecord r, long version, Optional<String> guard, EventDraft event) {
        List<StoreOp> ops = new ArrayList<>();
        ops.add(StoreOp.delete(path(r.key()), version));
        guard.flatMap(g -> store.get(GUARDS.child(g)))
                .filter(v -> r.key().toString().equals(Json.read(v.value(), String.class)))
                .ifPresent(v -> ops.add(StoreOp.delete(GUARDS.child(guard.get()), v.version())));
        return transact(ops, event).committed();
    }

    // ---- roles ------------------------------------------------------------------------------------

    public boolean roleExists(String role) {
        return role.equals(InstanceNames.SHARED_ROLE) || store.exists(ROLES.child(role));
    }

    public boolean createRole(String role, Instant now, EventDraft event) {
        return transact(List.of(StoreOp.create(ROLES.child(role), Json.bytes(new Role(role, now)))), event).committed();
    }

    public boolean deleteRole(String role, EventDraft event) {
        return transact(List.of(StoreOp.delete(ROLES.child(role), StoreOp.ANY_VERSION)), event).committed();
    }

    public List<String> roles() {
        List<String> out = new ArrayList<>(store.children(ROLES));
        if (!out.contains(InstanceNames.SHARED_ROLE)) out.add(0, InstanceNames.SHARED_ROLE);
        return out;
    }
}
