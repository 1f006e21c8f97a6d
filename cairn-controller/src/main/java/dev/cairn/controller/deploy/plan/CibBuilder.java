package dev.cairn.controller.deploy.plan;

import dev.cairn.controller.deploy.DeploymentSpec;
import dev.cairn.controller.deploy.ObservedService;
import dev.cairn.controller.deploy.ServiceDef;
import dev.cairn.controller.deploy.plan.ClusterSnapshot.NodeStatus;
import dev.cairn.policy.cib.CibReader;
import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.Configuration;
import dev.cairn.policy.model.NodeDef;
import dev.cairn.policy.model.OpDef;
import dev.cairn.policy.model.ResourceDef;
import dev.cairn.policy.model.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The adapter from a deployment and what agents report to the policy engine's input, as
 * pacemaker-cloud did: nodes are Cairn's nodes (labels as attributes, standby, up/down as the
 * leader's liveness judgement has them), services are primitives, and each reported copy becomes operation history
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
        // the status goes through the CIB reader (Pacemaker's own format), so this adapter does not
        // depend on the model's history records
        StringBuilder x = new StringBuilder("<cib have-quorum=\"1\" crm_feature_set=\"" + FEATURE_SET + "\"><configuration><resources>");
        for (ServiceDef s : spec.services()) {
            x.append("<primitive id=\"").append(esc(s.id())).append("\" class=\"cairn\" type=\"service\"/>");
        }
        x.append("</resources></configuration><status>");
        for (NodeStatus n : snap.nodes()) {
            Map<String, String> attrs = new LinkedHashMap<>();
            if (n.standby()) attrs.put("standby", "on");
            StringBuilder hist = new StringBuilder();
            Map<String, Integer> fails = new LinkedHashMap<>();
            for (ObservedService o : snap.observed().getOrDefault(n.name(), List.of())) {
                var def = spec.service(o.service());
                if (def.isEmpty() || skip.contains(o.service() + "@" + n.name())) continue;
                long iv = def.get().monitor().intervalMs();
                if (o.failCount() > 0) fails.merge(o.service(), o.failCount(), Integer::sum);
                hist.append("<lrm_resource id=\"").append(esc(o.service())).append("\" class=\"cairn\" type=\"service\">");
                hist.append(op(o.service(), "start", 0, 1, 0));
                switch (o.state()) {
                    case RUNNING -> hist.append(op(o.service(), "monitor", iv, 2, 0));
                    case FAILED -> hist.append(op(o.service(), "monitor", iv, 2, 1));
                    case STOPPED -> hist.append(op(o.service(), "stop", 0, 2, 0));
                }
                hist.append("</lrm_resource>");
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
            x.append("<node_state id=\"").append(esc(n.name())).append("\" uname=\"").append(esc(n.name()))
                    .append("\" in_ccm=\"").append(up).append("\" crmd=\"").append(n.up() ? "online" : "offline")
                    .append("\" join=\"").append(n.up() ? "member" : "down").append("\" expected=\"").append(n.up() ? "member" : "down")
                    .append("\">");
            if (!attrs.isEmpty()) {
                x.append("<transient_attributes id=\"").append(esc(n.name())).append("\"><instance_attributes id=\"status-")
                        .append(esc(n.name())).append("\">");
                int i = 0;
                for (var a : attrs.entrySet()) {
                    x.append("<nvpair id=\"a").append(i++).append("\" name=\"").append(esc(a.getKey())).append("\" value=\"")
                            .append(esc(a.getValue())).append("\"/>");
                }
                x.append("</instance_attributes></transient_attributes>");
            }
            if (!hist.isEmpty()) x.append("<lrm id=\"").append(esc(n.name())).append("\"><lrm_resources>").append(hist).append("</lrm_resources></lrm>");
            x.append("</node_state>");
        }
        x.append("</status></cib>");
        Status status = CibReader.parse(x.toString()).status();
        return new Cib(conf, status);
    }

    private static String op(String rsc, String task, long interval, int call, int rc) {
        return "<lrm_rsc_op id=\"" + esc(rsc) + "_" + task + "_" + interval + "\" operation=\"" + task + "\" interval=\"" + interval
                + "\" call-id=\"" + call + "\" rc-code=\"" + rc + "\" op-status=\"0\" transition-key=\"0:" + call + ":0:cairn\""
                + " crm_feature_set=\"" + FEATURE_SET + "\"/>";
    }

    private static String esc(String v) {
        return v.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
