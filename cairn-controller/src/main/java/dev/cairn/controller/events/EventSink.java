package dev.cairn.controller.events;

import dev.cairn.core.events.Event;
import java.io.IOException;
import java.util.List;

/** Somewhere events are forwarded for the site's log aggregation: a JSON-lines file, syslog. */
public sealed interface EventSink extends AutoCloseable permits JsonLinesFileSink, SyslogSink {
    /** A stable name; the forwarder keeps its position in the log under it. */
    String name();

    /** Writes the events in order; throws when none or only some were written (the batch is retried). */
    void write(List<Event> events) throws IOException;

    @Override
    void close();
}
