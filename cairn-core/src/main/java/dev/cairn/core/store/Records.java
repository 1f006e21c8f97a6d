package dev.cairn.core.store;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Typed entries of one kind in the coordination store, and the one way to change them: a
 * read-modify-write that writes the new value together with the events describing the change, in
 * one transaction, retried when someone else changed the entry meanwhile. Each subsystem's
 * repository (the one class that owns a store prefix) builds on this instead of its own
 * compare-and-set loop.
 *
 * <pre>{@code
 * Records<DeploymentSpec> specs = new Records<>(store, events, DeploymentSpec.class);
 * specs.update(path, cur -> cur.isEmpty()
 *         ? Change.put(spec, EventDraft.of("deployment.applied", name, "created"))
 *         : Change.none());
 * }</pre>
 *
 * @param <T> the entry's type, stored as JSON
 */
public final class Records<T> {
    private static final Logger LOG = Logger.getLogger(Records.class.getName());
    /** How often {@link #update} re-reads and retries before giving up with VERSION_CONFLICT. */
    static final int MAX_ATTEMPTS = 100;

    private final CoordinationStore store;
    private final EventLog events;
    private final Class<T> type;

    /** @param events where the events of changes are written (in the change's transaction); null for entries that have none */
    public Records(CoordinationStore store, EventLog events, Class<T> type) {
        this.store = store;
        this.events = events;
        this.type = type;
    }

    /**
     * What {@link #update} should do with the entry: nothing, put a value (create or replace), or
     * delete it; with the events describing the change and any further operations that must commit
     * with it (e.g. queueing work, checking another entry's version).
     */
    public record Change<T>(Kind kind, T value, List<EventDraft> events, List<StoreOp> also) {
        public enum Kind { NONE, PUT, DELETE }

        public Change {
            events = List.copyOf(events);
            also = List.copyOf(also);
        }

        public static <T> Change<T> none() {
            return new Change<>(Kind.NONE, null, List.of(), List.of());
        }

        public static <T> Change<T> put(T value, EventDraft... events) {
            return new Change<>(Kind.PUT, value, Arrays.asList(events), List.of());
        }

        public static <T> Change<T> put(T value, List<EventDraft> events) {
            return new Change<>(Kind.PUT, value, events, List.of());
        }

        public static <T> Change<T> delete(EventDraft... events) {
            return new Change<>(Kind.DELETE, null, Arrays.asList(events), List.of());
        }

        /** The same change, committed together with {@code ops}. */
        public Change<T> with(List<StoreOp> ops) {
            List<StoreOp> all = new ArrayList<>(also);
            all.addAll(ops);
            return new Change<>(kind, value, events, all);
        }
    }

    /**
     * The outcome of an update: the entry before and after (empty when absent), whether anything
     * was written, the events recorded, and the committed transaction (null when nothing was written).
     */
    public record Updated<T>(Optional<T> before, Optional<T> after, boolean changed, List<Event> events, TxResult.Committed tx) {}

    public Optional<T> find(StorePath path) {
        return store.get(path).filter(v -> v.value().length > 0).map(v -> decode(path, v.value()));
    }

    public Optional<Versioned<T>> get(StorePath path) {
        return store.get(path).filter(v -> v.value().length > 0).map(v -> new Versioned<>(decode(path, v.value()), v.version()));
    }

    /** Every entry directly under {@code dir}, in name order; entries that vanish meanwhile are skipped. */
    public List<T> list(StorePath dir) {
        List<T> out = new ArrayList<>();
        for (String name : store.children(dir)) find(dir.child(name)).ifPresent(out::add);
        return out;
    }

    /**
     * Watches the entries directly under {@code dir}: each one that exists first, then every change,
     * decoded, with its name; empty when it was deleted. An entry that cannot be decoded is logged
     * and skipped. Delivered on the store's watch thread: keep the listener quick.
     */
    public AutoCloseable watch(StorePath dir, BiConsumer<String, Optional<T>> listener) {
        return store.watch(dir, e -> {
            if (!e.path().parent().equals(dir) || e.path().equals(dir)) return;
            if (e.type() == StoreEvent.Type.DELETED) {
                listener.accept(e.path().name(), Optional.empty());
                return;
            }
            if (e.data() == null || e.data().length == 0) return;
            T value;
            try {
                value = decode(e.path(), e.data());
            } catch (CairnException ex) {
                LOG.log(Level.WARNING, ex.getMessage());
                return;
            }
            listener.accept(e.path().name(), Optional.of(value));
        });
    }

    /**
     * Reads the entry, asks {@code f} what to do, and writes that with its events in one
     * transaction; on a conflict (the entry changed, or an {@code also} operation failed because of
     * a concurrent change) reads again and asks again. {@code f} may be called more than once and
     * must not have side effects; it may throw to refuse the change.
     */
    public Updated<T> update(StorePath path, Function<Optional<T>, Change<T>> f) {
        int otherConflicts = 0;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Versioned<byte[]>> cur = store.get(path);
            Optional<T> before = cur.filter(v -> v.value().length > 0).map(v -> decode(path, v.value()));
            Change<T> change = f.apply(before);
            List<StoreOp> ops = new ArrayList<>();
            byte[] data = null;
            switch (change.kind()) {
                case NONE -> {
                    return new Updated<>(before, before, false, List.of(), null);
                }
                case PUT -> {
                    data = Json.bytes(change.value());
                    if (cur.isPresent() && Arrays.equals(cur.get().value(), data) && change.also().isEmpty() && change.events().isEmpty()) {
                        return new Updated<>(before, before, false, List.of(), null);
                    }
                    ops.add(cur.isEmpty() ? StoreOp.create(path, data) : StoreOp.set(path, data, cur.get().version()));
                }
                case DELETE -> {
                    if (cur.isEmpty()) return new Updated<>(before, Optional.empty(), false, List.of(), null);
                    ops.add(StoreOp.delete(path, cur.get().version()));
                }
            }
            ops.addAll(change.also());
            TxResult result;
            List<Event> written;
            if (change.events().isEmpty() || events == null) {
                result = store.transact(ops);
                written = List.of();
            } else {
                EventLog.Tx tx = events.transact(ops, change.events());
                result = tx.result();
                written = tx.events();
            }
            if (result instanceof TxResult.Committed c) {
                Optional<T> after = change.kind() == Change.Kind.PUT ? Optional.of(change.value()) : Optional.empty();
                return new Updated<>(before, after, true, written, c);
            }
            if (result instanceof TxResult.Conflict c && c.index() > 0 && ++otherConflicts >= 3) {
                // not this entry: an operation that goes with the change keeps failing
                throw new CairnException(ErrorCode.CONFLICT, "cannot change " + path + ": " + c.path() + " " + switch (c.reason()) {
                    case EXISTS -> "already exists";
                    case MISSING -> "does not exist";
                    case BAD_VERSION -> "changed meanwhile";
                }, "try again");
            }
        }
        throw new CairnException(ErrorCode.VERSION_CONFLICT, path + " kept changing while it was being updated", "try again");
    }

    private T decode(StorePath path, byte[] data) {
        try {
            return Json.read(data, type);
        } catch (RuntimeException e) {
            throw new CairnException(ErrorCode.INTERNAL, "the store entry " + path + " is not a readable " + type.getSimpleName() + ": " + e.getMessage(),
                    "the entry was written by another version of Cairn, or damaged", e);
        }
    }
}
