package dev.cairn.policy.engine;

import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.ColocationDef;
import dev.cairn.policy.model.Configuration;
import dev.cairn.policy.model.LocationDef;
import dev.cairn.policy.model.NodeState;
import dev.cairn.policy.model.OpRecord;
import dev.cairn.policy.model.OrderDef;
import dev.cairn.policy.model.ResourceHistory;
import dev.cairn.policy.model.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Puts everything whose document order carries no meaning into a canonical order, so the plan
 * does not depend on it: constraints by id, node states by node name, history by call id.
 * Resources keep their order: among equal priorities it is Pacemaker's assignment tie-break.
 */
final class Canonical {
    private Canonical() {}

    static Cib of(Cib cib) {
        Configuration c = cib.configuration();
        Configuration conf = new Configuration(c.clusterOptions(), c.resourceDefaults(), c.operationDefaults(),
                c.nodes(), c.resources(),
                sorted(c.locations(), LocationDef::id),
                sorted(c.colocations(), ColocationDef::id),
                sorted(c.orders(), OrderDef::id));
        List<NodeState> states = new ArrayList<>();
        for (NodeState s : cib.status().nodeStates()) {
            List<ResourceHistory> hist = new ArrayList<>();
            for (ResourceHistory h : s.resources()) {
                List<OpRecord> ops = new ArrayList<>(h.ops());
                ops.sort(OpRecord.HISTORY_ORDER);
                hist.add(new ResourceHistory(h.resource(), ops));
            }
            hist.sort(Comparator.comparing(ResourceHistory::resource, NaturalOrder.INSTANCE));
            states.add(new NodeState(s.id(), s.uname(), s.inCcm(), s.crmd(), s.join(), s.expected(), s.attributes(), hist));
        }
        states.sort(Comparator.comparing((NodeState s) -> s.uname() == null ? "" : s.uname(), NaturalOrder.INSTANCE)
                .thenComparing(s -> s.id() == null ? "" : s.id()));
        Status st = cib.status();
        return new Cib(conf, new Status(st.haveQuorum(), st.dcUuid(), st.crmFeatureSet(), states));
    }

    private static <T> List<T> sorted(List<T> in, Function<T, String> id) {
        List<T> out = new ArrayList<>(in);
        out.sort(Comparator.comparing(t -> id.apply(t) == null ? "" : id.apply(t), NaturalOrder.INSTANCE));
        return out;
    }
}
