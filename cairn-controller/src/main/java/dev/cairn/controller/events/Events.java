package dev.cairn.controller.events;

import dev.cairn.controller.Controller;
import dev.cairn.core.events.EventLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The event subsystem of one controller: the store-backed log, its HTTP routes, retention and
 * forwarding (both leader services). Install it on a controller before {@link Controller#start()}
 * and close it after {@link Controller#close()}.
 */
public final class Events implements AutoCloseable {
    private final StoreEventLog log;
    private final EventRetention retention;
    private final Optional<EventForwarder> forwarder;

    private Events(StoreEventLog log, EventRetention retention, Optional<EventForwarder> forwarder) {
        this.log = log;
        this.retention = retention;
        this.forwarder = forwarder;
    }

    public static Events install(Controller c, EventOptions options) {
        StoreEventLog log = new StoreEventLog(c.store(), c.clock());
        log.stats().bind(c.metrics(), log::cached);
        EventsApi.register(c.router(), log, options.heartbeat());
        EventRetention retention = new EventRetention(log, options.retention(), options.trimInterval(), c.clock());
        c.addLeaderService(retention);
        List<EventSink> sinks = new ArrayList<>();
        options.file().ifPresent(p -> sinks.add(new JsonLinesFileSink(p, options.fsync())));
        options.syslog().ifPresent(a -> sinks.add(new SyslogSink(a)));
        Optional<EventForwarder> fwd = Optional.empty();
        if (!sinks.isEmpty()) {
            EventForwarder f = new EventForwarder(log, c.store(), sinks, Duration.ofSeconds(2));
            c.addLeaderService(f);
            fwd = Optional.of(f);
        }
        return new Events(log, retention, fwd);
    }

    /** The log other subsystems write to and read from. */
    public EventLog log() { return log; }

    public EventRetention retention() { return retention; }

    public Optional<EventForwarder> forwarder() { return forwarder; }

    @Override
    public void close() {
        forwarder.ifPresent(EventForwarder::close);
        retention.close();
        log.close();
    }
}
