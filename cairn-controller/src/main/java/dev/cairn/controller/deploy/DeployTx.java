package dev.cairn.controller.deploy;

import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.TxResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a store change together with the events that describe it, in one transaction (see {@link DeployEvents}). */
final class DeployTx {
    /** An event describing a change. */
    record Ev(String type, String subject, String message, Map<String, Object> data) {}

    /** Most changes (plus as many events) per transaction: keeps each well under the store's request size limit. */
    static final int MAX_CHANGES = 100;

    private DeployTx() {}

    /** Runs {@code changes} plus one event write per {@code events}; the events are recorded iff the changes commit. */
    static TxResult run(CoordinationStore store, DeployEvents sink, List<StoreOp> changes, List<Ev> events) {
        List<StoreOp> ops = new ArrayList<>(changes);
        if (sink.writesToStore()) {
            for (Ev e : events) ops.add(sink.op(e.type(), e.subject(), e.message(), e.data()));
        }
        TxResult r = store.transact(ops);
        if (sink.writesToStore()) sink.committed(ops, r);
        if (r.committed()) {
            for (Ev e : events) sink.recorded(e.type(), e.subject(), e.message(), e.data());
        }
        return r;
    }

    static TxResult run(CoordinationStore store, DeployEvents sink, StoreOp change, Ev event) {
        return run(store, sink, List.of(change), List.of(event));
    }
}
