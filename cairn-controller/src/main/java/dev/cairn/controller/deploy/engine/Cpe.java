package dev.cairn.controller.deploy;

import dev.cairn.controller.LeaderService;
import dev.cairn.controller.work.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.core.Json;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud policy engine: on the leader, it runs one {@link Dpe} per deployment, restarts a DPE
 * that dies (with backoff, an event each time), stops it when its deployment is gone, and watches
 * node liveness to wake every DPE when a node goes down or comes back. On a new leader it rebuilds
 * every DPE from the store; the DPEs find services running and keep them where they are.
 */
public final class Cpe implements LeaderService {
    private static final Logger LOG = LoggerFactory.getLogger(Cpe.class);
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final DeploymentStore store;
    private final WorkQueue queue;
    private final PhiAccrualDetector detector;
    private final Clock clock;
    private final DeployEvents events;
    private final DpeFaults faults;
    private final Map<String, Dpe> dpes = new ConcurrentHashMap<>();
    private final DpeStats stats = new DpeStats();
    /** The liveness loop's current judgement of each node (what it recorded); DPEs decide from it. */
    private final Map<String, Boolean> judged = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> restarts = new ConcurrentHashMap<>();
    private volatile DeployCache cache;
    private volatile long epoch = -1;
    private volatile boolean running;
    private Thread ticker;

    public Cpe(DeploymentStore store, WorkQueue queue, PhiAccrualDetector detector, Clock clock, DeployEvents events, DpeFaults faults) {
        this.store = store;
        this.queue = queue;
        this.detector = detector;
        this.clock = clock;
        this.events = events;
        this.faults = faults;
    }

    @Override
    public String name() { return "cpe"; }

    @Override
    public synchronized void start(long epoch) {
        if (running) return;
        this.epoch = epoch;
        running = true;
        cache = new DeployCache(store.store(), this::changed);
        for (String n : cache.deploymentNames()) ensure(n);
        ticker = Thread.ofVirtual().name("cpe-liveness").start(this::watchLiveness);
        LOG.info("CPE started (epoch {}) with {} deployment(s)", epoch, dpes.size());
    }

    @Override
    public synchronized void stop() {
        if (!running) return;
        running = false;
        if (ticker != null) ticker.interrupt();
        for (Dpe d : dpes.values()) d.stop();
        dpes.clear();
        judged.clear();
        if (cache != null) cache.close();
        cache = null;
    }

    /** How many times the DPE of {@code deployment} died and was restarted. */
    public int restarts(String deployment) {
        AtomicInteger n = restarts.get(deployment);
        return n == null ? 0 : n.get();
    }

    /**
     * Whether DPEs take {@code node} as up: the liveness loop's recorded judgement, so services
     * move only once the node is marked down (with its event) — never on a verdict the loop
     * discarded because this controller itself had stalled; the detector's own verdict for a node
     * the loop has not judged yet.
     */
    boolean up(String node) {
        Boolean j = judged.get(node);
        return j != null ? j : detector.up(node, clock.instant());
    }

    /** Counters over every DPE this controller ran. */
    public DpeStats stats() { return stats; }

    public boolean runs(String deployment) {
        return dpes.containsKey(deployment);
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

    private void ensure(String name) {
        if (!running) return;
        dpes.computeIfAbsent(name, n -> {
            Dpe d = newDpe(n);
            Thread.ofVirtual().name("dpe-" + n).start(() -> supervise(n, d));
            return d;
        });
    }

    private Dpe newDpe(String n) {
        return new Dpe(n, epoch, cache, store, queue, this::up, clock, events, faults, stats);
    }

    /** Runs the DPE; when it dies, starts a new one after a backoff, until the deployment is gone or we stop leading. */
    private void supervise(String name, Dpe first) {
        Dpe dpe = first;
        long backoff = MIN_BACKOFF.toMillis();
        while (running && !dpe.stopped()) {
            Instant began = clock.instant();
            try {
                dpe.run();
                break; // the deployment is gone, or we were stopped
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) {
                if (!running || dpe.stopped()) break;
                int n = restarts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                if (Duration.between(began, clock.instant()).compareTo(Duration.ofSeconds(30)) > 0) backoff = MIN_BACKOFF.toMillis();
                events.event("deployment.dpe.restarted", name, "the DPE died (" + e + "); restarting it in " + backoff + " ms (restart " + n + ")",
                        Map.of("restarts", n, "error", String.valueOf(e)));
                LOG.warn("DPE {} died; restarting in {} ms", name, backoff, e);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    break;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
                synchronized (this) {
                    if (!running || dpes.get(name) != dpe) break;
                    dpe = newDpe(name);
                    dpes.put(name, dpe);
                }
            }
        }
        synchronized (this) {
            if (dpes.get(name) == dpe) dpes.remove(name);
        }
        // a deployment applied again while the old DPE was finishing gets a fresh one
        DeployCache c = cache;
        if (running && c != null && c.spec(name) != null && !dpe.stopped()) ensure(name);
    }

    /** A tick of the liveness loop later than this means this controller itself stalled: nobody is judged down on it. */
    static final Duration LOCAL_PAUSE = Duration.ofSeconds(1);

    private void watchLiveness() {
        Map<String, Boolean> last = new HashMap<>();
        long lastTick = System.nanoTime();
        while (running) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            long tick = System.nanoTime();
            boolean paused = tick - lastTick > LOCAL_PAUSE.toNanos();
            lastTick = tick;
            DeployCache c = cache;
            if (c == null) continue;
            try {
                Instant now = clock.instant();
                Map<String, Boolean> changes = new TreeMap<>();
                Map<String, Boolean> before = new HashMap<>();
                for (String node : c.nodes().keySet()) {
                    if (!detector.known(node)) continue; // registered, first heartbeat not through yet
                    boolean up = detector.up(node, now);
                    if (!up && paused) continue; // judge again on a tick that came on time
                    Boolean was = last.get(node);
                    if (was == null) {
                        was = stored(node).map(NodeRegistry.Judgement::up).orElse(null);
                        if (was != null) {
                            last.put(node, was);
                            judged.put(node, was);
                        }
                    }
                    if (was == null || was != up) {
                        changes.put(node, up);
                        before.put(node, was);
                    }
                }
                if (!changes.isEmpty()) {
                    recordLiveness(changes, before, now, last);
                    dpes.values().forEach(Dpe::wake);
                }
            } catch (RuntimeException e) {
                LOG.warn("node liveness: {}", e.toString()); // the store is unavailable: try again next tick
            }
        }
    }

    private java.util.Optional<NodeRegistry.Judgement> stored(String node) {
        return store.store().get(NodeRegistry.LIVENESS.child(node)).map(v -> Json.read(v.value(), NodeRegistry.Judgement.class));
    }

    /**
     * Writes each node's new liveness at {@code /node-liveness/<node>} with its {@code node.down} /
     * {@code node.up} event in the same transaction (no event for a node first seen up).
     */
    private void recordLiveness(Map<String, Boolean> changes, Map<String, Boolean> before, Instant now, Map<String, Boolean> last) {
        List<String> nodes = new ArrayList<>(changes.keySet());
        for (int i = 0; i < nodes.size(); i += DeployTx.MAX_CHANGES) {
            List<String> chunk = nodes.subList(i, Math.min(nodes.size(), i + DeployTx.MAX_CHANGES));
            List<StoreOp> ops = new ArrayList<>();
            List<DeployTx.Ev> evs = new ArrayList<>();
            for (String node : chunk) {
                boolean up = changes.get(node);
                StorePath p = NodeRegistry.LIVENESS.child(node);
                byte[] data = Json.bytes(new NodeRegistry.Judgement(up ? "up" : "down", now));
                Boolean was = before.get(node);
                // a judgement read from the store (was != null) exists there; a first one is created
                ops.add(was == null && store.store().get(p).isEmpty() ? StoreOp.create(p, data) : StoreOp.set(p, data, StoreOp.ANY_VERSION));
                if (up && was != null) {
                    evs.add(new DeployTx.Ev("node.up", node, "heartbeats resumed", Map.of()));
                } else if (!up) {
                    double phi = Math.min(99.9, detector.phi(node, now));
                    evs.add(new DeployTx.Ev("node.down", node, "missed heartbeats (phi " + String.format("%.1f", phi) + ")",
                            Map.of("phi", Math.round(phi * 10) / 10.0)));
                }
            }
            if (DeployTx.run(store.store(), events, ops, evs).committed()) {
                for (String node : chunk) {
                    last.put(node, changes.get(node));
                    judged.put(node, changes.get(node));
                }
            }
            // not committed: another leader wrote meanwhile; the next tick reads it and judges again
            else for (String node : chunk) last.remove(node);
        }
    }
}
