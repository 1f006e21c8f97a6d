package dev.cairn.controller.deploy.engine;

import dev.cairn.controller.LeaderService;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.events.EventEmitter;
import dev.cairn.controller.nodes.NodeLiveness;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud policy engine: on the leader, it runs one {@link Dpe} per deployment, restarts a DPE
 * that dies (after a backoff, with a {@code deployment.dpe.restarted} event each time), lets it
 * finish when its deployment is gone, and wakes every DPE when the nodes subsystem records a node
 * down or up ({@link NodeLiveness}). On a new leader it rebuilds every DPE from the store; the DPEs
 * find services running and keep them where they are. Everything runs on the scheduler: the CPE
 * and its DPEs have no threads of their own.
 */
public final class Cpe implements LeaderService, Dpe.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Cpe.class);
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** A DPE that ran this long before it died is restarted after {@link #MIN_BACKOFF} again. */
    static final Duration BACKOFF_RESET = Duration.ofSeconds(30);

    private final DeploymentStore store;
    private final NodeRegistry registry;
    private final WorkQueue queue;
    private final NodeLiveness liveness;
    private final EventLog events;
    private final EventEmitter emitter;
    private final Clock clock;
    private final Scheduler scheduler;
    private final DpeFaults faults;
    private final Map<String, Dpe> dpes = new ConcurrentHashMap<>();
    /** The backoff before the next restart of each deployment's DPE. */
    private final Map<String, Duration> backoffs = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> restarts = new ConcurrentHashMap<>();
    private final DpeStats stats = new DpeStats();
    private volatile DeployCache cache;
    private volatile long epoch = -1;
    private volatile boolean running;

    public Cpe(DeploymentStore store, NodeRegistry registry, WorkQueue queue, NodeLiveness liveness, EventLog events, Clock clock,
               Scheduler scheduler, DpeFaults faults) {
        this.store = store;
        this.registry = registry;
        this.queue = queue;
        this.liveness = liveness;
        this.events = events;
        this.emitter = new EventEmitter(events);
        this.clock = clock;
        this.scheduler = scheduler;
        this.faults = faults;
        liveness.onChange(this::nodesChanged);
    }

    @Override
    public String name() { return "cpe"; }

    @Override
    public synchronized void start(long epoch) {
        if (running) return;
        this.epoch = epoch;
        running = true;
        cache = new DeployCache(store, registry, queue, this::changed);
        for (String n : cache.deploymentNames()) ensure(n);
        LOG.info("CPE started (epoch {}) with {} deployment(s)", epoch, dpes.size());
    }

    @Override
    public synchronized void stop() {
        if (!running) return;
        running = false;
        synchronized (dpes) {
            for (Dpe d : dpes.values()) d.stop();
            dpes.clear();
            backoffs.clear();
        }
        if (cache != null) cache.close();
        cache = null;
    }

    /** How many times the DPE of {@code deployment} died and was restarted. */
    public int restarts(String deployment) {
        AtomicInteger n = restarts.get(deployment);
        return n == null ? 0 : n.get();
    }

    /** Counters over every DPE this controller ran. */
    public DpeStats stats() { return stats; }

    public boolean runs(String deployment) {
        return dpes.containsKey(deployment);
    }

    private void nodesChanged() {
        if (running) dpes.values().forEach(Dpe::wake);
    }

    private void changed(String deployment) {
        if (!running) return;
        if (deployment == null) {
            dpes.values().forEach(Dpe::wake);
            return;
        }
        DeployCache c = cache;
        if (c != null && c.spec(deployment) != null) ensure(deployment);
        Dpe d = dpes.get(deployment);
        if (d != null) d.wake();
    }

    /**
     * Starts a DPE for {@code name} unless one runs (or waits to be restarted). The DPEs are guarded
     * by their map's lock, never by this CPE's: watches deliver on store threads while
     * {@link #start} (holding this) waits for their first report.
     */
    private void ensure(String name) {
        Dpe d;
        synchronized (dpes) {
            if (!running || dpes.containsKey(name)) return;
            d = newDpe(name);
            dpes.put(name, d);
        }
        d.start();
    }

    private Dpe newDpe(String name) {
        return new Dpe(name, epoch, cache, store, queue, liveness::up, events, clock, scheduler, faults, stats, this);
    }

    /** The deployment is gone; a deployment applied again meanwhile gets a fresh DPE. */
    @Override
    public void finished(Dpe dpe) {
        synchronized (dpes) {
            if (dpes.get(dpe.name()) != dpe) return;
            dpes.remove(dpe.name());
            backoffs.remove(dpe.name());
        }
        DeployCache c = cache;
        if (running && c != null && c.spec(dpe.name()) != null) ensure(dpe.name());
    }

    /**
     * The DPE died: it is restarted after a backoff that doubles with each death (from
     * {@link #MIN_BACKOFF} to {@link #MAX_BACKOFF}, back to the minimum after a DPE that ran
     * {@link #BACKOFF_RESET}); its slot stays taken meanwhile, so changes do not start another.
     */
    @Override
    public void died(Dpe dpe, Throwable fault) {
        String name = dpe.name();
        Duration backoff;
        int n;
        synchronized (dpes) {
            if (!running || dpes.get(name) != dpe) return;
            n = restarts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            boolean ranLong = Duration.between(dpe.started(), clock.instant()).compareTo(BACKOFF_RESET) > 0;
            backoff = ranLong ? MIN_BACKOFF : backoffs.getOrDefault(name, MIN_BACKOFF);
            Duration doubled = backoff.multipliedBy(2);
            backoffs.put(name, doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled);
        }
        LOG.warn("DPE {} died; restarting in {} ms", name, backoff.toMillis(), fault);
        emitter.emit("deployment.dpe.restarted", name, "the DPE died (" + fault + "); restarting it in " + backoff.toMillis()
                + " ms (restart " + n + ")", Map.of("restarts", n, "error", String.valueOf(fault))); // a decision: changes nothing stored
        scheduler.schedule(backoff, () -> restart(name, dpe));
    }

    private void restart(String name, Dpe dead) {
        Dpe d;
        synchronized (dpes) {
            if (!running || dpes.get(name) != dead) return;
            d = newDpe(name);
            dpes.put(name, d);
        }
        d.start();
    }
}
