package dev.cairn.core.events;

import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.TxResult;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The event log port: every state change and decision of the cluster, in one order.
 *
 * <h2>Writing with the change it describes</h2>
 * A subsystem that changes state adds the event to the same store transaction, so the event is
 * recorded if and only if the change is: {@link dev.cairn.core.store.Records#update} for a
 * read-modify-write of one entry, or {@link #transact} for a change of several entries:
 * <pre>{@code
 * List<StoreOp> ops = List.of(StoreOp.set(opPath, bytes, version), StoreOp.check(errPath, errVersion));
 * EventLog.Tx tx = events.transact(ops, List.of(EventDraft.fitted("package.queued", coord, "queued install of " + coord, data)));
 * if (!tx.result().committed()) ... // neither the change nor the event exists
 * }</pre>
 * Transactions that arrive at the same moment may be committed together, each with the outcome it
 * would have had alone. ({@link #appendOp} and {@link #committed} serve callers that still build
 * the transaction themselves: add the op, run it, then pass the ops and the result to
 * {@code committed}, which returns the events with their seq and wakes followers.)
 *
 * <h2>Reading</h2>
 * {@link #after} reads oldest-first from a seq, {@link #latest} the newest events, {@link #poll}
 * waits for new ones, {@link #subscribe} delivers them on a thread of its own. A reader that
 * continues from the cursor it was given never misses an event and never sees one twice, except
 * for events that retention removed before it read them.
 */
public interface EventLog extends AutoCloseable {
    int DEFAULT_LIMIT = 100;
    int MAX_LIMIT = 1000;
    /** Most events {@link #appendAll} and {@link #transact} write in one transaction. */
    int MAX_BATCH = 200;

    /** Appends one event in a transaction of its own; returns it with its seq. */
    default Event append(EventDraft draft) {
        return appendAll(List.of(draft)).get(0);
    }

    /** Appends the drafts in one transaction, in list order, each with its own seq. */
    List<Event> appendAll(List<EventDraft> drafts);

    /** The operation that writes {@code draft} inside the caller's own transaction (time = now). */
    StoreOp appendOp(EventDraft draft);

    /** After the caller's transaction ran: the events it wrote, with their seq (empty if it did not commit). */
    List<Event> committed(List<StoreOp> ops, TxResult result);

    /** Runs {@code ops} plus one append per draft in one transaction. */
    Tx transact(List<StoreOp> ops, List<EventDraft> drafts);

    /** A transaction's outcome and, when it committed, the events it recorded. */
    record Tx(TxResult result, List<Event> events) {
        public Tx {
            events = List.copyOf(events);
        }
    }

    /** Matching events with seq greater than {@code since}, oldest first, at most {@code limit}. */
    EventPage after(EventFilter filter, long since, int limit);

    /** The newest {@code limit} matching events, oldest first; the cursor is the newest seq in the log. */
    EventPage latest(EventFilter filter, int limit);

    /** Like {@link #after}, but waits up to {@code wait} for a matching event when there is none yet. */
    EventPage poll(EventFilter filter, long since, int limit, Duration wait) throws InterruptedException;

    /** The seq of the newest event, or 0 when the log is empty. */
    long headSeq();

    /**
     * Delivers every matching event after {@code since}, in order, on a thread of its own, until
     * the returned handle is closed. Store outages are retried; the listener sees no gaps and no
     * repeats other than what retention removed.
     */
    AutoCloseable subscribe(EventFilter filter, long since, Consumer<Event> listener);

    @Override
    void close();
}
