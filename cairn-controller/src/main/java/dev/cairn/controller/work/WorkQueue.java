package dev.cairn.controller.work;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.Names;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.Records;
import dev.cairn.core.store.Records.Change;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller→agent work channel in the coordination store. Work for a node lives at
 * {@code /work/<node>/w-<seq>} (sequential, so agents see it in the order it was queued); an
 * acknowledged item is removed and its result written to {@code /work-results/<node>/<id>} in the
 * same transaction, where whoever queued it picks it up. Entries stay tiny. This is the one class
 * that knows these paths: others watch and read work and results through it, decoded.
 */
public final class WorkQueue {
    private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
    public static final StorePath WORK = StorePath.of("work");
    public static final StorePath RESULTS = StorePath.of("work-results");
    /** The current leader's epoch, published when it takes over; polls hand it to agents. */
    public static final StorePath EPOCH = StorePath.of("work-epoch");

    /** What is stored for an item; the id is the entry's name. */
    record Stored(String kind, long epoch, JsonNode payload, Instant created) {}

    record StoredResult(String kind, long epoch, JsonNode payload, JsonNode result, Instant time) {}

    /** A node's queued item as a watch sees it: the item, or empty once it is gone (taken or withdrawn). */
    public record Queued(String node, String id, Optional<WorkItem> item) {}

    /** A node's result as a watch sees it: the result, or empty once it was taken. */
    public record Answered(String node, String id, Optional<WorkResult> result) {}

    private final CoordinationStore store;
    private final Clock clock;
    private final Records<Long> epochs;

    public WorkQueue(CoordinationStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.epochs = new Records<>(store, null, Long.class);
    }

    public WorkItem submit(String node, String kind, long epoch, Object payload) {
        Names.requireNode(node);
        JsonNode p = Json.MAPPER.valueToTree(payload);
        Stored s = new Stored(kind, epoch, p, clock.instant());
        StorePath path = store.createSequential(WORK.child(node), "w-", Json.bytes(s));
        return new WorkItem(path.name(), node, kind, epoch, p, s.created());
    }

    /**
     * The operation that queues an item, for a caller that queues work in a transaction of its own
     * together with the change that asks for it; the item's id is the name of the path the
     * committed transaction reports for this operation.
     */
    public StoreOp.CreateSequential submitOp(String node, String kind, long epoch, Object payload) {
        Names.requireNode(node);
        Stored s = new Stored(kind, epoch, Json.MAPPER.valueToTree(payload), clock.instant());
        return new StoreOp.CreateSequential(WORK.child(node), "w-", Json.bytes(s));
    }

    /** The node's queued items, oldest first. */
    public List<WorkItem> pending(String node) {
        List<WorkItem> out = new ArrayList<>();
        for (String id : store.children(WORK.child(node))) {
            find(node, id).ifPresent(out::add);
        }
        return out;
    }

    /** The node's results not taken yet, oldest first. */
    public List<WorkResult> results(String node) {
        List<WorkResult> out = new ArrayList<>();
        for (String id : store.children(RESULTS.child(node))) {
            store.get(RESULTS.child(node).child(id)).ifPresent(v -> out.add(decodeResult(node, id, v.value())));
        }
        return out;
    }

    public Optional<WorkItem> find(String node, String id) {
        return store.get(WORK.child(node).child(id)).map(v -> decode(node, id, v.value()));
    }

    /** The agent's answer to item {@code id} of {@code node}, once it answered (until whoever queued it takes the result). */
    public Optional<WorkResult> result(String node, String id) {
        return store.get(RESULTS.child(node).child(id)).map(v -> decodeResult(node, id, v.value()));
    }

    /**
     * The id of the item of {@code node} of {@code kind} whose payload matches, whether still queued
     * or already answered: for a caller that lost the id the queue gave it (a crash between queueing
     * and recording it).
     */
    public Optional<String> findId(String node, String kind, java.util.function.Predicate<JsonNode> payload) {
        for (WorkItem w : pending(node)) {
            if (w.kind().equals(kind) && payload.test(w.payload())) return Optional.of(w.id());
        }
        for (String id : store.children(RESULTS.child(node))) {
            Optional<WorkResult> r = result(node, id);
            if (r.isPresent() && r.get().kind().equals(kind) && payload.test(r.get().payload())) return Optional.of(id);
        }
        return Optional.empty();
    }

    public static WorkItem decode(String node, String id, byte[] data) {
        Stored s = Json.read(data, Stored.class);
        return new WorkItem(id, node, s.kind(), s.epoch(), s.payload(), s.created());
    }

    public static WorkResult decodeResult(String node, String id, byte[] data) {
        StoredResult s = Json.read(data, StoredResult.class);
        return new WorkResult(id, node, s.kind(), s.epoch(), s.payload(), s.result(), s.time());
    }

    /**
     * Acknowledges an item: removes it and records the result, atomically. Completing an item that
     * is already gone is not an error (the agent retried after a lost answer): returns false.
     */
    public boolean complete(String node, String id, JsonNode result) {
        Names.requireNode(node);
        requireId(id);
        Optional<WorkItem> item = find(node, id);
        if (item.isEmpty()) return false;
        WorkItem w = item.get();
        StoredResult r = new StoredResult(w.kind(), w.epoch(), w.payload(), result, clock.instant());
        TxResult tx = store.transact(List.of(
                StoreOp.delete(WORK.child(node).child(id), StoreOp.ANY_VERSION),
                StoreOp.create(RESULTS.child(node).child(id), Json.bytes(r))));
        if (tx.committed()) return true;
        if (tx instanceof TxResult.Conflict c && c.index() == 1) {
            // a result is already there (an earlier attempt): just drop the item
            store.delete(WORK.child(node).child(id), StoreOp.ANY_VERSION);
        }
        return false; // or the item went meanwhile: an earlier attempt completed it
    }

    private static void requireId(String id) {
        if (!id.matches("w-[0-9]+")) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "work id '" + id + "' is not valid", "ids look like w-0000000042");
        }
    }

    /**
     * Acknowledges several items of one node at once, in one transaction (an agent answering a
     * whole poll); items already gone are skipped. Returns how many were removed. Should the
     * transaction conflict (an item went or a result appeared meanwhile), each is completed alone.
     */
    public int completeAll(String node, Map<String, JsonNode> resultsById) {
        return completeAll(node, resultsById, this::find);
    }

    /** {@link #completeAll(String, Map)} looking items up with {@code lookup} (e.g. a watch-fed copy) instead of the store. */
    public int completeAll(String node, Map<String, JsonNode> resultsById, java.util.function.BiFunction<String, String, Optional<WorkItem>> lookup) {
        Names.requireNode(node);
        List<StoreOp> ops = new ArrayList<>();
        for (var e : resultsById.entrySet()) {
            String id = e.getKey();
            requireId(id);
            Optional<WorkItem> item = lookup.apply(node, id);
            if (item.isEmpty()) continue;
            WorkItem w = item.get();
            StoredResult r = new StoredResult(w.kind(), w.epoch(), w.payload(), e.getValue(), clock.instant());
            ops.add(StoreOp.delete(WORK.child(node).child(id), StoreOp.ANY_VERSION));
            ops.add(StoreOp.create(RESULTS.child(node).child(id), Json.bytes(r)));
        }
        if (ops.isEmpty()) return 0;
        if (store.transact(ops).committed()) return ops.size() / 2;
        int n = 0;
        for (var e : resultsById.entrySet()) if (complete(node, e.getKey(), e.getValue())) n++;
        return n;
    }

    /** Removes an item nobody should run any more (its node went down, its deployment went away). */
    public boolean cancel(String node, String id) {
        return store.delete(WORK.child(node).child(id), StoreOp.ANY_VERSION);
    }

    /**
     * Raises the published leader epoch (never lowers it). Agents learn it with every poll, so work
     * that a deposed leader queues afterwards is refused even by agents the new leader has not yet
     * sent anything.
     */
    public void publishEpoch(long epoch) {
        epochs.update(EPOCH, cur -> cur.isPresent() && cur.get() >= epoch ? Change.none() : Change.put(epoch));
    }

    public long publishedEpoch() {
        return epochs.find(EPOCH).orElse(-1L);
    }

    /** The operation that removes a taken result (for a caller recording that in a transaction of its own). */
    public static StoreOp deleteResultOp(String node, String id) {
        return StoreOp.delete(RESULTS.child(node).child(id), StoreOp.ANY_VERSION);
    }

    /** The operation that withdraws a queued item; the transaction fails if the agent took it already. */
    public static StoreOp cancelOp(String node, String id) {
        return StoreOp.delete(WORK.child(node).child(id), StoreOp.ANY_VERSION);
    }

    public void deleteResult(String node, String id) {
        store.delete(RESULTS.child(node).child(id), StoreOp.ANY_VERSION);
    }

    /** Watches every node's queued work: each item that exists first, then each one queued or gone. */
    public AutoCloseable watchItems(Consumer<Queued> listener) {
        return watchEntries(WORK, "work item", WorkQueue::decode, (node, id, item) -> listener.accept(new Queued(node, id, item)));
    }

    /** Watches every node's results: each result that exists first, then each one answered or taken. */
    public AutoCloseable watchResults(Consumer<Answered> listener) {
        return watchEntries(RESULTS, "work result", WorkQueue::decodeResult, (node, id, r) -> listener.accept(new Answered(node, id, r)));
    }

    private interface Decoder<T> {
        T decode(String node, String id, byte[] data);
    }

    private interface EntryListener<T> {
        void changed(String node, String id, Optional<T> value);
    }

    /** Watches the entries {@code root/<node>/<id>}, decoded; an unreadable one is logged and skipped. */
    private <T> AutoCloseable watchEntries(StorePath root, String what, Decoder<T> decoder, EntryListener<T> listener) {
        return store.watch(root, e -> {
            if (e.path().segments().size() != root.segments().size() + 2) return;
            String node = e.path().parent().name();
            String id = e.path().name();
            if (e.type() == StoreEvent.Type.DELETED) {
                listener.changed(node, id, Optional.empty());
                return;
            }
            T value;
            try {
                value = decoder.decode(node, id, e.data());
            } catch (RuntimeException ex) {
                LOG.warn("unreadable {} {}/{}: {}", what, node, id, ex.getMessage());
                return;
            }
            listener.changed(node, id, Optional.of(value));
        });
    }

    /**
     * Waits up to {@code timeout} for the agent's result of item {@code id}, woken by a watch on
     * the result's entry (a result already there is returned at once). The result stays stored;
     * empty when none came in time.
     */
    public Optional<WorkResult> awaitResult(String node, String id, Duration timeout) throws InterruptedException {
        Names.requireNode(node);
        requireId(id);
        CompletableFuture<WorkResult> answer = new CompletableFuture<>();
        StorePath path = RESULTS.child(node).child(id);
        AutoCloseable watch = store.watch(path, e -> {
            if (!e.path().equals(path) || e.type() == StoreEvent.Type.DELETED) return;
            try {
                answer.complete(decodeResult(node, id, e.data()));
            } catch (RuntimeException ex) {
                answer.completeExceptionally(ex);
            }
        });
        try {
            return Optional.of(answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new CairnException(ErrorCode.INTERNAL, "the result of " + id + " from " + node + " is not readable: " + e.getCause().getMessage(),
                    "the agent runs another version of Cairn");
        } finally {
            try {
                watch.close();
            } catch (Exception ignored) {
                // the store is going away
            }
        }
    }
}
