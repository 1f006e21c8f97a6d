package dev.cairn.policy.deployment;

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

/**
 * A deployment and the state of a cluster as the scheduler's input, the one conversion used by
 * the controller (nodes and reported copies from its agents) and by {@code cairn policy simulate}
 * (the file's {@code nodes} and {@code running}): nodes with their labels as attributes, standby
 * and up/down; services as primitives of class {@code cairn} in document order, with their monitor
 * and on-fail; each copy of a service as operation history (start; a monitor, failed or not; or a
 * stop) with its fail count as a node attribute. Cairn's defaults apply under the deployment's own
 * options and defaults; fencing is always off. Pure.
 */
public final class DeploymentCib {
    static final String FEATURE_SET = "3.19.0";
    /** Cairn's defaults: no fencing (nodes that vanish are simply offline), keep running copies where they are. */
    public static final Map<String, String> OPTIONS = Map.of("stonith-enabled", "false", "no-quorum-policy", "ignore",
            "symmetric-cluster", "true");
    public static final Map<String, String> RESOURCE_DEFAULTS = Map.of("resource-stickiness", "100", "migration-threshold", "3");

    /** A node: its labels, base score (0 for a Cairn node), standby, and whether it is up. */
    public record Node(String name, Map<String, String> labels, int score, boolean standby, boolean up) {
        public Node {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /** How a copy of a service was last reported. */
    public enum CopyState { RUNNING, FAILED, STOPPED }

    /** A copy of {@code service} on {@code node}, with the failures counted for it there. */
    public record Copy(String service, String node, CopyState state, int failCount) {}

    private DeploymentCib() {}

    /**
     * @param copies         copies of services the spec does not define, or on nodes not listed, are left out
     * @param actionFailures further failures per {@code service@node} (actions that could not run), added to fail counts
     */
    public static Cib build(DeploymentSpec spec, List<Node> nodes, List<Copy> copies, Map<String, Integer> actionFailures) {
        Map<String, String> options = new LinkedHashMap<>(OPTIONS);
        options.putAll(spec.options());
        options.put("stonith-enabled", "false");
        Map<String, String> defaults = new LinkedHashMap<>(RESOURCE_DEFAULTS);
        defaults.putAll(spec.resourceDefaults());
        List<NodeDef> nodeDefs = new ArrayList<>();
        for (Node n : nodes) nodeDefs.add(new NodeDef(n.name(), n.name(), n.score(), n.labels()));
        List<ResourceDef> resources = new ArrayList<>();
        for (ServiceDef s : spec.services()) {
            Map<String, String> opMeta = s.onFail() == null ? Map.of() : Map.of("on-fail", s.onFail().word());
            resources.add(new ResourceDef(s.id(), "cairn", null, "service", null, Map.of(), s.meta(),
                    List.of(new OpDef("monitor", s.monitor().intervalMs(), opMeta))));
        }
        Configuration conf = new Configuration(options, defaults, Map.of(), nodeDefs, resources, spec.locations(),
                spec.colocations(), spec.orders());
        return new Cib(conf, status(spec, nodes, copies, actionFailures));
    }

    /**
     * The status goes through the CIB reader (Pacemaker's own format), so this conversion does not
     * depend on the model's history records.
     */
    private static Status status(DeploymentSpec spec, List<Node> nodes, List<Copy> copies, Map<String, Integer> actionFailures) {
        StringBuilder x = new StringBuilder("<cib have-quorum=\"1\" crm_feature_set=\"" + FEATURE_SET + "\"><configuration><resources>");
        for (ServiceDef s : spec.services()) {
            x.append("<primitive id=\"").append(esc(s.id())).append("\" class=\"cairn\" type=\"service\"/>");
        }
        x.append("</resources></configuration><status>");
        Map<String, List<Copy>> byNode = new LinkedHashMap<>();
        for (Copy c : copies) byNode.computeIfAbsent(c.node(), k -> new ArrayList<>()).add(c);
        for (Node n : nodes) {
            Map<String, String> attrs = new LinkedHashMap<>();
            if (n.standby()) attrs.put("standby", "on");
            StringBuilder hist = new StringBuilder();
            Map<String, Integer> fails = new LinkedHashMap<>();
            for (Copy c : byNode.getOrDefault(n.name(), List.of())) {
                var def = spec.service(c.service());
                if (def.isEmpty()) continue;
                long iv = def.get().monitor().intervalMs();
                if (c.failCount() > 0) fails.merge(c.service(), c.failCount(), Integer::sum);
                hist.append("<lrm_resource id=\"").append(esc(c.service())).append("\" class=\"cairn\" type=\"service\">");
                hist.append(op(c.service(), "start", 0, 1, 0));
                switch (c.state()) {
                    case RUNNING -> hist.append(op(c.service(), "monitor", iv, 2, 0));
                    case FAILED -> hist.append(op(c.service(), "monitor", iv, 2, 1));
                    case STOPPED -> hist.append(op(c.service(), "stop", 0, 2, 0));
                }
                hist.append("</lrm_resource>");
            }
            for (ServiceDef s : spec.services()) {
                int extra = actionFailures.getOrDefault(s.id() + "@" + n.name(), 0);
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
        return CibReader.parse(x.toString()).status();
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
