package dev.cairn.controller.deploy.engine;

import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.deploy.DeploymentView;
import dev.cairn.policy.deployment.ServiceDef;
import dev.cairn.controller.deploy.plan.ClusterSnapshot;
import dev.cairn.controller.deploy.plan.ClusterSnapshot.PendingWork;
import dev.cairn.controller.deploy.plan.DeployAction;
import dev.cairn.controller.deploy.plan.DeploymentPlanner;
import dev.cairn.controller.deploy.plan.ServiceAction;
import dev.cairn.controller.events.EventEmitter;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.controller.work.WorkResult;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.TxResult;
import dev.cairn.core.time.Scheduler;
import dev.cairn.policy.TransitionAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A deployment policy engine: one per deployment, on the leader. Each round it gathers the
 * deployment and what agents report (from the {@link DeployCache}), lets {@link DeploymentPlanner}
 * decide, queues the resulting work with the leader's epoch and writes the deployment's view.
 * Rounds run on the scheduler, one at a time: {@link #SETTLE} after something they depend on
 * changed ({@link #wake}), else every {@link #PERIOD}. When the deployment is gone the DPE
 * finishes; when a round throws it dies; either way it tells its {@link Listener} (the CPE).
 */
final class Dpe {
    static final Duration PERIOD = Duration.ofSeconds(2);
    /** How long after a wake the round runs, so that a burst of changes lands in one round. */
    static final Duration SETTLE = Duration.ofMillis(20);
    private static final Duration SUBMITTED_GRACE = Duration.ofSeconds(10);
    /** Most changes (with as many events) per transaction: keeps each well under the store's request size limit. */
    static final int MAX_PER_TX = 100;

    /** Told when a DPE ends: its deployment is gone, or a round threw. */
    interface Listener {
        void finished(Dpe dpe);

        void died(Dpe dpe, Throwable fault);
    }

    private final String name;
    private final long epoch;
    private final DeployCache cache;
    private final DeploymentStore store;
    private final WorkQueue queue;
    private final Predicate<String> nodeUp;
    private final EventLog events;
    private final EventEmitter emitter;
    private final Clock clock;
    private final Scheduler scheduler;
    private final DpeFaults faults;
    private final DpeStats stats;
    private final Listener listener;
    private final Instant started;

    // scheduling, guarded by this
    private boolean stopped;
    private boolean inRound;
    private boolean wokenInRound;
    private Scheduler.Task next;
    private Instant nextAt;
    private long generation;

    // the decision state, touched by one round at a time
    private DeploymentPlanner.Memory memory;
    private final Map<String, PendingWork> submitted = new LinkedHashMap<>();
    private final Map<String, Integer> actionFailures = new HashMap<>();
    private List<TransitionAction> lastTransition = List.of();

    Dpe(String name, long epoch, DeployCache cache, DeploymentStore store, WorkQueue queue, Predicate<String> nodeUp, EventLog events,
        Clock clock, Scheduler scheduler, DpeFaults faults, DpeStats stats, Listener listener) {
        this.name = name;
        this.epoch = epoch;
        this.cache = cache;
        this.store = store;
        this.queue = queue;
        this.nodeUp = nodeUp;
        this.events = events;
        this.emitter = new EventEmitter(events);
        this.clock = clock;
        this.scheduler = scheduler;
        this.faults = faults;
        this.stats = stats;
        this.listener = listener;
        this.started = clock.instant();
    }

    String name() { return name; }

    /** When this DPE was started. */
    Instant started() { return started; }

    /** Runs the first round as soon as possible. */
    synchronized void start() {
        runWithin(Duration.ZERO);
    }

    /** Something this deployment depends on changed: a round runs {@link #SETTLE} from now (or after the running one). */
    synchronized void wake() {
        if (stopped) return;
        if (inRound) wokenInRound = true;
        else runWithin(SETTLE);
    }

    /** No further round starts; one running finishes without telling the listener. */
    synchronized void stop() {
        stopped = true;
        if (next != null) next.cancel();
        next = null;
    }

    synchronized boolean stopped() { return stopped; }

    /** Schedules the next round {@code in} from now, unless one is due sooner already. */
    private void runWithin(Duration in) {
        Instant at = clock.instant().plus(in);
        if (next != null && !nextAt.isAfter(at)) return;
        if (next != null) next.cancel();
        long g = ++generation;
        nextAt = at;
        next = scheduler.schedule(in, () -> runRound(g));
    }

    private void runRound(long g) {
        synchronized (this) {
            // a cancelled round that ran anyway, or one superseded by an earlier one
            if (stopped || inRound || g != generation) return;
            inRound = true;
            wokenInRound = false;
            next = null;
        }
        boolean more = false;
        Throwable fault = null;
        try {
            more = round();
        } catch (RuntimeException | Error e) {
            fault = e;
        }
        synchronized (this) {
            inRound = false;
            if (stopped) return;
            if (fault == null && more) {
                runWithin(wokenInRound ? SETTLE : PERIOD);
                return;
            }
            stopped = true;
        }
        if (fault != null) listener.died(this, fault);
        else listener.finished(this);
    }

    /** One decision round; false when the deployment is gone. */
    boolean round() {
        long began = System.nanoTime();
        try {
            return decideAndAct();
        } finally {
            stats.rounds.increment();
            stats.roundNanos.add(System.nanoTime() - began);
        }
    }

    private boolean decideAndAct() {
        faults.beforeRound(name);
        if (memory == null) memory = new DeploymentPlanner.Memory(Map.of(), store.view(name).orElse(new DeploymentView(name, List.of())));
        DeploymentSpec spec = cache.spec(name);
        if (spec == null) return false;
        Instant now = clock.instant();
        takeResults(cache.results(name));
        submitted.values().removeIf(p -> cache.seen(p.node(), p.id()) || p.created().plus(SUBMITTED_GRACE).isBefore(now));
        ClusterSnapshot s = cache.snapshot(name, nodeUp, new ArrayList<>(submitted.values()));
        ClusterSnapshot snap = new ClusterSnapshot(s.nodes(), s.observed(), s.pending(), actionFailures);
        long t0 = System.nanoTime();
        DeploymentPlanner.Decision d = DeploymentPlanner.decide(spec, snap, memory, now);
        stats.decideNanos.add(System.nanoTime() - t0);
        if (!d.transition().equals(lastTransition) && !d.transition().isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (TransitionAction t : d.transition()) lines.add(t.kind().label() + " " + t.resource() + " (" + t.details() + ")" + t.suffix());
            emitter.emit("deployment.plan", name, String.join("; ", lines), Map.of("actions", lines)); // a decision: changes nothing stored
        }
        lastTransition = d.transition();
        apply(d.actions(), now);
        if (!d.view().equals(memory.previous())) {
            store.putView(d.view());
            stats.viewWrites.increment();
        }
        memory = new DeploymentPlanner.Memory(d.memory().assignment(), d.view());
        if (d.finished()) {
            store.remove(name);
            return false;
        }
        return true;
    }

    /**
     * Takes the agents' results: each is removed from the store in one transaction with the event
     * of a failed action (a result whose removal did not commit is left for the next round).
     */
    private void takeResults(List<WorkResult> results) {
        for (int i = 0; i < results.size(); i += MAX_PER_TX) {
            List<WorkResult> chunk = results.subList(i, Math.min(results.size(), i + MAX_PER_TX));
            List<StoreOp> ops = new ArrayList<>();
            List<EventDraft> evs = new ArrayList<>();
            for (WorkResult r : chunk) {
                ops.add(WorkQueue.deleteResultOp(r.node(), r.id()));
                failure(r).ifPresent(evs::add);
            }
            if (events.transact(ops, evs).result().committed()) {
                for (WorkResult r : chunk) taken(r);
            } else {
                for (WorkResult r : chunk) { // one of them was gone already: take the others one by one
                    TxResult t = events.transact(List.of(WorkQueue.deleteResultOp(r.node(), r.id())), failure(r).map(List::of).orElse(List.of())).result();
                    if (t.committed()) taken(r);
                    else cache.forgetResult(r);
                }
            }
        }
    }

    private void taken(WorkResult r) {
        stats.results.increment();
        if (!r.ok() && ServiceAction.of(r.kind()).orElse(null) == ServiceAction.START && !r.result().has("refused")) {
            actionFailures.merge(r.payload().path("service").asText() + "@" + r.node(), 1, Integer::sum);
        }
        cache.forgetResult(r);
    }

    private Optional<EventDraft> failure(WorkResult r) {
        if (r.ok()) return Optional.empty();
        String svc = r.payload().path("service").asText();
        String why = r.result().path("refused").asText(r.result().path("error").asText("failed"));
        return Optional.of(event("deployment.action.failed", name + "/" + svc, r.kind() + " on " + r.node() + " failed: " + why,
                Map.of("node", r.node(), "work", r.id())));
    }

    /**
     * Queues the round's starts and stops, each in the same transaction as its
     * {@code deployment.action.sent} event, many to a transaction; withdraws cancelled work, each
     * with its event (a withdrawal fails, and records nothing, when the agent took the work already).
     */
    private void apply(List<DeployAction> actions, Instant now) {
        List<StoreOp> ops = new ArrayList<>();
        List<EventDraft> evs = new ArrayList<>();
        List<PendingWork> sent = new ArrayList<>(); // id filled in once committed
        for (DeployAction a : actions) {
            switch (a) {
                case DeployAction.Start st -> {
                    ServiceDef def = st.service();
                    Map<String, Object> spec = new LinkedHashMap<>();
                    spec.put("deployment", name);
                    spec.put("service", def.id());
                    spec.put("hash", def.hash());
                    spec.put("command", def.command());
                    spec.put("env", def.env());
                    spec.put("monitor", def.monitor());
                    spec.put("stopTimeoutMs", 5_000);
                    ops.add(queue.submitOp(st.node(), ServiceAction.START.kind(), epoch, Map.of("deployment", name, "service", def.id(), "spec", spec)));
                    evs.add(event("deployment.action.sent", name + "/" + def.id(), "start on " + st.node(),
                            Map.of("node", st.node(), "kind", ServiceAction.START.kind())));
                    sent.add(new PendingWork(st.node(), null, ServiceAction.START, def.id(), now));
                }
                case DeployAction.Stop sp -> {
                    ops.add(queue.submitOp(sp.node(), ServiceAction.STOP.kind(), epoch, Map.of("deployment", name, "service", sp.service())));
                    evs.add(event("deployment.action.sent", name + "/" + sp.service(), "stop on " + sp.node() + ": " + sp.reason(),
                            Map.of("node", sp.node(), "kind", ServiceAction.STOP.kind())));
                    sent.add(new PendingWork(sp.node(), null, ServiceAction.STOP, sp.service(), now));
                }
                case DeployAction.Cancel c -> {
                    events.transact(List.of(WorkQueue.cancelOp(c.node(), c.workId())), List.of(event("deployment.action.cancelled", name,
                            "work " + c.workId() + " for " + c.node() + " withdrawn: " + c.reason(), Map.of("node", c.node(), "work", c.workId()))));
                    submitted.remove(c.workId());
                }
            }
        }
        for (int i = 0; i < ops.size(); i += MAX_PER_TX) {
            int to = Math.min(ops.size(), i + MAX_PER_TX);
            TxResult t = events.transact(ops.subList(i, to), evs.subList(i, to)).result();
            if (!(t instanceof TxResult.Committed c)) {
                throw new IllegalStateException("queueing work failed at " + t); // the CPE restarts this DPE; it re-plans from the store
            }
            for (int k = i; k < to; k++) {
                PendingWork w = sent.get(k);
                String id = c.paths().get(k - i).name();
                submitted.put(id, new PendingWork(w.node(), id, w.action(), w.service(), w.created()));
            }
            stats.actions.add(to - i);
        }
    }

    private static EventDraft event(String type, String subject, String message, Map<String, ?> data) {
        return EventEmitter.draft(type, subject, message, data);
    }
}
