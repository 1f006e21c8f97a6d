package dev.cairn.controller.deploy;

import dev.cairn.controller.deploy.ClusterSnapshot.NodeStatus;
import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.Configuration;
import dev.cairn.policy.model.NodeDef;
import dev.cairn.policy.model.NodeState;
import dev.cairn.policy.model.OpDef;
import dev.cairn.policy.model.OpRecord;
import dev.cairn.policy.model.ResourceDef;
import dev.cairn.policy.model.ResourceHistory;
import dev.cairn.policy.model.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The adapter from a deployment and what agents report to the policy engine's input, as
 * pacemaker-cloud did: nodes are Cairn's nodes (labels as attributes, standby, up/down from the
 * failure detector), services are primitives, and each reported copy becomes operation history
 * (start; a failed monitor; a stop) with its fail count as a node attribute. Pure.
 */
public final class CibBuilder {
    static final String FEATURE_SET = "3.19.0";
    /** Cairn's defaults: no fencing (nodes that vanish are simply offline), keep running copies where they are. */
    static final Map<String, String> OPTIONS = Map.of("stonith-enabled", "false", "no-quorum-policy", "ignore",
            "symmetric-cluster", "true");
    static final Map<String, String> RESOURCE_DEFAULTS = Map.of("resource-stickiness", "100", "migration-threshold", "3");

    private CibBuilder() {}

    /** {@code skip} holds {@code service@node} copies left out of the history (stale copies being stopped). */
    public static Cib build(DeploymentSpec spec, ClusterSnapshot snap, Set<String> skip) {
        Map<String, String> options = new LinkedHashMap<>(OPTIONS);
        options.putAll(spec.options());
        options.put("stonith-enabled", "false");
        Map<String, String> defaults = new LinkedHashMap<>(RESOURCE_DEFAULTS);
        defaults.putAll(spec.resourceDefaults());
        List<NodeDef> nodes = new ArrayList<>();
        for (NodeStatus n : snap.nodes()) nodes.add(new NodeDef(n.name(), n.name(), 0, n.labels()));
        List<ResourceDef> resources = new ArrayList<>();
        for (ServiceDef s : spec.services()) {
            resources.add(new ResourceDef(s.id(), "cairn", null, "service", null, Map.of(), s.meta(),
                    List.of(new OpDef("monitor", s.monitor().intervalMs(), Map.of()))));
        }
        Configuration conf = new Configuration(options, defaults, Map.of(), nodes, resources, spec.locations(),
                spec.colocations(), spec.orders());
        List<NodeState> states = new ArrayList<>();
        for (NodeStatus n : snap.nodes()) {
            Map<String, String> attrs = new LinkedHashMap<>();
            if (n.standby()) attrs.put("standby", "on");
            List<ResourceHistory> hist = new ArrayList<>();
            Map<String, Integer> fails = new LinkedHashMap<>();
            for (ObservedService o : snap.observed().getOrDefault(n.name(), List.of())) {
                var def = spec.service(o.service());
                if (def.isEmpty() || skip.contains(o.service() + "@" + n.name())) continue;
                long iv = def.get().monitor().intervalMs();
                if (o.failCount() > 0) fails.merge(o.service(), o.failCount(), Integer::sum);
                List<OpRecord> ops = new ArrayList<>();
                ops.add(op(o.service(), "start", 0, 1, 0));
                switch (o.state()) {
                    case "running" -> ops.add(op(o.service(), "monitor", iv, 2, 0));
                    case "failed" -> ops.add(op(o.service(), "monitor", iv, 2, 1));
                    default -> ops.add(op(o.service(), "stop", 0, 2, 0));
                }
                hist.add(new ResourceHistory(o.service(), ops));
            }
            for (ServiceDef s : spec.services()) {
                int extra = snap.actionFailures().getOrDefault(s.id() + "@" + n.name(), 0);
                if (extra > 0) fails.merge(s.id(), extra, Integer::sum);
            }
            for (var f : fails.entrySet()) {
                long iv = spec.service(f.getKey()).map(s -> s.monitor().intervalMs()).orElse(1_000L);
                attrs.put("fail-count-" + f.getKey() + "#monitor_" + iv, Integer.toString(f.getValue()));
            }
            String up = n.up() ? "true" : "false";
            states.add(new NodeState(n.name(), n.name(), up, n.up() ? "online" : "offline", n.up() ? "member" : "down",
                    n.up() ? "member" : "down", attrs, hist));
        }
        return new Cib(conf, new Status(true, null, FEATURE_SET, states));
    }

    private static OpRecord op(String rsc, String task, long interval, int call, int rc) {
        return new OpRecord(rsc + "_" + task + "_" + interval, task, interval, call, rc, 0, 0, FEATURE_SET);
    }
}
