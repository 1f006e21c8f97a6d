package dev.cairn.controller.instances;

import dev.cairn.controller.events.EventEmitter;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.Records;
import dev.cairn.core.store.Records.Change;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.Versioned;
import dev.cairn.instances.InstanceNames;
import dev.cairn.instances.InstanceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Instances and roles in the coordination store, and the one owner of {@code /instances}: records
 * at {@code /instances/items/<role>/<id>}, roles at {@code /instances/roles/<role>}, and the guards
 * that make one-per-role and one-per-cluster hold under concurrent installs at
 * {@code /instances/guards/<app@role|app@cluster>} (the value names the instance holding it).
 *
 * <p>Each change takes the event that describes it and writes both in one transaction
 * ({@link Records#update}): the event is in the log exactly when the change is in the store.
 */
public final class InstanceStore {
    static final StorePath ITEMS = StorePath.of("instances", "items");
    static final StorePath ROLES = StorePath.of("instances", "roles");
    static final StorePath GUARDS = StorePath.of("instances", "guards");

    public record Role(String name, Instant createdAt) {}

    private final CoordinationStore store;
    private final EventLog events;
    private final Records<InstanceRecord> items;
    private final Records<Role> roles;
    private final Records<String> guards;

    /** {@code events} may be null: changes are then written without events. */
    public InstanceStore(CoordinationStore store, EventLog events) {
        this.store = store;
        this.events = events;
        this.items = new Records<>(store, events, InstanceRecord.class);
        this.roles = new Records<>(store, events, Role.class);
        this.guards = new Records<>(store, events, String.class);
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
        return items.get(path(k));
    }

    public Versioned<InstanceRecord> require(InstanceNames.Key k) {
        return find(k).orElseThrow(() -> notFound(k));
    }

    static CairnException notFound(InstanceNames.Key k) {
        return new CairnException(ErrorCode.NOT_FOUND, "instance " + k + " does not exist", "see 'cairn instance list'");
    }

    public List<InstanceRecord> list() {
        List<InstanceRecord> out = new ArrayList<>();
        for (String role : store.children(ITEMS)) out.addAll(items.list(ITEMS.child(role)));
        return out;
    }

    /** Changes a record: {@code f} sees it (empty when absent) and says what to write with which events; see {@link Records#update}. */
    public Records.Updated<InstanceRecord> update(InstanceNames.Key k, Function<Optional<InstanceRecord>, Change<InstanceRecord>> f) {
        return items.update(path(k), f);
    }

    /** Which instance holds {@code guard}, if one does. */
    public Optional<String> guardHolder(String guard) {
        return guards.find(GUARDS.child(guard));
    }

    /**
     * Writes the record claiming an install (create, or replace a failed install's record) and takes
     * {@code guard} in the same transaction, with {@code event}. {@code check} sees the current
     * record and throws when the install may not go ahead; {@code held} makes the refusal when
     * another instance holds the guard. Both are asked again when a concurrent change intervened.
     */
    public InstanceRecord claimInstall(InstanceRecord claim, Optional<String> guard, EventDraft event,
                                       Consumer<Optional<InstanceRecord>> check, Function<String, CairnException> held) {
        String me = claim.key().toString();
        items.update(path(claim.key()), cur -> {
            check.accept(cur);
            Optional<String> holder = guard.flatMap(this::guardHolder);
            if (holder.isPresent() && !holder.get().equals(me)) throw held.apply(holder.get());
            Change<InstanceRecord> c = Change.put(claim, event);
            return guard.isPresent() && holder.isEmpty() ? c.with(List.of(StoreOp.create(GUARDS.child(guard.get()), Json.bytes(me)))) : c;
        });
        return claim;
    }

    /** The operations that release {@code guard} when {@code holder} holds it (none otherwise), for a change that releases it. */
    private List<StoreOp> release(Optional<String> guard, InstanceNames.Key holder) {
        if (guard.isEmpty()) return List.of();
        return store.get(GUARDS.child(guard.get()))
                .filter(v -> holder.toString().equals(Json.read(v.value(), String.class)))
                .map(v -> List.of(StoreOp.delete(GUARDS.child(guard.get()), v.version())))
                .orElse(List.of());
    }

    /**
     * Records that {@code step} failed (the state stays, the error is kept) with its
     * {@code instance.failed} event, releasing {@code guard} (a failed install's) in the same
     * transaction; when there is no record, the event alone. {@code applies} decides whether the
     * failure still concerns the record (e.g. it is still installing).
     */
    public void fail(InstanceNames.Key k, InstanceRecord.Step step, InstanceRecord.Failure failure, Optional<String> guard, Instant now,
                     java.util.function.Predicate<InstanceRecord> applies) {
        String msg = step.json() + " failed: " + failure.message();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("step", step.json());
        d.put("error", msg);
        EventDraft failed = EventEmitter.draft("instance.failed", k.toString(), "instance " + k + ": " + msg, d);
        Records.Updated<InstanceRecord> u = items.update(path(k), cur -> {
            if (cur.isEmpty() || !applies.test(cur.get())) return Change.none();
            return Change.put(cur.get().failed(step, failure, now), failed).with(release(guard, k));
        });
        if (u.before().isEmpty()) record(failed); // nothing to mark (the record was never written): the failure alone
    }

    /**
     * Deletes the record, and the guard {@code guard} when the record holds it, with {@code event};
     * {@code check} sees the record first and throws when it may not go.
     */
    public void delete(InstanceNames.Key k, Optional<String> guard, EventDraft event, Consumer<InstanceRecord> check) {
        items.update(path(k), cur -> {
            check.accept(cur.orElseThrow(() -> notFound(k)));
            return Change.<InstanceRecord>delete(event).with(release(guard, k));
        });
    }

    /** Calls {@code seen} with every record (the existing ones first) and again whenever one changes; close to stop. */
    public AutoCloseable watchAll(Consumer<InstanceRecord> seen) {
        return store.watch(ITEMS, e -> {
            if (e.type() == StoreEvent.Type.DELETED || e.path().segments().size() != 4 || e.data() == null || e.data().length == 0) return;
            InstanceRecord r;
            try {
                r = Json.read(e.data(), InstanceRecord.class);
            } catch (RuntimeException unreadable) {
                return; // written by another version of Cairn, or damaged: nobody can act on it
            }
            seen.accept(r);
        });
    }

    /** Calls {@code changed} whenever the record of {@code k} changes; close to stop. */
    public AutoCloseable watch(InstanceNames.Key k, Runnable changed) {
        return store.watch(path(k), e -> changed.run());
    }

    // ---- roles ------------------------------------------------------------------------------------

    public boolean roleExists(String role) {
        return role.equals(InstanceNames.SHARED_ROLE) || store.exists(ROLES.child(role));
    }

    /** Creates the role with {@code event}; false when it exists already. */
    public boolean createRole(String role, Instant now, EventDraft event) {
        return roles.update(ROLES.child(role), cur -> cur.isPresent() ? Change.none() : Change.put(new Role(role, now), event)).changed();
    }

    public boolean deleteRole(String role, EventDraft event) {
        return roles.update(ROLES.child(role), cur -> cur.isEmpty() ? Change.none() : Change.delete(event)).changed();
    }

    public List<String> roles() {
        List<String> out = new ArrayList<>(store.children(ROLES));
        if (!out.contains(InstanceNames.SHARED_ROLE)) out.add(0, InstanceNames.SHARED_ROLE);
        return out;
    }
}
