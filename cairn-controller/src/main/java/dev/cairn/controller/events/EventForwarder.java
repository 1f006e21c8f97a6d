package dev.cairn.controller.events;

import dev.cairn.controller.LeaderService;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.events.EventPage;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StorePath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader-only: copies the log, in order, to each {@link EventSink}. Each sink's position (the last
 * seq it was given) is kept in the store at {@code /eventlog/forwarders/<sink>}, so a new leader
 * continues where the old one stopped. A sink seen for the first time starts with the oldest
 * retained event, so nothing written before the first leader was elected is left out.
 * Delivery is at least once: a batch written just before a failover, or before a failed cursor
 * update, is written again; every line carries its {@code seq} for deduplication. A failing sink
 * is retried every {@code retry} without holding up the others.
 */
public final class EventForwarder implements LeaderService {
    private static final Logger LOG = LoggerFactory.getLogger(EventForwarder.class);
    public static final StorePath CURSORS = StorePath.of("eventlog", "forwarders");

    private final EventLog log;
    private final CoordinationStore store;
    private final List<EventSink> sinks;
    private final Duration retry;
    private final List<Pump> running = new ArrayList<>();

    public EventForwarder(EventLog log, CoordinationStore store, List<EventSink> sinks, Duration retry) {
        this.log = log;
        this.store = store;
        this.sinks = List.copyOf(sinks);
        this.retry = retry;
    }

    @Override
    public String name() { return "event-forwarder"; }

    public List<EventSink> sinks() { return sinks; }

    @Override
    public synchronized void start(long epoch) {
        if (!running.isEmpty()) return;
        for (EventSink s : sinks) running.add(new Pump(s));
    }

    /**
     * Stops every pump: one waiting for events stops at once; one writing a batch finishes the
     * batch and its cursor first, so a graceful hand-over repeats nothing.
     */
    @Override
    public synchronized void stop() {
        for (Pump p : running) p.stop();
        for (Pump p : running) {
            try {
                p.thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running.clear();
    }

    /** Copies the log to one sink on a virtual thread of its own. */
    private final class Pump {
        private final EventSink sink;
        private final Object phase = new Object();
        private final Thread thread;
        private volatile boolean stopping;
        private boolean writing;

        Pump(EventSink sink) {
            this.sink = sink;
            this.thread = Thread.ofVirtual().name("event-forwarder-" + sink.name()).start(this::run);
        }

        void stop() {
            stopping = true;
            synchronized (phase) {
                if (!writing) thread.interrupt();
            }
        }

        private void run() {
            StorePath at = CURSORS.child(sink.name());
            Long cursor = null;
            while (!stopping) {
                try {
                    if (cursor == null) cursor = readCursor(at);
                    EventPage page = log.poll(EventFilter.ALL, cursor, 500, Duration.ofSeconds(5));
                    synchronized (phase) {
                        if (stopping) return;
                        writing = true;
                    }
                    try {
                        if (!page.events().isEmpty()) {
                            sink.write(page.events());
                            if (log instanceof StoreEventLog l) l.stats().forwarded(sink.name(), page.events().size());
                        }
                        if (page.cursor() != cursor) {
                            store.put(at, Long.toString(page.cursor()).getBytes(StandardCharsets.UTF_8));
                            cursor = page.cursor();
                        }
                    } finally {
                        synchronized (phase) {
                            writing = false;
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | CairnException e) {
                    if (e instanceof CairnException ce && ce.code() == ErrorCode.UNAVAILABLE) return; // log closed
                    if (stopping) return;
                    LOG.warn("forwarding events to {} failed, retrying in {}: {}", sink.name(), retry, e.getMessage());
                    try {
                        Thread.sleep(retry);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private long readCursor(StorePath at) {
        var cur = store.get(at);
        if (cur.isPresent()) {
            try {
                return Long.parseLong(new String(cur.get().value(), StandardCharsets.UTF_8).trim());
            } catch (NumberFormatException e) {
                LOG.warn("forwarder cursor at {} is unreadable; starting at the oldest retained event", at);
            }
        }
        store.put(at, "0".getBytes(StandardCharsets.UTF_8));
        return 0;
    }

    /** Stops forwarding and closes the sinks. */
    public void close() {
        stop();
        for (EventSink s : sinks) s.close();
    }
}
