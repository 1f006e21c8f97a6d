package dev.cairn.packages;

import dev.cairn.core.Json;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.core.store.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The operation queue and the error queue on the coordination store: one entry per coordinate in
 * each, under {@code /cairn/packages/operations/<name@version>} and {@code /cairn/packages/errors/<name@version>}
 * (the coordinate is one encoded {@link StorePath} segment). Every change is one transaction whose
 * operations carry the versions read in the {@link QueueSnapshot}; a concurrent change makes it
 * return false (nothing written), and the caller re-reads.
 *
 * <p>Every change carries the events that describe it in the same transaction (see
 * {@link PackageEvents}): when the version check fails, neither the change nor its events exist.
 * Changes that arrive at the same moment are committed together ({@link GroupCommit}), with the
 * same outcome for each as if it had been committed alone.
 */
public final class PackageQueue {
    public static final StorePath ROOT = StorePath.of("cairn", "packages");
    public static final StorePath OPERATIONS = ROOT.child("operations");
    public static final StorePath ERRORS = ROOT.child("errors");

    private final CoordinationStore store;
    private final PackageEvents events;
    private final GroupCommit group;

    public PackageQueue(CoordinationStore store, PackageEvents events) {
        this.store = store;
        this.events = events;
        this.group = new GroupCommit(store);
    }

    public PackageEvents events() { return events; }

    public CoordinationStore store() { return store; }

    public static StorePath operationPath(Coordinate c) { return OPERATIONS.child(c.toString()); }

    public static StorePath errorPath(Coordinate c) { return ERRORS.child(c.toString()); }

    public QueueSnapshot read(Coordinate c) {
        Optional<Versioned<OperationEntry>> op = store.get(operationPath(c))
                .map(v -> new Versioned<>(Json.read(v.value(), OperationEntry.class), v.version()));
        Optional<Versioned<ErrorEntry>> err = store.get(errorPath(c))
                .map(v -> new Versioned<>(Json.read(v.value(), ErrorEntry.class), v.version()));
        return new QueueSnapshot(c, op, err);
    }

    /** Coordinates with a queued operation, sorted. */
    public List<Coordinate> operationCoordinates() {
        return coordinates(OPERATIONS);
    }

    /** Coordinates with an error entry, sorted. */
    public List<Coordinate> errorCoordinates() {
        return coordinates(ERRORS);
    }

    private List<Coordinate> coordinates(StorePath parent) {
        List<Coordinate> out = new ArrayList<>();
        for (String child : store.children(parent)) {
            try {
                out.add(Coordinate.parse(child));
            } catch (RuntimeException e) {
                // not ours (a stray entry): ignored rather than breaking every listing
            }
        }
        return out;
    }

    public TreeSet<Coordinate> allCoordinates() {
        TreeSet<Coordinate> all = new TreeSet<>(operationCoordinates());
        all.addAll(errorCoordinates());
        return all;
    }

    /**
     * Puts {@code entry} in the operation queue, given the snapshot it was decided on: creates the
     * entry when there was none, replaces it at the read version otherwise (an Uninstall taking over
     * a failing install), and checks that the error entry is still at the version read.
     */
    public boolean enqueue(QueueSnapshot seen, OperationEntry entry, PackageEvent event) {
        List<StoreOp> ops = new ArrayList<>();
        StorePath p = operationPath(seen.coordinate());
        ops.add(seen.operation().isPresent()
                ? StoreOp.set(p, Json.bytes(entry), seen.operation().get().version())
                : StoreOp.create(p, Json.bytes(entry)));
        seen.error().ifPresent(e -> ops.add(StoreOp.check(errorPath(seen.coordinate()), e.version())));
        return commit(ops, List.of(event));
    }

    /** The operation succeeded: both entries go, in one transaction. */
    public boolean complete(QueueSnapshot seen, List<PackageEvent> described) {
        List<StoreOp> ops = new ArrayList<>();
        seen.operation().ifPresent(o -> ops.add(StoreOp.delete(operationPath(seen.coordinate()), o.version())));
        seen.error().ifPresent(e -> ops.add(StoreOp.delete(errorPath(seen.coordinate()), e.version())));
        if (ops.isEmpty()) return true;
        return commit(ops, described);
    }

    /** An attempt failed and will be retried: the operation stays (checked), the error entry is written. */
    public boolean recordRetry(QueueSnapshot seen, ErrorEntry error, List<PackageEvent> described) {
        List<StoreOp> ops = new ArrayList<>();
        seen.operation().ifPresent(o -> ops.add(StoreOp.check(operationPath(seen.coordinate()), o.version())));
        ops.add(writeError(seen, error));
        return commit(ops, described);
    }

    /** The last attempt failed: the operation is dropped and the error kept. */
    public boolean recordFailure(QueueSnapshot seen, ErrorEntry error, List<PackageEvent> described) {
        List<StoreOp> ops = new ArrayList<>();
        seen.operation().ifPresent(o -> ops.add(StoreOp.delete(operationPath(seen.coordinate()), o.version())));
        ops.add(writeError(seen, error));
        return commit(ops, described);
    }

    /**
     * Records events about something that is not a queue change (e.g. partial files removed from
     * storage with nothing queued), in a transaction of their own.
     */
    public void record(List<PackageEvent> described) {
        if (!described.isEmpty()) commit(new ArrayList<>(), described);
    }

    /** {@code ops} plus one append per event, as one transaction. */
    private boolean commit(List<StoreOp> ops, List<PackageEvent> described) {
        List<StoreOp> all = new ArrayList<>(ops);
        for (PackageEvent e : described) all.add(events.op(e));
        TxResult r = group.transact(all);
        if (r.committed() && !described.isEmpty()) events.committed(all, r);
        return r.committed();
    }

    private StoreOp writeError(QueueSnapshot seen, ErrorEntry error) {
        StorePath p = errorPath(seen.coordinate());
        return seen.error().isPresent()
                ? StoreOp.set(p, Json.bytes(error), seen.error().get().version())
                : StoreOp.create(p, Json.bytes(error));
    }

    /** For diagnostics of a failed transaction. */
    static String describe(TxResult r) {
        return r instanceof TxResult.Conflict c ? c.reason() + " at " + c.path() : "committed";
    }
}
