package dev.cairn.core.events;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.GroupCommit;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.TxResult;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The write side of an event log kept in the coordination store ({@link EventCodec} gives the
 * layout): a change and the events describing it in one store transaction, so an event exists if
 * and only if its change does. Transactions that arrive at the same moment are committed together
 * ({@link GroupCommit}), each with the outcome it would have had alone. A store-backed
 * {@link EventLog} implements {@link EventLog#transact} with this.
 */
public final class StoreEventWriter {
    private final Clock clock;
    private final GroupCommit group;

    public StoreEventWriter(CoordinationStore store, Clock clock) {
        this.clock = clock;
        this.group = new GroupCommit(store);
    }

    /** Runs {@code ops} plus one append per draft (timed now) in one transaction; see {@link EventLog#transact}. */
    public EventLog.Tx transact(List<StoreOp> ops, List<EventDraft> drafts) {
        if (drafts.size() > EventLog.MAX_BATCH) {
            throw new CairnException(ErrorCode.TOO_LARGE, drafts.size() + " events in one transaction, more than " + EventLog.MAX_BATCH,
                    "split them into several transactions");
        }
        List<StoreOp> all = new ArrayList<>(ops);
        Instant now = clock.instant();
        for (EventDraft d : drafts) all.add(EventCodec.appendOp(d, now));
        if (all.isEmpty()) return new EventLog.Tx(new TxResult.Committed(List.of(), List.of()), List.of());
        TxResult r = group.transact(all);
        return new EventLog.Tx(r, EventCodec.written(all, r));
    }

    /** The operation that writes {@code draft} inside a caller's own transaction, timed now. */
    public StoreOp appendOp(EventDraft draft) {
        return EventCodec.appendOp(draft, clock.instant());
    }
}
