package dev.cairn.controller.deploy;

import dev.cairn.controller.deploy.ClusterSnapshot.PendingWork;
import dev.cairn.controller.work.WorkItem;
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
    private final PhiAccrualDetector detector;
    private final Clock clock;
    private final DeployEvents events;
    private final DpeFaults faults;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean stopped;
    private DeploymentPlanner.Memory memory;
    private final Map<String, PendingWork> submitted = new LinkedHashMap<>();
    private final Map<String, Integer> actionFailures = new HashMap<>();
    private List<TransitionAction> lastTransition = List.of();

    Dpe(String name, long epoch, DeployCache cache, DeploymentStore store, WorkQueue queue, PhiAccrualDetector detector,
        Clock clock, DeployEvents events, DpeFaults faults) {
        this.name = name;
        this.epoch = epoch;
        this.cache = cache;
        this.store = store;
        this.queue = queue;
        this.detector = detector;
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
        memory = new DeploymentPlanner.Memory(Map.of(), store.view(name).orElse(new DeploymentView(name, List.of())));
        while (!stopped) {
            if (!round()) return;
            wake.tryAcquire(PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            Thread.sleep(20); // let a burst of changes land before the next round
            wake.drainPermits();
        }
    }

    /** One decision round; false when the deployment is gone. */
    boolean round() {
        faults.beforeRound(name);
        DeploymentSpec spec = cache.spec(name);
        if (spec == null) return false;
        Instant now = clock.instant();
        for (WorkResult r : cache.results(name)) {
            if (!r.ok()) {
                String svc = r.payload().path("service").asText();
                String why = r.result().path("refused").asText(r.result().path("error").asText("failed"));
                if (r.kind().equals("service.start") && !r.result().has("refused")) actionFailures.merge(svc + "@" + r.node(), 1, Integer::sum);
                events.event("deployment.action.failed", name + "/" + svc, r.kind() + " on " + r.node() + " failed: " + why,
                        Map.of("node", r.node(), "work", r.id()));
            }
            queue.deleteResult(r.node(), r.id());
            cache.forgetResult(r);
        }
        submitted.values().removeIf(p -> cache.seen(p.node(), p.id()) || p.created().plus(SUBMITTED_GRACE).isBefore(now));
        ClusterSnapshot s = cache.snapshot(name, detector, now, new ArrayList<>(submitted.values()));
        ClusterSnapshot snap = new ClusterSnapshot(s.nodes(), s.observed(), s.pending(), actionFailures);
        DeploymentPlanner.Decision d = DeploymentPlanner.decide(spec, snap, memory, now);
        if (!d.transition().equals(lastTransition) && !d.transition().isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (TransitionAction t : d.transition()) lines.add(t.kind().label() + " " + t.resource() + " (" + t.details() + ")" + t.suffix());
            events.event("deployment.plan", name, String.join("; ", lines), Map.of("actions", lines));
        }
        lastTransition = d.transition();
        for (DeployAction a : d.actions()) apply(a, now);
        if (!d.view().equals(memory.previous())) store.putView(d.view());
        memory = new DeploymentPlanner.Memory(d.memory().assignment(), d.view());
        if (d.finished()) {
            store.remove(name);
            events.event("deployment.deleted", name, "every service stopped; deployment removed", Map.of());
            return false;
        }
        return true;
    }

    private void apply(DeployAction a, Instant now) {
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
                WorkItem w = queue.submit(st.node(), "service.start", epoch, Map.of("deployment", name, "service", def.id(), "spec", spec));
                submitted.put(w.id(), new PendingWork(st.node(), w.id(), w.kind(), def.id(), now));
                events.event("deployment.action.sent", name + "/" + def.id(), "start on " + st.node(), Map.of("node", st.node(), "work", w.id()));
            }
            case DeployAction.Stop sp -> {
                WorkItem w = queue.submit(sp.node(), "service.stop", epoch, Map.of("deployment", name, "service", sp.service()));
                submitted.put(w.id(), new PendingWork(sp.node(), w.id(), w.kind(), sp.service(), now));
                events.event("deployment.action.sent", name + "/" + sp.service(), "stop on " + sp.node() + ": " + sp.reason(),
                        Map.of("node", sp.node(), "work", w.id()));
            }
            case DeployAction.Cancel c -> {
                queue.cancel(c.node(), c.workId());
                submitted.remove(c.workId());
                events.event("deployment.action.cancelled", name, "work " + c.workId() + " for " + c.node() + " withdrawn: " + c.reason(),
                        Map.of("node", c.node(), "work", c.workId()));
            }
        }
    }
}
