package dev.cairn.controller.deploy;

import dev.cairn.controller.deploy.ClusterSnapshot.NodeStatus;
import dev.cairn.controller.deploy.ClusterSnapshot.PendingWork;
import dev.cairn.controller.nodes.NodeRecord;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.work.WorkItem;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.controller.work.WorkResult;
import dev.cairn.core.Json;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StorePath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's in-memory copy of what DPEs read — deployments, nodes, agents' reports, queued work
 * and work results — kept current by store watches (which report what exists, then changes), so a
 * decision round reads memory instead of the store. {@code onChange} gets the deployment a change
 * concerns, or null when it may concern all.
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

    DeployCache(CoordinationStore store, Consumer<String> onChange) {
        this.onChange = onChange;
        watches.add(store.watch(NodeRegistry.NODES, e -> guard(e, this::onNode)));
        watches.add(store.watch(DeploymentStore.OBSERVED, e -> guard(e, this::onObserved)));
        watches.add(store.watch(WorkQueue.WORK, e -> guard(e, this::onWork)));
        watches.add(store.watch(WorkQueue.RESULTS, e -> guard(e, this::onResult)));
        watches.add(store.watch(DeploymentStore.DEPLOYMENTS, e -> guard(e, this::onSpec)));
    }

    private void guard(StoreEvent e, Consumer<StoreEvent> h) {
        try {
            h.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("cannot apply store change {} {}: {}", e.type(), e.path(), ex.getMessage());
        }
    }

    private static boolean depth(StoreEvent e, int n) {
        return e.path().segments().size() == n;
    }

    private void onSpec(StoreEvent e) {
        if (!depth(e, 2)) return;
        String name = e.path().name();
        if (e.type() == StoreEvent.Type.DELETED) specs.remove(name);
        else specs.put(name, Json.read(e.data(), DeploymentSpec.class));
        onChange.accept(name);
    }

    private void onNode(StoreEvent e) {
        if (!depth(e, 2)) return;
        if (e.type() == StoreEvent.Type.DELETED) nodes.remove(e.path().name());
        else nodes.put(e.path().name(), Json.read(e.data(), NodeRecord.class));
        onChange.accept(null);
    }

    private void onObserved(StoreEvent e) {
        if (!depth(e, 2)) return;
        List<ObservedService> before = e.type() == StoreEvent.Type.DELETED ? observed.remove(e.path().name())
                : observed.put(e.path().name(), Json.read(e.data(), DeploymentStore.NodeReport.class).services());
        // wake only the DPEs of deployments this report concerns, before or after
        Set<String> touched = new java.util.TreeSet<>();
        for (ObservedService o : before == null ? List.<ObservedService>of() : before) touched.add(o.deployment());
        for (ObservedService o : observed.getOrDefault(e.path().name(), List.of())) touched.add(o.deployment());
        for (String d : touched) onChange.accept(d);
    }

    private void onWork(StoreEvent e) {
        if (!depth(e, 3)) return;
        String node = StorePath.decode(e.path().segments().get(1));
        String id = e.path().name();
        String dep;
        if (e.type() == StoreEvent.Type.DELETED) {
            WorkItem w = work.getOrDefault(node, Map.of()).get(id);
            Map<String, WorkItem> m = work.get(node);
            if (m != null) m.remove(id);
            dep = w == null ? null : w.payload().path("deployment").asText(null);
        } else {
            WorkItem w = WorkQueue.decode(node, id, e.data());
            work.computeIfAbsent(node, k -> new ConcurrentHashMap<>()).put(id, w);
            seenWork.add(node + "/" + id);
            dep = w.payload().path("deployment").asText(null);
        }
        onChange.accept(dep);
    }

    private void onResult(StoreEvent e) {
        if (!depth(e, 3)) return;
        String node = StorePath.decode(e.path().segments().get(1));
        String id = e.path().name();
        if (e.type() == StoreEvent.Type.DELETED) {
            Map<String, WorkResult> m = results.get(node);
            if (m != null) m.remove(id);
            return;
        }
        WorkResult r = WorkQueue.decodeResult(node, id, e.data());
        results.computeIfAbsent(node, k -> new ConcurrentHashMap<>()).put(id, r);
        onChange.accept(r.payload().path("deployment").asText(null));
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

    /** Results of service actions for {@code deployment}. */
    List<WorkResult> results(String deployment) {
        List<WorkResult> out = new ArrayList<>();
        for (Map<String, WorkResult> m : results.values()) {
            for (WorkResult r : m.values()) {
                if (r.kind().startsWith("service.") && !r.kind().equals("service.logs")
                        && deployment.equals(r.payload().path("deployment").asText(null))) out.add(r);
            }
        }
        return out;
    }

    void forgetResult(WorkResult r) {
        Map<String, WorkResult> m = results.get(r.node());
        if (m != null) m.remove(r.id());
    }

    /** Everything a DPE of {@code deployment} decides from; node liveness from {@code up}. */
    ClusterSnapshot snapshot(String deployment, java.util.function.Predicate<String> up, List<PendingWork> alsoPending) {
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
                if (!w.kind().equals("service.start") && !w.kind().equals("service.stop")) continue;
                if (!deployment.equals(w.payload().path("deployment").asText(null))) continue;
                pending.add(new PendingWork(e.getKey(), w.id(), w.kind(), w.payload().path("service").asText(), w.created()));
            }
        }
        for (PendingWork p : alsoPending) {
            if (pending.stream().noneMatch(q -> q.id().equals(p.id()) && q.node().equals(p.node()))) pending.add(p);
        }
        pending.sort(java.util.Comparator.comparing(PendingWork::id));
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
