package dev.cairn.controller.deploy;

import dev.cairn.controller.deploy.ClusterSnapshot.PendingWork;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.controller.work.WorkResult;
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
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.TxResult;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A deployment policy engine: one per deployment, on the leader. Each round it gathers the
 * deployment and what agents report (from the {@link DeployCache}), lets {@link DeploymentPlanner}
 * decide, queues the resulting work with the leader's epoch and writes the deployment's view.
 * Rounds run when something it depends on changes and on a timer. {@link #run} returns when the
 * deployment is gone; an exception ends it and the CPE starts a new one.
 */
final class Dpe {
    static final Duration PERIOD = Duration.ofSeconds(2);
    private static final Duration SUBMITTED_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final long epoch;
    private final DeployCache cache;
    private final DeploymentStore store;
    private final WorkQueue queue;
    private final java.util.function.Predicate<String> nodeUp;
    private final Clock clock;
    private final DeployEvents events;
    private final DpeFaults faults;
    private final DpeStats stats;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean stopped;
    private DeploymentPlanner.Memory memory;
    private final Map<String, PendingWork> submitted = new LinkedHashMap<>();
    private final Map<String, Integer> actionFailures = new HashMap<>();
    private List<TransitionAction> lastTransition = List.of();

    Dpe(String name, long epoch, DeployCache cache, DeploymentStore store, WorkQueue queue, java.util.function.Predicate<String> nodeUp,
        Clock clock, DeployEvents events, DpeFaults faults, DpeStats stats) {
        this.stats = stats;
        this.name = name;
        this.epoch = epoch;
        this.cache = cache;
        this.store = store;
        this.queue = queue;
        this.nodeUp = nodeUp;
        this.clock = clock;
        this.events = events;
        this.faults = faults;
    }

    void wake() {
        wake.release();
    }

    void stop() {
        stopped = true;
        wake.release();
    }

    boolean stopped() { return stopped; }

    /** Runs rounds until the deployment is removed or the DPE is stopped; exceptions propagate to the CPE. */
    void run() throws InterruptedException {
        while (!stopped) {
            if (!round()) return;
            wake.tryAcquire(PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            Thread.sleep(20); // let a burst of changes land before the next round
            wake.drainPermits();
        }
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
            events.event("deployment.plan", name, String.join("; ", lines), Map.of("actions", lines));
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
        for (int i = 0; i < results.size(); i += DeployTx.MAX_CHANGES) {
            List<WorkResult> chunk = results.subList(i, Math.min(results.size(), i + DeployTx.MAX_CHANGES));
            List<StoreOp> ops = new ArrayList<>();
            List<DeployTx.Ev> evs = new ArrayList<>();
            for (WorkResult r : chunk) {
                ops.add(WorkQueue.deleteResultOp(r.node(), r.id()));
                failure(r).ifPresent(evs::add);
            }
            if (DeployTx.run(store.store(), events, ops, evs).committed()) {
                for (WorkResult r : chunk) taken(r);
            } else {
                for (WorkResult r : chunk) { // one of them was gone already: take the others one by one
                    TxResult t = DeployTx.run(store.store(), events, List.of(WorkQueue.deleteResultOp(r.node(), r.id())),
                            failure(r).map(List::of).orElse(List.of()));
                    if (t.committed()) taken(r);
                    else cache.forgetResult(r);
                }
            }
        }
    }

    private void taken(WorkResult r) {
        stats.results.increment();
        if (!r.ok() && r.kind().equals("service.start") && !r.result().has("refused")) {
            actionFailures.merge(r.payload().path("service").asText() + "@" + r.node(), 1, Integer::sum);
        }
        cache.forgetResult(r);
    }

    private Optional<DeployTx.Ev> failure(WorkResult r) {
        if (r.ok()) return Optional.empty();
        String svc = r.payload().path("service").asText();
        String why = r.result().path("refused").asText(r.result().path("error").asText("failed"));
        return Optional.of(new DeployTx.Ev("deployment.action.failed", name + "/" + svc, r.kind() + " on " + r.node() + " failed: " + why,
                Map.of("node", r.node(), "work", r.id())));
    }

    /**
     * Queues the round's starts and stops, each in the same transaction as its
     * {@code deployment.action.sent} event, many to a transaction; withdraws cancelled work, each
     * with its event (a withdrawal fails, and records nothing, when the agent took the work already).
     */
    private void apply(List<DeployAction> actions, Instant now) {
        List<StoreOp> ops = new ArrayList<>();
        List<DeployTx.Ev> evs = new ArrayList<>();
        List<String[]> sent = new ArrayList<>(); // node, kind, service
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
                    ops.add(queue.submitOp(st.node(), "service.start", epoch, Map.of("deployment", name, "service", def.id(), "spec", spec)));
                    evs.add(new DeployTx.Ev("deployment.action.sent", name + "/" + def.id(), "start on " + st.node(),
                            Map.of("node", st.node(), "kind", "service.start")));
                    sent.add(new String[] {st.node(), "service.start", def.id()});
                }
                case DeployAction.Stop sp -> {
                    ops.add(queue.submitOp(sp.node(), "service.stop", epoch, Map.of("deployment", name, "service", sp.service())));
                    evs.add(new DeployTx.Ev("deployment.action.sent", name + "/" + sp.service(), "stop on " + sp.node() + ": " + sp.reason(),
                            Map.of("node", sp.node(), "kind", "service.stop")));
                    sent.add(new String[] {sp.node(), "service.stop", sp.service()});
                }
                case DeployAction.Cancel c -> {
                    DeployTx.run(store.store(), events, WorkQueue.cancelOp(c.node(), c.workId()), new DeployTx.Ev("deployment.action.cancelled",
                            name, "work " + c.workId() + " for " + c.node() + " withdrawn: " + c.reason(), Map.of("node", c.node(), "work", c.workId())));
                    submitted.remove(c.workId());
                }
            }
        }
        for (int i = 0; i < ops.size(); i += DeployTx.MAX_CHANGES) {
            int to = Math.min(ops.size(), i + DeployTx.MAX_CHANGES);
            TxResult t = DeployTx.run(store.store(), events, ops.subList(i, to), evs.subList(i, to));
            if (!(t instanceof TxResult.Committed c)) {
                throw new IllegalStateException("queueing work failed at " + t); // the CPE restarts this DPE; it re-plans from the store
            }
            for (int k = i; k < to; k++) {
                String[] w = sent.get(k);
                String id = c.paths().get(k - i).name();
                submitted.put(id, new PendingWork(w[0], id, w[1], w[2], now));
            }
            stats.actions.add(to - i);
        }
    }
}
