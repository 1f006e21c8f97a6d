package dev.cairn.controller.deploy.plan;

import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.controller.deploy.DeploymentView;
import dev.cairn.controller.deploy.ObservedService;
import dev.cairn.controller.deploy.ObservedState;
import dev.cairn.policy.deployment.ServiceDef;
import dev.cairn.controller.deploy.ServiceState;
import dev.cairn.controller.deploy.ServiceView;
import dev.cairn.controller.deploy.plan.ClusterSnapshot.PendingWork;
import dev.cairn.policy.Placement;
import dev.cairn.policy.Plan;
import dev.cairn.policy.PolicyScheduler;
import dev.cairn.policy.TransitionAction;
import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.policy.deployment.ServiceDef;
import dev.cairn.policy.model.OrderDef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A DPE's decision step, a pure function of (deployment, snapshot, memory, now):
 * <ol>
 *   <li>work queued for nodes that are down is withdrawn (they will not run it; they get stopped
 *       copies' stops when they return, not stale starts);</li>
 *   <li>stale copies are stopped before anything else: copies of services the deployment no longer
 *       has, copies of an old definition, and every copy but one of a service running twice (a node
 *       that came back after its services were moved);</li>
 *   <li>the scheduler plans the rest, and each service with no work in flight gets the first step
 *       of its transition (a move or recovery is a stop now and a start once the stop is reported).</li>
 * </ol>
 * It never assumes an action worked: work stays "in flight" until the agent acknowledges it, and
 * the next decision starts again from what agents report.
 */
public final class DeploymentPlanner {
    private DeploymentPlanner() {}

    /** What a DPE remembers between decisions: where it last placed each service, and the last view. */
    public record Memory(Map<String, String> assignment, DeploymentView previous) {
        public Memory {
            assignment = Map.copyOf(assignment);
        }

        public static Memory empty(String name) {
            return new Memory(Map.of(), new DeploymentView(name, List.of()));
        }
    }

    public record Decision(List<DeployAction> actions, DeploymentView view, Memory memory, boolean finished,
                           List<TransitionAction> transition) {}

    private record Copy(String node, ObservedService observed) {}

    public static Decision decide(DeploymentSpec spec, ClusterSnapshot snap, Memory mem, Instant now) {
        List<DeployAction> actions = new ArrayList<>();
        Map<String, PendingWork> inFlight = new LinkedHashMap<>();
        for (PendingWork p : snap.pending()) {
            if (!snap.up(p.node())) actions.add(new DeployAction.Cancel(p.node(), p.id(), "node " + p.node() + " is down"));
            else inFlight.putIfAbsent(p.service(), p);
        }
        Map<String, List<Copy>> copies = new LinkedHashMap<>();
        Map<String, Copy> failedCopies = new HashMap<>();
        for (var e : snap.observed().entrySet()) {
            if (!snap.up(e.getKey())) continue;
            for (ObservedService o : e.getValue()) {
                if (o.running()) copies.computeIfAbsent(o.service(), k -> new ArrayList<>()).add(new Copy(e.getKey(), o));
                else if (o.state() == ObservedState.FAILED) failedCopies.put(o.service(), new Copy(e.getKey(), o));
            }
        }
        Set<String> skip = new HashSet<>();
        Set<String> held = new HashSet<>();
        Map<String, String> keep = new HashMap<>();
        Map<String, String> assignment = new HashMap<>(mem.assignment());
        for (var e : copies.entrySet()) {
            String id = e.getKey();
            Optional<ServiceDef> def = spec.service(id);
            List<Copy> cs = new ArrayList<>(e.getValue());
            if (def.isEmpty() || spec.deleting()) {
                for (Copy c : cs) stopUnlessInFlight(actions, inFlight, id, c.node(),
                        spec.deleting() ? "deployment is being deleted" : "service is no longer in the deployment", held);
                continue;
            }
            List<Copy> fresh = new ArrayList<>();
            for (Copy c : cs) {
                if (c.observed().hash() != null && !c.observed().hash().equals(def.get().hash())) {
                    stopUnlessInFlight(actions, inFlight, id, c.node(), "its definition changed", held);
                    skip.add(id + "@" + c.node());
                } else {
                    fresh.add(c);
                }
            }
            if (fresh.size() > 1) {
                String assigned = mem.assignment().get(id);
                Copy kept = fresh.stream().filter(c -> c.node().equals(assigned)).findFirst()
                        .orElse(fresh.stream().min(Comparator.comparing((Copy c) -> c.observed().since() == null ? Instant.MAX : c.observed().since())
                                .thenComparing(Copy::node)).orElseThrow());
                for (Copy c : fresh) {
                    if (c == kept) continue;
                    stopUnlessInFlight(actions, inFlight, id, c.node(), "a stale copy: the service runs on " + kept.node(), held);
                    skip.add(id + "@" + c.node());
                }
                fresh = List.of(kept);
            }
            if (fresh.size() == 1) {
                keep.put(id, fresh.get(0).node());
                assignment.put(id, fresh.get(0).node());
            }
        }
        if (spec.deleting()) {
            boolean done = copies.isEmpty() && inFlight.isEmpty() && actions.stream().noneMatch(a -> a instanceof DeployAction.Stop);
            Map<String, ViewLine> lines = new LinkedHashMap<>();
            for (ServiceDef s : spec.services()) {
                String k = keep.get(s.id());
                lines.put(s.id(), k == null && !inFlight.containsKey(s.id()) ? new ViewLine(ServiceState.STOPPED, null) : new ViewLine(ServiceState.STOPPING,
                        k != null ? k : inFlight.get(s.id()).node()));
            }
            return new Decision(holdStopsForOrders(spec, actions, inFlight, copies), view(spec.name(), lines, mem.previous(), now),
                    new Memory(assignment, mem.previous()), done, List.of());
        }

        Plan plan = PolicyScheduler.plan(CibBuilder.build(spec, snap, skip), now);
        Set<String> blocked = new HashSet<>();
        Map<String, String> starting = new HashMap<>();
        Map<String, String> stopping = new HashMap<>();
        for (TransitionAction t : plan.transition()) {
            String id = t.resource();
            if (held.contains(id) || inFlight.containsKey(id)) continue;
            if (t.blocked()) {
                blocked.add(id);
                continue;
            }
            switch (t.kind()) {
                case START -> {
                    if (t.to() != null && ordersAllow(spec, id, keep)) {
                        actions.add(new DeployAction.Start(t.to(), spec.service(id).orElseThrow(), "start"));
                        starting.put(id, t.to());
                        assignment.put(id, t.to());
                    }
                }
                case STOP, MOVE, RECOVER, RESTART -> {
                    if (t.from() != null && snap.up(t.from())) {
                        actions.add(new DeployAction.Stop(t.from(), id, t.kind().label().toLowerCase()
                                + (t.reason() == null ? "" : " due to " + t.reason())));
                        stopping.put(id, t.from());
                    }
                }
            }
        }
        for (DeployAction a : actions) {
            if (a instanceof DeployAction.Stop s && !keep.containsKey(s.service())) stopping.putIfAbsent(s.service(), s.node());
        }
        Map<String, Placement> placements = new HashMap<>();
        for (Placement p : plan.placements()) placements.put(p.resource(), p);
        boolean anyUp = snap.nodes().stream().anyMatch(ClusterSnapshot.NodeStatus::up);
        Map<String, ViewLine> lines = new LinkedHashMap<>();
        for (ServiceDef s : spec.services()) {
            String id = s.id();
            PendingWork p = inFlight.get(id);
            String k = keep.get(id);
            ViewLine line;
            if (k != null) {
                boolean stoppingKept = (p != null && p.node().equals(k) && p.action() == ServiceAction.STOP) || k.equals(stopping.get(id));
                line = new ViewLine(stoppingKept ? ServiceState.STOPPING : ServiceState.RUNNING, k);
            } else if (p != null) {
                line = new ViewLine(p.action() == ServiceAction.START ? ServiceState.STARTING : ServiceState.STOPPING, p.node());
            } else if (starting.containsKey(id)) {
                line = new ViewLine(ServiceState.STARTING, starting.get(id));
            } else if (stopping.containsKey(id)) {
                line = new ViewLine(ServiceState.STOPPING, stopping.get(id));
            } else if (blocked.contains(id)) {
                line = new ViewLine(ServiceState.BLOCKED, null);
            } else if (failedCopies.containsKey(id)) {
                line = new ViewLine(ServiceState.FAILED, failedCopies.get(id).node());
            } else if ("stopped".equalsIgnoreCase(s.meta().getOrDefault("target-role", "started"))) {
                line = new ViewLine(ServiceState.STOPPED, null);
            } else {
                Placement pl = placements.get(id);
                boolean placed = pl != null && pl.node() != null;
                boolean everFailed = snap.observed().values().stream().flatMap(List::stream)
                        .anyMatch(o -> o.service().equals(id) && o.failCount() > 0);
                line = placed || !anyUp ? new ViewLine(ServiceState.PENDING, null) : new ViewLine(everFailed ? ServiceState.FAILED : ServiceState.BLOCKED, null);
            }
            lines.put(id, line);
        }
        return new Decision(holdStopsForOrders(spec, actions, inFlight, copies), view(spec.name(), lines, mem.previous(), now),
                new Memory(assignment, mem.previous()), false, plan.transition());
    }

    private static void stopUnlessInFlight(List<DeployAction> actions, Map<String, PendingWork> inFlight, String id, String node,
                                           String why, Set<String> held) {
        held.add(id);
        PendingWork p = inFlight.get(id);
        if (p != null && p.node().equals(node) && p.action() == ServiceAction.STOP) return;
        if (p != null) return; // one action per service at a time: wait for the one in flight
        actions.add(new DeployAction.Stop(node, id, why));
    }

    /**
     * Stops in reverse order, as Pacemaker's symmetrical orders: while a mandatory, symmetrical
     * order {@code first → then} has {@code then} running and being stopped (its stop sent now or
     * in flight), the stop of {@code first} is held back until {@code then} is reported stopped.
     * A stop of {@code first} alone (it moves or restarts while {@code then} stays) is not held.
     */
    static List<DeployAction> holdStopsForOrders(DeploymentSpec spec, List<DeployAction> actions, Map<String, PendingWork> inFlight,
                                                 Map<String, List<Copy>> copies) {
        if (spec.orders().isEmpty()) return actions;
        Set<String> stopping = new HashSet<>();
        for (DeployAction a : actions) if (a instanceof DeployAction.Stop s) stopping.add(s.service());
        for (var e : inFlight.entrySet()) if (e.getValue().action() == ServiceAction.STOP) stopping.add(e.getKey());
        List<DeployAction> out = new ArrayList<>();
        for (DeployAction a : actions) {
            if (a instanceof DeployAction.Stop s && stopAfter(spec, s.service(), stopping, copies)) continue;
            out.add(a);
        }
        return out;
    }

    private static boolean stopAfter(DeploymentSpec spec, String first, Set<String> stopping, Map<String, List<Copy>> copies) {
        for (OrderDef o : spec.orders()) {
            if (!o.first().equals(first) || !startsThenStarts(o) || !o.symmetrical()) continue;
            if (stopping.contains(o.then()) && !copies.getOrDefault(o.then(), List.of()).isEmpty()) return true;
        }
        return false;
    }

    /** A mandatory order "first then this" holds this start back until first runs. */
    private static boolean ordersAllow(DeploymentSpec spec, String id, Map<String, String> running) {
        for (OrderDef o : spec.orders()) {
            if (o.then().equals(id) && startsThenStarts(o) && !running.containsKey(o.first())) return false;
        }
        return true;
    }

    /** The orders this planner holds actions for: mandatory, start of first before start of then (other actions are the scheduler's alone). */
    private static boolean startsThenStarts(OrderDef o) {
        return o.mandatory() && "start".equals(o.firstAction()) && "start".equals(o.thenAction());
    }

    private record ViewLine(ServiceState state, String node) {}

    private static DeploymentView view(String name, Map<String, ViewLine> lines, DeploymentView previous, Instant now) {
        Map<String, ServiceView> prev = new HashMap<>();
        for (ServiceView v : previous.services()) prev.put(v.id(), v);
        List<ServiceView> out = new ArrayList<>();
        for (var e : lines.entrySet()) {
            ServiceView p = prev.get(e.getKey());
            ViewLine l = e.getValue();
            boolean same = p != null && p.state() == l.state() && java.util.Objects.equals(p.node(), l.node());
            out.add(new ServiceView(e.getKey(), l.state(), l.node(), same ? p.since() : now));
        }
        return new DeploymentView(name, out);
    }
}
