package dev.cairn.controller.nodes;

import dev.cairn.controller.LeaderService;
import dev.cairn.controller.events.EventEmitter;
import dev.cairn.core.api.NodeState;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.Records;
import dev.cairn.core.store.Records.Change;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's judgement of which nodes are up, the one owner of {@code /node-liveness/<node>}.
 * While this controller leads, a tick every {@link #TICK} asks the {@link PhiAccrualDetector} about
 * every node it has heard from and records each change of verdict with its {@code node.down} /
 * {@code node.up} event (a node first seen up is recorded without one). Services move only on a
 * recorded judgement ({@link #up}); listeners ({@link #onChange}) hear of every change.
 *
 * <p>A tick that comes more than {@link #LOCAL_PAUSE} after the previous one means this controller
 * itself stalled (a long GC pause, a frozen VM): nobody is judged down on that tick, only on the
 * next one that comes on time.
 */
public final class NodeLiveness implements LeaderService {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLiveness.class);
    static final StorePath LIVENESS = StorePath.of("node-liveness");
    /** How often the leader judges the nodes. */
    public static final Duration TICK = Duration.ofMillis(100);
    /** A tick later than this after the previous one means this controller itself stalled. */
    static final Duration LOCAL_PAUSE = Duration.ofSeconds(1);

    /** What the leader last decided about a node, and since when. */
    public record Judgement(NodeState state, Instant since) {
        public boolean up() { return state == NodeState.UP; }
    }

    private final Records<Judgement> judgements;
    private final PhiAccrualDetector detector;
    private final Clock clock;
    private final Scheduler scheduler;
    /** The judgement of each node as recorded (or read back) while leading; DPEs decide from it. */
    private final Map<String, Boolean> judged = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private Scheduler.Task task;
    private Instant lastTick;
    private volatile boolean running;

    public NodeLiveness(CoordinationStore store, EventLog events, PhiAccrualDetector detector, Clock clock, Scheduler scheduler) {
        this.judgements = new Records<>(store, events, Judgement.class);
        this.detector = detector;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    @Override
    public String name() { return "node-liveness"; }

    @Override
    public synchronized void start(long epoch) {
        if (running) return;
        running = true;
        lastTick = clock.instant();
        task = scheduler.scheduleWithFixedDelay(TICK, TICK, this::tick);
    }

    @Override
    public synchronized void stop() {
        if (!running) return;
        running = false;
        if (task != null) task.cancel();
        task = null;
        judged.clear();
    }

    /** Called (on the liveness tick's thread) after a tick recorded a change of any node's state. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Whether {@code node} counts as up for placing services: the recorded judgement, so services
     * move only once the node is marked down (with its event) — never on a verdict the tick
     * discarded because this controller itself had stalled; the detector's own verdict for a node
     * not judged yet.
     */
    public boolean up(String node) {
        Boolean j = judged.get(node);
        return j != null ? j : detector.up(node, clock.instant());
    }

    /** The judgement recorded in the store, if any. */
    public Optional<Judgement> judgement(String node) {
        return judgements.find(LIVENESS.child(node));
    }

    private void tick() {
        Instant now = clock.instant();
        boolean paused;
        synchronized (this) {
            if (!running) return;
            paused = Duration.between(lastTick, now).compareTo(LOCAL_PAUSE) > 0;
            lastTick = now;
        }
        boolean changed = false;
        for (String node : new TreeSet<>(detector.nodes())) {
            if (!running) return;
            boolean up = detector.up(node, now);
            if (!up && paused) continue; // judge again on a tick that came on time
            Boolean was = judged.get(node);
            if (was != null && was == up) continue;
            try {
                changed |= record(node, up, now);
            } catch (RuntimeException e) {
                LOG.warn("node liveness of {}: {}", node, e.toString()); // the store is unavailable: judge again next tick
            }
        }
        if (changed) {
            for (Runnable l : listeners) {
                try {
                    l.run();
                } catch (RuntimeException e) {
                    LOG.warn("node liveness listener failed", e);
                }
            }
        }
    }

    /**
     * Records {@code node}'s new state with its event, unless the store holds that state already
     * (recorded by an earlier leader); returns whether the state this controller acts on changed.
     */
    private boolean record(String node, boolean up, Instant now) {
        Records.Updated<Judgement> u = judgements.update(LIVENESS.child(node), cur -> {
            if (cur.isPresent() && cur.get().up() == up) return Change.none();
            Judgement next = new Judgement(NodeState.of(up), now);
            if (up && cur.isPresent()) return Change.put(next, EventDraft.of("node.up", node, "heartbeats resumed"));
            if (up) return Change.put(next); // first seen up: no event
            double phi = Math.min(99.9, detector.phi(node, now));
            return Change.put(next, EventEmitter.draft("node.down", node, "missed heartbeats (phi " + String.format("%.1f", phi) + ")",
                    Map.of("phi", Math.round(phi * 10) / 10.0)));
        });
        if (!running) return false; // stopped meanwhile: judged belongs to the next term
        Boolean before = judged.put(node, u.after().map(Judgement::up).orElse(up));
        return u.changed() || (before != null && before != up);
    }
}
