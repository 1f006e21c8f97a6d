package dev.cairn.controller.events;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one controller's event subsystem did, for {@code /metrics}: events recorded through it
 * (by the first segment of their type: {@code package}, {@code node}, {@code state}, …), events
 * retention removed, events forwarded to each sink, and open event streams. Counting never
 * touches the store, so a scrape costs nothing.
 */
public final class EventStats {
    private final Map<String, AtomicLong> recorded = new ConcurrentHashMap<>();
    final AtomicLong trimmed = new AtomicLong();
    final AtomicInteger streams = new AtomicInteger();
    private final Map<String, AtomicLong> forwarded = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private volatile java.util.function.LongSupplier cached = () -> 0;

    void record(String type) {
        int dot = type.indexOf('.');
        String family = dot < 0 ? type : type.substring(0, dot);
        counter(recorded, family, "cairn.events.recorded", "family", "events recorded through this controller").incrementAndGet();
    }

    void forwarded(String sink, int n) {
        counter(forwarded, sink, "cairn.events.forwarded", "sink", "events written to a forwarding sink").addAndGet(n);
    }

    /** Events recorded through this controller whose type starts with {@code family}. */
    public long recorded(String family) {
        AtomicLong n = recorded.get(family);
        return n == null ? 0 : n.get();
    }

    public long trimmed() { return trimmed.get(); }

    public int streams() { return streams.get(); }

    public long forwarded(String sink) {
        AtomicLong n = forwarded.get(sink);
        return n == null ? 0 : n.get();
    }

    private AtomicLong counter(Map<String, AtomicLong> m, String key, String name, String tag, String help) {
        return m.computeIfAbsent(key, k -> {
            AtomicLong n = new AtomicLong();
            MeterRegistry r = registry;
            if (r != null) FunctionCounter.builder(name, n, AtomicLong::get).tag(tag, k).description(help).register(r);
            return n;
        });
    }

    /** Publishes the figures on {@code r} (counters that appear later are registered as they appear). */
    public synchronized void bind(MeterRegistry r, java.util.function.LongSupplier cached) {
        registry = r;
        recorded.forEach((k, n) -> FunctionCounter.builder("cairn.events.recorded", n, AtomicLong::get).tag("family", k)
                .description("events recorded through this controller").register(r));
        forwarded.forEach((k, n) -> FunctionCounter.builder("cairn.events.forwarded", n, AtomicLong::get).tag("sink", k)
                .description("events written to a forwarding sink").register(r));
        FunctionCounter.builder("cairn.events.trimmed", trimmed, AtomicLong::get).description("events removed by retention").register(r);
        Gauge.builder("cairn.events.streams", streams, AtomicInteger::get).description("open event streams (SSE)").register(r);
        this.cached = cached;
        // gauges hold their object weakly: hang it on this (which the log holds), not on a lambda
        Gauge.builder("cairn.events.cached", this, s -> s.cached.getAsLong()).description("event bodies held in this controller's cache").register(r);
    }
}
