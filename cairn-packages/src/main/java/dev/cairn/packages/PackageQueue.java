package dev.cairn.packages;

import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.Records;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The operation queue and the error queue on the coordination store, and the one class that reads
 * or writes them: one entry per coordinate in each, under {@code /cairn/packages/operations/<name@version>}
 * ({@link OperationEntry}) and {@code /cairn/packages/errors/<name@version>} ({@link ErrorEntry}); the
 * coordinate is one encoded {@link StorePath} segment.
 *
 * <p>Every change carries the events that describe it in the same transaction, written through the
 * event log ({@link EventLog#transact}, or {@link Records#update} for a request joining the queue):
 * when a version check fails, neither the change nor its events exist. Changes that arrive at the
 * same moment are committed together, with the same outcome for each as if it had been committed alone.
 */
public final class PackageQueue {
    public static final StorePath ROOT = StorePath.of("cairn", "packages");
    public static final StorePath OPERATIONS = ROOT.child("operations");
    public static final StorePath ERRORS = ROOT.child("errors");

    private final CoordinationStore store;
    private final EventLog events;
    private final Records<OperationEntry> operations;
    private final Records<ErrorEntry> errors;

    public PackageQueue(CoordinationStore store, EventLog events) {
        this.store = store;
        this.events = events;
        this.operations = new Records<>(store, events, OperationEntry.class);
        this.errors = new Records<>(store, events, ErrorEntry.class);
    }

    static StorePath operationPath(Coordinate c) { return OPERATIONS.child(c.toString()); }

    static StorePath errorPath(Coordinate c) { return ERRORS.child(c.toString()); }

    /** What both queues hold for {@code c}, with the versions a change decided on it checks. */
    public QueueSnapshot read(Coordinate c) {
        return new QueueSnapshot(c, operations.get(operationPath(c)), errors.get(errorPath(c)));
    }

    /** Calls {@code onChange} whenever the operation entry of {@code c} is created, changed or removed, until closed. */
    public AutoCloseable watchOperation(Coordinate c, Runnable onChange) {
        return store.watch(operationPath(c), e -> onChange.run());
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
     * What a request may do given what the queues hold for its coordinate: join the queue as
     * {@code entry} with {@code event}, and answer {@code answer}. {@link #enqueue}'s decision
     * throws instead to refuse the request.
     */
    public record Admission<A>(OperationEntry entry, EventDraft event, A answer) {}

    /**
     * Puts a request in the operation queue if {@code decide} admits it given what the queues hold
     * for {@code c} (it throws to refuse): creates the entry when there was none, replaces it
     * otherwise (an Uninstall taking over a failing install), checking that the error entry is
     * still the one decided on. When either entry changed meanwhile, reads again and decides again
     * ({@code decide} may run more than once and must not have side effects). Returns the answer of
     * the decision that was written.
     */
    public <A> A enqueue(Coordinate c, Function<QueueView, Admission<A>> decide) {
        AtomicReference<Admission<A>> written = new AtomicReference<>();
        operations.update(operationPath(c), pending -> {
            Optional<Versioned<ErrorEntry>> error = errors.get(errorPath(c));
            Admission<A> a = decide.apply(new QueueView(c, pending, error.map(Versioned::value)));
            written.set(a);
            return Records.Change.put(a.entry(), a.event())
                    .with(error.map(e -> List.of(StoreOp.check(errorPath(c), e.version()))).orElse(List.of()));
        });
        return written.get().answer();
    }

    /** The operation succeeded: both entries go, in one transaction. */
    public boolean complete(QueueSnapshot seen, List<EventDraft> described) {
        List<StoreOp> ops = new ArrayList<>();
        seen.operation().ifPresent(o -> ops.add(StoreOp.delete(operationPath(seen.coordinate()), o.version())));
        seen.error().ifPresent(e -> ops.add(StoreOp.delete(errorPath(seen.coordinate()), e.version())));
        if (ops.isEmpty()) return true;
        return commit(ops, described);
    }

    /** An attempt failed and will be retried: the operation stays (checked), the error entry is written. */
    public boolean recordRetry(QueueSnapshot seen, ErrorEntry error, List<EventDraft> described) {
        List<StoreOp> ops = new ArrayList<>();
        seen.operation().ifPresent(o -> ops.add(StoreOp.check(operationPath(seen.coordinate()), o.version())));
        ops.add(writeError(seen, error));
        return commit(ops, described);
    }

    /** The last attempt failed: the operation is dropped and the error kept. */
    public boolean recordFailure(QueueSnapshot seen, ErrorEntry error, List<EventDraft> described) {
        List<StoreOp> ops = new ArrayList<>();
        seen.operation().ifPresent(o -> ops.add(StoreOp.delete(operationPath(seen.coordinate()), o.version())));
        ops.add(writeError(seen, error));
        return commit(ops, described);
    }

    /**
     * Records events about something that is not a queue change (e.g. partial files removed from
     * storage with nothing queued), in a transaction of their own.
     */
    public void record(List<EventDraft> described) {
        if (!described.isEmpty()) commit(List.of(), described);
    }

    private boolean commit(List<StoreOp> ops, List<EventDraft> described) {
        return events.transact(ops, described).result().committed();
    }

    private StoreOp writeError(QueueSnapshot seen, ErrorEntry error) {
        StorePath p = errorPath(seen.coordinate());
        byte[] data = dev.cairn.core.Json.bytes(error);
        return seen.error().isPresent() ? StoreOp.set(p, data, seen.error().get().version()) : StoreOp.create(p, data);
    }
}
