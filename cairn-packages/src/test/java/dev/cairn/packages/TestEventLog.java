package dev.cairn.packages;

import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventCodec;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.events.EventPage;
import dev.cairn.core.events.StoreEventWriter;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The event log these tests need, in the store: changes and their events are written by
 * {@link StoreEventWriter}, exactly as the controller's log writes them; reads list {@code /events}
 * and decode every entry (no cache, no waiting: {@link #poll} and {@link #subscribe} are not needed here).
 */
public final class TestEventLog implements EventLog {
    private final CoordinationStore store;
    private final StoreEventWriter writer;

    public TestEventLog(CoordinationStore store, Clock clock) {
        this.store = store;
        this.writer = new StoreEventWriter(store, clock);
    }

    /** Every event in the store, oldest first. */
    public List<Event> all() {
        List<Event> out = new ArrayList<>();
        for (String name : store.children(EventCodec.EVENTS)) {
            StorePath p = EventCodec.EVENTS.child(name);
            byte[] data = store.get(p).orElseThrow().value();
            out.add(EventCodec.decode(p, data).orElseThrow(() -> new AssertionError("undecodable event " + p)));
        }
        out.sort(Comparator.comparingLong(Event::seq));
        return out;
    }

    @Override
    public List<Event> appendAll(List<EventDraft> drafts) {
        return transact(List.of(), drafts).events();
    }

    @Override
    public StoreOp appendOp(EventDraft draft) {
        return writer.appendOp(draft);
    }

    @Override
    public List<Event> committed(List<StoreOp> ops, TxResult result) {
        return EventCodec.written(ops, result);
    }

    @Override
    public Tx transact(List<StoreOp> ops, List<EventDraft> drafts) {
        return writer.transact(ops, drafts);
    }

    @Override
    public EventPage after(EventFilter filter, long since, int limit) {
        List<Event> out = all().stream().filter(e -> e.seq() > since && filter.matches(e)).limit(limit).toList();
        return new EventPage(out, out.isEmpty() ? since : out.get(out.size() - 1).seq());
    }

    @Override
    public EventPage latest(EventFilter filter, int limit) {
        List<Event> matching = all().stream().filter(filter::matches).toList();
        return new EventPage(matching.subList(Math.max(0, matching.size() - limit), matching.size()), headSeq());
    }

    @Override
    public EventPage poll(EventFilter filter, long since, int limit, Duration wait) {
        throw new UnsupportedOperationException("the package tests do not wait for events");
    }

    @Override
    public long headSeq() {
        List<Event> all = all();
        return all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
    }

    @Override
    public AutoCloseable subscribe(EventFilter filter, long since, Consumer<Event> listener) {
        throw new UnsupportedOperationException("the package tests do not subscribe to events");
    }

    @Override
    public void close() {}
}
