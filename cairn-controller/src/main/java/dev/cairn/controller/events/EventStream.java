package dev.cairn.controller.events;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.events.EventPage;
import dev.cairn.controller.http.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One server-sent-events stream: every matching event after {@code since}, as
 * {@code id: <seq>}, {@code event: <type>}, {@code data: <event JSON>}, then whatever comes next,
 * with a comment line every {@code heartbeat} while nothing does. Each round re-reads the log from
 * the last seq sent, so an event committed between the catch-up read and the live wait is still
 * sent, exactly once. A client resumes with {@code Last-Event-ID}. Store outages are reported as a
 * comment and retried; the stream ends when the client goes away or the controller stops.
 */
final class EventStream implements Reply.StreamWriter {
    static final int BATCH = 500;

    private final EventLog log;
    private final EventFilter filter;
    private final long since;
    private final Duration heartbeat;

    EventStream(EventLog log, EventFilter filter, long since, Duration heartbeat) {
        this.log = log;
        this.filter = filter;
        this.since = since;
        this.heartbeat = heartbeat;
    }

    @Override
    public void write(OutputStream out) throws IOException, InterruptedException {
        EventStats stats = log instanceof StoreEventLog l ? l.stats() : null;
        if (stats != null) stats.streams.incrementAndGet();
        try {
            stream(out);
        } finally {
            if (stats != null) stats.streams.decrementAndGet();
        }
    }

    private void stream(OutputStream out) throws IOException, InterruptedException {
        long cursor = since;
        send(out, "retry: 2000\n: cairn events after " + cursor + "\n\n");
        while (true) {
            EventPage page;
            try {
                page = log.poll(filter, cursor, BATCH, heartbeat);
            } catch (CairnException e) {
                if (e.code() == ErrorCode.UNAVAILABLE) return; // the log is closed: the controller is stopping
                if (e.code() != ErrorCode.STORE_UNAVAILABLE) throw e;
                send(out, ": store unavailable, retrying\n\n");
                Thread.sleep(Math.min(heartbeat.toMillis(), 1_000));
                continue;
            }
            if (page.events().isEmpty()) send(out, ": keepalive\n\n"); // poll only returns empty when it waited the full heartbeat
            StringBuilder sb = new StringBuilder();
            for (Event e : page.events()) frame(sb, e);
            if (!sb.isEmpty()) send(out, sb.toString());
            cursor = page.cursor();
        }
    }

    static void frame(StringBuilder sb, Event e) {
        sb.append("id: ").append(e.seq()).append('\n')
                .append("event: ").append(e.type()).append('\n')
                .append("data: ").append(e.toJsonLine()).append("\n\n");
    }

    private static void send(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
