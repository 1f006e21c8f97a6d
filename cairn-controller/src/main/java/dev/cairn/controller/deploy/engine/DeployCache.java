package dev.cairn.controller.deploy.engine;

import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.deploy.ObservedService;
import dev.cairn.controller.deploy.plan.ClusterSnapshot;
import dev.cairn.controller.deploy.plan.ClusterSnapshot.NodeStatus;
import dev.cairn.controller.deploy.plan.ClusterSnapshot.PendingWork;
import dev.cairn.controller.deploy.plan.ServiceAction;
import dev.cairn.controller.nodes.NodeRecord;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.work.WorkItem;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.controller.work.WorkResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's in-memory copy of what DPEs read — deployments, nodes, agents' reports, queued work
 * and work results — kept current by the owners' watches (which report what exists, then
 * changes), so a decision round reads memory instead of the store. {@code onChange} gets the
 * deployment a change concerns, or null when it may concern all.
 */
final class DeployCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeployCache.class);

    private final Map<String, DeploymentSpec> specs = new ConcurrentHashMap<>();
    private final Map<String, NodeRecord> nodes = new ConcurrentHashMap<>();
    private final Map<String, List<ObservedService>> observed = new ConcurrentHashMap<>();
    private final Map<String, Map<String, WorkItem>> work = new ConcurrentHashMap<>();
    private final Map<String, Map<String, WorkResult>> results = new ConcurrentHashMap<>();
    private final Set<String> seenWork = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > 20_000;
        }
    }));
    private final List<AutoCloseable> watches = new ArrayList<>();
    private final Consumer<String> onChange;

    DeployCache(DeploymentStore deployments, NodeRegistry registry, WorkQueue queue, Consumer<String> onChange) {
        this.onChange = onChange;
        watches.add(registry.watch(this::onNode));
        watches.add(deployments.watchReports(this::onReport));
        watches.add(queue.watchItems(this::onWork));
        watches.add(queue.watchResults(this::onResult));
        watches.add(deployments.watchSpecs(this::onSpec));
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ex) {
            LOG.warn("cannot apply a store change: {}", ex.toString());
        }
    }

    private void onSpec(String name, Optional<DeploymentSpec> spec) {
        guarded(() -> {
            if (spec.isEmpty()) specs.remove(name);
            else specs.put(name, spec.get());
            onChange.accept(name);
        });
    }

    private void onNode(String name, Optional<NodeRecord> r) {
        guarded(() -> {
            if (r.isEmpty()) nodes.remove(name);
            else nodes.put(name, r.get());
            onChange.accept(null);
        });
    }

    private void onReport(String node, Optional<DeploymentStore.NodeReport> report) {
        guarded(() -> {
            List<ObservedService> before = report.isEmpty() ? observed.remove(node) : observed.put(node, report.get().services());
            // wake only the DPEs of deployments this report concerns, before or after
            Set<String> touched = new TreeSet<>();
            for (ObservedService o : before == null ? List.<ObservedService>of() : before) touched.add(o.deployment());
            for (ObservedService o : observed.getOrDefault(node, List.of())) touched.add(o.deployment());
            for (String d : touched) onChange.accept(d);
        });
    }

    private void onWork(WorkQueue.Queued q) {
        guarded(() -> {
            WorkItem w;
            if (q.item().isEmpty()) {
                Map<String, WorkItem> m = work.get(q.node());
                w = m == null ? null : m.remove(q.id());
            } else {
                w = q.item().get();
                work.computeIfAbsent(q.node(), k -> new ConcurrentHashMap<>()).put(q.id(), w);
                seenWork.add(q.node() + "/" + q.id());
            }
            onChange.accept(w == null ? null : deploymentOf(w.payload()));
        });
    }

    private void onResult(WorkQueue.Answered a) {
        guarded(() -> {
            if (a.result().isEmpty()) {
                Map<String, WorkResult> m = results.get(a.node());
                if (m != null) m.remove(a.id());
                return;
            }
            WorkResult r = a.result().get();
            results.computeIfAbsent(a.node(), k -> new ConcurrentHashMap<>()).put(a.id(), r);
            onChange.accept(deploymentOf(r.payload()));
        });
    }

    private static String deploymentOf(com.fasterxml.jackson.databind.JsonNode payload) {
        return payload == null ? null : payload.path("deployment").asText(null);
    }

    Set<String> deploymentNames() {
        return Set.copyOf(specs.keySet());
    }

    DeploymentSpec spec(String name) {
        return specs.get(name);
    }

    boolean seen(String node, String workId) {
        return seenWork.contains(node + "/" + workId);
    }

    Map<String, NodeRecord> nodes() {
        return new TreeMap<>(nodes);
    }

    /** Results of service actions (starts and stops) for {@code deployment}. */
    List<WorkResult> results(String deployment) {
        List<WorkResult> out = new ArrayList<>();
        for (Map<String, WorkResult> m : results.values()) {
            for (WorkResult r : m.values()) {
                if (ServiceAction.of(r.kind()).isPresent() && deployment.equals(deploymentOf(r.payload()))) out.add(r);
            }
        }
        return out;
    }

    void forgetResult(WorkResult r) {
        Map<String, WorkResult> m = results.get(r.node());
        if (m != null) m.remove(r.id());
    }

    /** Everything a DPE of {@code deployment} decides from; node liveness from {@code up}. */
    ClusterSnapshot snapshot(String deployment, Predicate<String> up, List<PendingWork> alsoPending) {
        List<NodeStatus> ns = new ArrayList<>();
        for (NodeRecord r : nodes().values()) {
            ns.add(new NodeStatus(r.name(), up.test(r.name()), r.standby(), r.labels()));
        }
        Map<String, List<ObservedService>> obs = new TreeMap<>();
        for (var e : observed.entrySet()) {
            List<ObservedService> mine = new ArrayList<>();
            for (ObservedService o : e.getValue()) if (deployment.equals(o.deployment())) mine.add(o);
            if (!mine.isEmpty()) obs.put(e.getKey(), mine);
        }
        List<PendingWork> pending = new ArrayList<>();
        for (var e : work.entrySet()) {
            for (WorkItem w : e.getValue().values()) {
                Optional<ServiceAction> action = ServiceAction.of(w.kind());
                if (action.isEmpty() || !deployment.equals(deploymentOf(w.payload()))) continue;
                pending.add(new PendingWork(e.getKey(), w.id(), action.get(), w.payload().path("service").asText(), w.created()));
            }
        }
        for (PendingWork p : alsoPending) {
            if (pending.stream().noneMatch(q -> q.id().equals(p.id()) && q.node().equals(p.node()))) pending.add(p);
        }
        pending.sort(Comparator.comparing(PendingWork::id));
        return new ClusterSnapshot(ns, obs, pending, Map.of());
    }

    @Override
    public void close() {
        for (AutoCloseable w : watches) {
            try {
                w.close();
            } catch (Exception ignored) {
                // store going away
            }
        }
    }
}
