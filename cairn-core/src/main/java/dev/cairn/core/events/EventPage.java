package dev.cairn.core.events;

import java.util.List;

/**
 * A read from the log: the matching events, oldest first, and {@code cursor}, the highest seq the
 * read examined. Continue with {@code since = cursor}: events that did not match the filter are
 * not looked at again.
 */
public record EventPage(List<Event> events, long cursor) {
    public EventPage {
        events = List.copyOf(events);
    }
}
