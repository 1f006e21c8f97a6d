package dev.cairn.cli;

import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.events.EventPage;
import java.util.ArrayList;
import java.util.List;

/** A controller's event log read back for assertions, one line per event: {@code "type subject: message"}, oldest first. */
final class LoggedEvents {
    private LoggedEvents() {}

    static List<String> lines(EventLog log) {
        return lines(log, 0);
    }

    /** The events with a seq above {@code since}. */
    static List<String> lines(EventLog log, long since) {
        List<String> out = new ArrayList<>();
        long cursor = since;
        while (true) {
            EventPage page = log.after(EventFilter.ALL, cursor, EventLog.MAX_LIMIT);
            for (Event e : page.events()) out.add(e.type() + " " + e.subject() + ": " + e.message());
            if (page.events().isEmpty() || page.cursor() <= cursor) return out;
            cursor = page.cursor();
        }
    }
}
