package dev.cairn.policy.engine;

import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.NodeState;
import dev.cairn.policy.model.OpDef;
import dev.cairn.policy.model.OpRecord;
import dev.cairn.policy.model.ResourceHistory;
import dev.cairn.policy.model.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a transition the way crm_simulate -S does: the graph holds the required, runnable
 * actions; an action runs once all of its graph inputs ran (an input that never runs, or a
 * cycle of inputs, keeps it from running); every action that runs succeeds and is recorded in
 * the status as Pacemaker records it ({@code <rsc>_last_0}, {@code <rsc>_monitor_<ms>}).
 */
final class Revision {
    private Revision() {}

    /** Whether Pacemaker puts the action in the transition graph: required, runnable, managed, on an online node. */
    static boolean inGraph(Action a) {
        return a.runnable && !a.optional && a.node != null && a.rsc.managed && a.node.online;
    }

    static List<Action> executed(List<Action> actions) {
        Map<Action, Integer> pending = new HashMap<>();
        List<Action> graph = new ArrayList<>();
        for (Action a : actions) {
            if (inGraph(a)) graph.add(a);
        }
        Map<Action, Boolean> inGraph = new HashMap<>();
        for (Action a : graph) inGraph.put(a, true);
        Map<Action, List<Action>> dependents = new HashMap<>();
        Deque<Action> ready = new ArrayDeque<>();
        for (Action a : graph) {
            int n = 0;
            boolean never = false;
            for (Action.Edge e : a.before) {
                Action in = e.first();
                if (!in.rsc.managed) {
                    continue; // actions of unmanaged resources are never sent, nor waited for
                } else if (!in.runnable && (e.flags() & ~Action.ORD_OPTIONAL) == 0) {
                    continue; // optional ordering after an unrunnable action
                } else if (!inGraph.containsKey(in)) {
                    if (in.optional) continue; // input not needed
                    never = true; // required input that will never run
                } else {
                    n++;
                    dependents.computeIfAbsent(in, k -> new ArrayList<>()).add(a);
                }
            }
            if (never) n = Integer.MAX_VALUE;
            pending.put(a, n);
            if (n == 0) ready.add(a);
        }
        List<Action> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            Action a = ready.poll();
            order.add(a);
            for (Action d : dependents.getOrDefault(a, List.of())) {
                int left = pending.get(d);
                if (left == Integer.MAX_VALUE) continue;
                pending.put(d, left - 1);
                if (left - 1 == 0) ready.add(d);
            }
        }
        return order;
    }

    static Cib apply(Cib cib, List<Action> actions) {
        List<Action> order = executed(actions);
        if (order.isEmpty()) return cib;
        int callId = 0;
        for (NodeState s : cib.status().nodeStates()) {
            for (ResourceHistory h : s.resources()) {
                for (OpRecord op : h.ops()) callId = Math.max(callId, op.callId());
            }
        }
        // node id -> resource -> ops by id (insertion ordered)
        Map<String, Map<String, LinkedHashMap<String, OpRecord>>> hist = new LinkedHashMap<>();
        for (NodeState s : cib.status().nodeStates()) {
            Map<String, LinkedHashMap<String, OpRecord>> byRsc = new LinkedHashMap<>();
            for (ResourceHistory h : s.resources()) {
                LinkedHashMap<String, OpRecord> ops = new LinkedHashMap<>();
                int anon = 0;
                for (OpRecord op : h.ops()) ops.put(op.id() == null ? "#" + anon++ : op.id(), op);
                byRsc.put(h.resource(), ops);
            }
            hist.put(s.id(), byRsc);
        }
        for (Action a : order) {
            Map<String, LinkedHashMap<String, OpRecord>> byRsc = hist.get(a.node.id);
            if (byRsc == null) continue;
            LinkedHashMap<String, OpRecord> ops = byRsc.computeIfAbsent(a.rsc.id, k -> new LinkedHashMap<>());
            String id = a.rsc.id + "_last_0";
            ops.remove(id);
            ops.put(id, new OpRecord(id, a.task(), 0, ++callId, 0, 0, 0, "3.16.1", -1));
            if (a.start) {
                for (OpDef d : a.rsc.def.ops()) {
                    if (!d.name().equals("monitor") || d.intervalMs() <= 0) continue;
                    String role = d.meta().get("role");
                    if (role != null && !role.equalsIgnoreCase("Started")) continue;
                    if ("false".equalsIgnoreCase(d.meta().get("enabled"))) continue;
                    String mid = a.rsc.id + "_monitor_" + d.intervalMs();
                    ops.remove(mid);
                    ops.put(mid, new OpRecord(mid, "monitor", d.intervalMs(), ++callId, 0, 0, 0, "3.16.1", -1));
                }
            }
        }
        List<NodeState> states = new ArrayList<>();
        for (NodeState s : cib.status().nodeStates()) {
            List<ResourceHistory> rh = new ArrayList<>();
            for (Map.Entry<String, LinkedHashMap<String, OpRecord>> e : hist.get(s.id()).entrySet()) {
                rh.add(new ResourceHistory(e.getKey(), new ArrayList<>(e.getValue().values())));
            }
            states.add(new NodeState(s.id(), s.uname(), s.inCcm(), s.crmd(), s.join(), s.expected(), s.attributes(), rh));
        }
        Status st = cib.status();
        return cib.withStatus(new Status(st.haveQuorum(), st.dcUuid(), st.crmFeatureSet(), states));
    }
}
