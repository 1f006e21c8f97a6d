package dev.cairn.controller.events;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
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
import dev.cairn.core.time.ExecutorScheduler;
import dev.cairn.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log in the coordination store ({@link EventCodec} gives the layout), the one owner of
 * {@code /events}. Changes and their events are written by {@link StoreEventWriter} (one
 * transaction each, concurrent ones committed together); retention removes the oldest.
 *
 * <p>Reads always list {@code /events} in the store and take each event's body from a local cache
 * (events never change once written), reading the store on a miss. The listing is the truth: a
 * store shows every client a prefix of its committed writes, so once seq N is listed every lower
 * seq that will ever exist is listed too, and a reader continuing from its cursor cannot miss an
 * event or see one twice.
 *
 * <p>Waiting readers ({@link #poll}, streams, subscribers) are woken at once by appends made
 * through this instance ({@link #appendAll}, {@link #transact}, {@link #committed}); appends made
 * elsewhere (another controller, a transaction whose writer did not call {@link #committed}) are
 * noticed by one shared poller, a task on a {@link Scheduler} that lists {@code /events} every
 * {@code pollInterval} while anyone waits. Either way the woken reader re-reads the store from its
 * cursor. (A store watch would do the same job, but the ZooKeeper adapter's recursive cache
 * re-lists the whole directory on every child change, which costs far more than polling a flat
 * log of thousands of entries.)
 */
public final class StoreEventLog implements EventLog {
    private static final Logger LOG = LoggerFactory.getLogger(StoreEventLog.class);
    private static final int DELETE_BATCH = 100;
    public static final Duration DEFAULT_POLL = Duration.ofMillis(500);

    private final CoordinationStore store;
    private final StoreEventWriter writer;
    private final ConcurrentSkipListMap<Long, Event> cache = new ConcurrentSkipListMap<>();
    private final ChangeSignal signal = new ChangeSignal();
    private final AtomicInteger waiters = new AtomicInteger();
    private final Scheduler.Task poller;
    private final Scheduler ownScheduler;
    private long lastHead = -1; // only the poller task reads and writes it

    private final EventStats stats = new EventStats();

    /** A log that notices other controllers' appends every {@link #DEFAULT_POLL}, on a timer thread of its own. */
    public StoreEventLog(CoordinationStore store, Clock clock) {
        this(store, clock, DEFAULT_POLL);
    }

    /** A log that notices other controllers' appends every {@code pollInterval}, on a timer thread of its own. */
    public StoreEventLog(CoordinationStore store, Clock clock, Duration pollInterval) {
        this(store, clock, null, pollInterval);
    }

    /**
     * @param scheduler    runs the poller that notices appends made elsewhere; null for a timer thread
     *                     of this log's own (closed with it)
     * @param pollInterval how often the poller looks while anyone waits
     */
    public StoreEventLog(CoordinationStore store, Clock clock, Scheduler scheduler, Duration pollInterval) {
        this.store = store;
        this.writer = new StoreEventWriter(store, clock);
        // a persistent parent: a ZooKeeper container would vanish when empty and restart the counter
        store.createIfAbsent(EventCodec.EVENTS, new byte[0]);
        this.ownScheduler = scheduler == null ? new ExecutorScheduler("event-log-poller", 1) : null;
        this.poller = (scheduler == null ? ownScheduler : scheduler).scheduleWithFixedDelay(pollInterval, pollInterval, this::pollHead);
    }

    /** While anyone waits, notices events appended elsewhere and wakes the waiters. */
    private synchronized void pollHead() {
        if (signal.closed()) return;
        if (waiters.get() == 0) {
            lastHead = -1;
            return;
        }
        try {
            long head = headSeq();
            if (head != lastHead) {
                lastHead = head;
                signal.signal();
            }
        } catch (CairnException e) {
            LOG.debug("event log poll failed: {}", e.getMessage());
        }
    }

    // ---- writing ----

    @Override
    public StoreOp appendOp(EventDraft draft) {
        return writer.appendOp(draft);
    }

    @Override
    public List<Event> appendAll(List<EventDraft> drafts) {
        if (drafts.isEmpty()) return List.of();
        Tx tx = transact(List.of(), drafts);
        if (!tx.result().committed()) {
            throw new CairnException(ErrorCode.INTERNAL, "the store refused an event append: " + tx.result(), "see the controller's log");
        }
        return tx.events();
    }

    @Override
    public Tx transact(List<StoreOp> ops, List<EventDraft> drafts) {
        Tx tx = writer.transact(ops, drafts);
        remember(tx.events());
        return tx;
    }

    @Override
    public List<Event> committed(List<StoreOp> ops, TxResult result) {
        List<Event> out = EventCodec.written(ops, result);
        remember(out);
        return out;
    }

    /** Events this instance wrote: cached (they never change), counted, and waiting readers woken at once. */
    private void remember(List<Event> written) {
        if (written.isEmpty()) return;
        for (Event e : written) {
            cache.put(e.seq(), e);
            stats.record(e.type());
        }
        signal.signal();
    }

    /** This log's counters ({@code /metrics}). */
    public EventStats stats() { return stats; }

    // ---- reading ----

    /** The seqs currently in the store, ascending; drops cached events that are gone. */
    long[] liveSeqs() {
        List<String> names = store.children(EventCodec.EVENTS);
        long[] seqs = new long[names.size()];
        int n = 0;
        for (String name : names) {
            OptionalLong s = EventCodec.seqOf(name);
            if (s.isPresent()) seqs[n++] = s.getAsLong();
        }
        seqs = Arrays.copyOf(seqs, n);
        Arrays.sort(seqs);
        if (n > 0) cache.headMap(seqs[0]).clear();
        else cache.clear(); // everything was trimmed (possibly by another controller)
        return seqs;
    }

    /** The event with that seq, from the cache or the store; null when it no longer exists. */
    Event load(long seq) {
        Event e = cache.get(seq);
        if (e != null) return e;
        StorePath p = EventCodec.pathOf(seq);
        e = store.get(p).flatMap(v -> EventCodec.decode(p, v.value())).orElse(null);
        if (e != null) cache.put(seq, e);
        return e;
    }

    @Override
    public EventPage after(EventFilter filter, long since, int limit) {
        requireLimit(limit);
        long[] seqs = liveSeqs();
        int i = Arrays.binarySearch(seqs, since);
        i = i >= 0 ? i + 1 : -i - 1;
        List<Event> out = new ArrayList<>();
        long cursor = since;
        for (; i < seqs.length && out.size() < limit; i++) {
            cursor = seqs[i];
            Event e = load(seqs[i]);
            if (e != null && filter.matches(e)) out.add(e);
        }
        return new EventPage(out, cursor);
    }

    @Override
    public EventPage latest(EventFilter filter, int limit) {
        requireLimit(limit);
        long[] seqs = liveSeqs();
        List<Event> out = new ArrayList<>();
        for (int i = seqs.length - 1; i >= 0 && out.size() < limit; i--) {
            Event e = load(seqs[i]);
            if (e != null && filter.matches(e)) out.add(e);
        }
        Collections.reverse(out);
        return new EventPage(out, seqs.length == 0 ? 0 : seqs[seqs.length - 1]);
    }

    @Override
    public EventPage poll(EventFilter filter, long since, int limit, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long cursor = since;
        while (true) {
            long seen = signal.generation();
            EventPage page = after(filter, cursor, limit);
            cursor = page.cursor();
            long left = deadline - System.nanoTime();
            if (signal.closed()) throw closedError();
            if (!page.events().isEmpty() || left <= 0) return new EventPage(page.events(), cursor);
            waiters.incrementAndGet();
            try {
                signal.await(seen, left);
            } finally {
                waiters.decrementAndGet();
            }
            if (Thread.interrupted()) throw new InterruptedException();
        }
    }

    @Override
    public long headSeq() {
        long[] seqs = liveSeqs();
        return seqs.length == 0 ? 0 : seqs[seqs.length - 1];
    }

    @Override
    public AutoCloseable subscribe(EventFilter filter, long since, Consumer<Event> listener) {
        Thread t = Thread.ofVirtual().name("event-subscriber").start(() -> {
            long cursor = since;
            while (!Thread.currentThread().isInterrupted() && !signal.closed()) {
                try {
                    EventPage page = poll(filter, cursor, 500, Duration.ofSeconds(5));
                    for (Event e : page.events()) listener.accept(e);
                    cursor = page.cursor();
                } catch (InterruptedException e) {
                    return;
                } catch (CairnException e) {
                    if (signal.closed()) return;
                    if (e.code() != ErrorCode.STORE_UNAVAILABLE) {
                        LOG.warn("event subscriber stops: {}", e.getMessage());
                        return;
                    }
                    LOG.debug("event subscriber retries after: {}", e.getMessage());
                    if (!sleep(Duration.ofMillis(500))) return;
                }
            }
        });
        return () -> {
            t.interrupt();
            t.join(5_000);
        };
    }

    // ---- retention ----

    /** Removes what {@code policy} says is too many or too old at {@code now}; returns how many. */
    public int trim(RetentionPolicy policy, Instant now) {
        long[] seqs = liveSeqs();
        List<Long> doomed = RetentionPlanner.plan(seqs, seq -> {
            Event e = load(seq);
            return e == null ? null : e.time();
        }, policy, now);
        int removed = 0;
        for (int from = 0; from < doomed.size(); from += DELETE_BATCH) {
            List<Long> batch = doomed.subList(from, Math.min(doomed.size(), from + DELETE_BATCH));
            List<StoreOp> ops = batch.stream().map(s -> StoreOp.delete(EventCodec.pathOf(s), StoreOp.ANY_VERSION)).toList();
            if (store.transact(ops).committed()) {
                removed += batch.size();
            } else {
                // another leader (or a stale one) removed some already: delete one by one
                for (Long s : batch) if (store.delete(EventCodec.pathOf(s), StoreOp.ANY_VERSION)) removed++;
            }
            for (Long s : batch) cache.remove(s);
        }
        stats.trimmed.addAndGet(removed);
        return removed;
    }

    private static CairnException closedError() {
        return new CairnException(ErrorCode.UNAVAILABLE, "the event log is closed", "the controller is shutting down; retry against another one");
    }

    private static void requireLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "limit " + limit + " is out of range", "ask for 1 to " + MAX_LIMIT + " events");
        }
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Number of events held in the local cache (for tests and metrics). */
    int cached() { return cache.size(); }

    @Override
    public void close() {
        signal.close();
        poller.cancel();
        if (ownScheduler != null) ownScheduler.close();
    }
}
