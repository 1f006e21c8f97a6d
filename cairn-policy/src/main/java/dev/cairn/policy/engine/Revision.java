package dev.cairn.policy.engine;

import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.NodeState;
import dev.cairn.policy.model.OpRecord;
import dev.cairn.policy.model.ResourceHistory;
import dev.cairn.policy.model.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Applies a transition as if every runnable, required action succeeded (what crm_simulate -S does). */
final class Revision {
    private Revision() {}

    static Cib apply(Cib cib, List<Action> actions) {
        int callId = 0;
        for (NodeState s : cib.status().nodeStates()) {
            for (ResourceHistory h : s.resources()) {
                for (OpRecord op : h.ops()) callId = Math.max(callId, op.callId());
            }
        }
        Map<String, Map<String, List<OpRecord>>> added = new LinkedHashMap<>();
        List<Action> executed = new ArrayList<>();
        for (Action a : actions) if (!a.start && !a.optional && a.runnable && a.node != null) executed.add(a);
        for (Action a : actions) if (a.start && !a.optional && a.runnable && a.node != null) executed.add(a);
        for (Action a : executed) {
            callId++;
            OpRecord op = new OpRecord(a.rsc.id + "_" + a.task() + "_0", a.task(), 0, callId, 0, 0, 0, "3.16.2");
            added.computeIfAbsent(a.node.id, k -> new LinkedHashMap<>())
                    .computeIfAbsent(a.rsc.id, k -> new ArrayList<>()).add(op);
        }
        if (added.isEmpty()) return cib;
        List<NodeState> states = new ArrayList<>();
        for (NodeState s : cib.status().nodeStates()) {
            Map<String, List<OpRecord>> forNode = added.remove(s.id());
            if (forNode == null) {
                states.add(s);
                continue;
            }
            List<ResourceHistory> hist = new ArrayList<>();
            for (ResourceHistory h : s.resources()) {
                List<OpRecord> more = forNode.remove(h.resource());
                if (more == null) {
                    hist.add(h);
                } else {
                    List<OpRecord> ops = new ArrayList<>(h.ops());
                    ops.addAll(more);
                    hist.add(new ResourceHistory(h.resource(), ops));
                }
            }
            for (Map.Entry<String, List<OpRecord>> e : forNode.entrySet()) {
                hist.add(new ResourceHistory(e.getKey(), e.getValue()));
            }
            states.add(new NodeState(s.id(), s.uname(), s.inCcm(), s.crmd(), s.join(), s.expected(),
                    s.attributes(), hist));
        }
        Status st = cib.status();
        return cib.withStatus(new Status(st.haveQuorum(), st.dcUuid(), st.crmFeatureSet(), states));
    }
}
