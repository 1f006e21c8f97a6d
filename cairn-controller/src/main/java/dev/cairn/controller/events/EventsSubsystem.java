package dev.cairn.controller.events;

import dev.cairn.controller.LeaderService;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.http.Router;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.time.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The event subsystem: the store-backed log every other subsystem writes its changes with, its
 * HTTP routes, and two leader services, retention and forwarding.
 */
public final class EventsSubsystem implements Subsystem {
    private final StoreEventLog log;
    private final EventOptions options;
    private final EventRetention retention;
    private final Optional<EventForwarder> forwarder;

    public EventsSubsystem(CoordinationStore store, Clock clock, Scheduler scheduler, MeterRegistry metrics, EventOptions options) {
        this.options = options;
        // the log's poller gets a timer thread of its own: followers' latency must not wait behind other loops' tasks
        this.log = new StoreEventLog(store, clock);
        log.stats().bind(metrics, log::cached);
        this.retention = new EventRetention(log, options.retention(), options.trimInterval(), clock, scheduler);
        List<EventSink> sinks = new ArrayList<>();
        options.file().ifPresent(p -> sinks.add(new JsonLinesFileSink(p, options.fsync())));
        options.syslog().ifPresent(a -> sinks.add(new SyslogSink(a)));
        this.forwarder = sinks.isEmpty() ? Optional.empty() : Optional.of(new EventForwarder(log, store, sinks, Duration.ofSeconds(2)));
    }

    /** The log other subsystems write to and read from. */
    public EventLog log() { return log; }

    public EventRetention retention() { return retention; }

    public Optional<EventForwarder> forwarder() { return forwarder; }

    @Override
    public String name() { return "events"; }

    @Override
    public void routes(Router router) {
        EventsApi.register(router, log, options.heartbeat());
    }

    @Override
    public List<LeaderService> leaderServices() {
        List<LeaderService> out = new ArrayList<>();
        out.add(retention);
        forwarder.ifPresent(out::add);
        return out;
    }

    @Override
    public void close() {
        forwarder.ifPresent(EventForwarder::close);
        retention.close();
        log.close();
    }
}
