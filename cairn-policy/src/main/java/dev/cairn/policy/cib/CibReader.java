package dev.cairn.policy.cib;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.policy.Score;
import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.ColocationDef;
import dev.cairn.policy.model.Configuration;
import dev.cairn.policy.model.ExprDef;
import dev.cairn.policy.model.LocationDef;
import dev.cairn.policy.model.NodeDef;
import dev.cairn.policy.model.NodeState;
import dev.cairn.policy.model.OpDef;
import dev.cairn.policy.model.OpRecord;
import dev.cairn.policy.model.OrderDef;
import dev.cairn.policy.model.ResourceDef;
import dev.cairn.policy.model.ResourceHistory;
import dev.cairn.policy.model.RuleDef;
import dev.cairn.policy.model.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Pacemaker CIB XML into the model. Only the primitive subset is accepted; anything else
 * (clones, multi-member groups, bundles, tickets, resource sets, roles, ...) is refused with an
 * error naming the element and its line.
 */
public final class CibReader {
    private static final String HINT =
            "Cairn's scheduler supports primitives, one-member groups and simple location/colocation/order constraints";

    private final String source;

    private CibReader(String source) { this.source = source; }

    public static Cib read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + file + ": " + e.getMessage(),
                    "check the path and permissions", e);
        }
    }

    public static Cib parse(String xml) {
        return read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "<string>");
    }

    public static Cib read(InputStream in, String source) {
        XmlElement root = XmlTreeParser.parse(in, source);
        return new CibReader(source).cib(root);
    }

    private CairnException unsupported(XmlElement e, String what) {
        return new CairnException(ErrorCode.UNSUPPORTED,
                source + ": unsupported " + what + ": " + e.describe(), HINT);
    }

    private CairnException invalid(XmlElement e, String what) {
        return new CairnException(ErrorCode.INVALID_INPUT, source + ": " + what + ": " + e.describe(),
                "fix the CIB: every element needs the attributes Pacemaker's schema requires");
    }

    private Cib cib(XmlElement root) {
        if (!root.name.equals("cib")) throw invalid(root, "the document element must be <cib>");
        XmlElement conf = root.child("configuration");
        if (conf == null) throw invalid(root, "missing <configuration>");
        Configuration configuration = configuration(conf);
        Set<String> rscIds = new HashSet<>();
        for (ResourceDef r : configuration.resources()) rscIds.add(r.id());
        XmlElement st = root.child("status");
        List<NodeState> states = new ArrayList<>();
        if (st != null) {
            for (XmlElement c : st.children) {
                if (!c.name.equals("node_state")) throw unsupported(c, "status element");
                states.add(nodeState(c, rscIds));
            }
        }
        String quorum = root.attr("have-quorum");
        boolean haveQuorum = quorum != null && isTrue(quorum);
        return new Cib(configuration, new Status(haveQuorum, root.attr("dc-uuid"), root.attr("crm_feature_set"), states));
    }

    static boolean isTrue(String v) {
        if (v == null) return false;
        String s = v.trim().toLowerCase();
        return s.equals("true") || s.equals("on") || s.equals("yes") || s.equals("y") || s.equals("1");
    }

    private Configuration configuration(XmlElement conf) {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> rscDefaults = new LinkedHashMap<>();
        Map<String, String> opDefaults = new LinkedHashMap<>();
        List<NodeDef> nodes = new ArrayList<>();
        List<ResourceDef> resources = new ArrayList<>();
        List<LocationDef> locations = new ArrayList<>();
        List<ColocationDef> colocations = new ArrayList<>();
        List<OrderDef> orders = new ArrayList<>();
        for (XmlElement section : conf.children) {
            switch (section.name) {
                case "crm_config" -> {
                    for (XmlElement set : section.children) {
                        if (!set.name.equals("cluster_property_set")) throw unsupported(set, "crm_config element");
                        nvpairs(set, options);
                    }
                }
                case "rsc_defaults" -> {
                    for (XmlElement set : section.children) {
                        if (!set.name.equals("meta_attributes")) throw unsupported(set, "rsc_defaults element");
                        nvpairs(set, rscDefaults);
                    }
                }
                case "op_defaults" -> {
                    for (XmlElement set : section.children) {
                        if (!set.name.equals("meta_attributes")) throw unsupported(set, "op_defaults element");
                        nvpairs(set, opDefaults);
                    }
                }
                case "nodes" -> {
                    for (XmlElement n : section.children) {
                        if (!n.name.equals("node")) throw unsupported(n, "nodes element");
                        nodes.add(node(n));
                    }
                }
                case "resources" -> {
                    for (XmlElement r : section.children) resources.add(resource(r));
                }
                case "constraints" -> {
                    for (XmlElement c : section.children) {
                        switch (c.name) {
                            case "rsc_location" -> locations.add(location(c));
                            case "rsc_colocation" -> colocations.add(colocation(c));
                            case "rsc_order" -> orders.add(order(c));
                            default -> throw unsupported(c, "constraint");
                        }
                    }
                }
                case "fencing-topology", "tags", "alerts" -> {
                    if (!section.children.isEmpty()) throw unsupported(section, "configuration section");
                }
                default -> throw unsupported(section, "configuration section");
            }
        }
        checkOptions(conf, options);
        return new Configuration(options, rscDefaults, opDefaults, nodes, resources, locations, colocations, orders);
    }

    private void checkOptions(XmlElement conf, Map<String, String> options) {
        String ps = options.get("placement-strategy");
        if (ps != null && !ps.equalsIgnoreCase("default")) {
            throw new CairnException(ErrorCode.UNSUPPORTED, source + ": unsupported cluster option placement-strategy="
                    + ps + " in <crm_config> at line " + conf.child("crm_config").line, HINT);
        }
        String mm = options.get("maintenance-mode");
        if (mm != null && isTrue(mm)) {
            throw new CairnException(ErrorCode.UNSUPPORTED, source + ": unsupported cluster option maintenance-mode=true"
                    + " in <crm_config> at line " + conf.child("crm_config").line, HINT);
        }
    }

    private void nvpairs(XmlElement set, Map<String, String> into) {
        for (XmlElement p : set.children) {
            if (p.name.equals("nvpair")) {
                String name = p.attr("name");
                if (name == null) throw invalid(p, "nvpair without name");
                String value = p.attr("value");
                if (value != null) into.put(name, value);
            } else {
                throw unsupported(p, "element in " + set.name);
            }
        }
        if (set.attr("id-ref") != null) throw unsupported(set, "id-ref");
    }

    private NodeDef node(XmlElement n) {
        String id = n.attr("id");
        String uname = n.attr("uname");
        if (id == null || uname == null) throw invalid(n, "node needs id and uname");
        String type = n.attr("type");
        if (type != null && !type.equals("member") && !type.equals("normal")) throw unsupported(n, "node type " + type);
        Map<String, String> attrs = new LinkedHashMap<>();
        for (XmlElement c : n.children) {
            if (c.name.equals("instance_attributes")) nvpairs(c, attrs);
            else if (c.name.equals("utilization")) continue;
            else throw unsupported(c, "node element");
        }
        return new NodeDef(id, uname, Score.parse(n.attr("score"), 0), attrs);
    }

    private ResourceDef resource(XmlElement r) {
        switch (r.name) {
            case "primitive":
                return primitive(r, null, Map.of());
            case "group": {
                List<XmlElement> members = r.children("primitive");
                Map<String, String> groupMeta = new LinkedHashMap<>();
                for (XmlElement c : r.children) {
                    switch (c.name) {
                        case "primitive" -> { }
                        case "meta_attributes" -> nvpairs(c, groupMeta);
                        case "instance_attributes" -> { }
                        default -> throw unsupported(c, "group member");
                    }
                }
                if (members.size() != 1) {
                    throw unsupported(r, "group with " + members.size() + " members (only one-member groups are supported)");
                }
                return primitive(members.get(0), r.attr("id"), groupMeta);
            }
            default:
                throw unsupported(r, "resource type");
        }
    }

    private ResourceDef primitive(XmlElement p, String group, Map<String, String> groupMeta) {
        String id = p.attr("id");
        if (id == null) throw invalid(p, "primitive without id");
        if (p.attr("template") != null) throw unsupported(p, "resource template reference");
        String cls = p.attr("class");
        if (cls == null) throw invalid(p, "primitive without class");
        String type = p.attr("type");
        if (type == null) throw invalid(p, "primitive without type");
        Map<String, String> meta = new LinkedHashMap<>();
        List<OpDef> ops = new ArrayList<>();
        for (XmlElement c : p.children) {
            switch (c.name) {
                case "meta_attributes" -> nvpairs(c, meta);
                case "instance_attributes", "utilization" -> { }
                case "operations" -> {
                    for (XmlElement op : c.children) {
                        if (!op.name.equals("op")) throw unsupported(op, "operations element");
                        ops.add(op(op));
                    }
                }
                default -> throw unsupported(c, "primitive element");
            }
        }
        return new ResourceDef(id, cls, p.attr("provider"), type, group, groupMeta, meta, ops);
    }

    private OpDef op(XmlElement op) {
        String name = op.attr("name");
        if (name == null) throw invalid(op, "op without name");
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, String> a : op.attrs.entrySet()) meta.put(a.getKey(), a.getValue());
        for (XmlElement c : op.children) {
            if (c.name.equals("meta_attributes")) nvpairs(c, meta);
            else if (!c.name.equals("instance_attributes")) throw unsupported(c, "op element");
        }
        checkOnFail(op, meta.get("on-fail"));
        return new OpDef(name, Durations.parseMs(op.attr("interval"), 1000), meta);
    }

    private void checkOnFail(XmlElement e, String onFail) {
        if (onFail == null) return;
        switch (onFail.toLowerCase()) {
            case "ignore", "nothing", "block", "stop", "restart", "standby", "fence" -> { }
            case "demote", "restart-container", "reset-remote" -> throw unsupported(e, "on-fail=" + onFail);
            default -> throw invalid(e, "invalid on-fail value " + onFail);
        }
    }

    private LocationDef location(XmlElement c) {
        String id = c.attr("id");
        String rsc = c.attr("rsc");
        if (c.attr("rsc-pattern") != null) throw unsupported(c, "rsc-pattern");
        if (c.attr("role") != null) throw unsupported(c, "role-specific location");
        if (!c.children("resource_set").isEmpty()) throw unsupported(c, "resource set");
        if (rsc == null) throw invalid(c, "rsc_location without rsc");
        String node = c.attr("node");
        List<RuleDef> rules = new ArrayList<>();
        for (XmlElement r : c.children) {
            if (!r.name.equals("rule")) throw unsupported(r, "location element");
            rules.add(rule(r));
        }
        if (node != null && !rules.isEmpty()) throw invalid(c, "rsc_location with both node and rules");
        if (node == null && rules.isEmpty()) throw invalid(c, "rsc_location needs node and score, or rules");
        if (node != null && c.attr("score") == null) {
            throw invalid(c, "rsc_location with node but no score");
        }
        if (c.attr("resource-discovery") != null && !c.attr("resource-discovery").equals("always")) {
            throw unsupported(c, "resource-discovery");
        }
        return new LocationDef(id, rsc, node, Score.parse(c.attr("score"), 0), rules);
    }

    private RuleDef rule(XmlElement r) {
        if (r.attr("role") != null) throw unsupported(r, "role-specific rule");
        if (r.attr("id-ref") != null) throw unsupported(r, "rule reference");
        List<ExprDef> exprs = new ArrayList<>();
        for (XmlElement e : r.children) {
            if (!e.name.equals("expression")) throw unsupported(e, "rule element");
            String vs = e.attr("value-source");
            if (vs != null && !vs.equals("literal")) throw unsupported(e, "value-source=" + vs);
            String op = e.attr("operation");
            if (op == null) throw invalid(e, "expression without operation");
            switch (op.toLowerCase()) {
                case "eq", "ne", "lt", "gt", "lte", "gte", "defined", "not_defined" -> { }
                default -> throw unsupported(e, "expression operation " + op);
            }
            String type = e.attr("type");
            if (type != null && !type.equalsIgnoreCase("string") && !type.equalsIgnoreCase("integer")
                    && !type.equalsIgnoreCase("number")) {
                throw unsupported(e, "expression type " + type);
            }
            if (e.attr("attribute") == null) throw invalid(e, "expression without attribute");
            exprs.add(new ExprDef(e.attr("attribute"), op.toLowerCase(), e.attr("value"), type));
        }
        String bop = r.attr("boolean-op");
        return new RuleDef(r.attr("id"), r.attr("score"), r.attr("score-attribute"),
                bop != null && bop.equalsIgnoreCase("or"), exprs);
    }

    private ColocationDef colocation(XmlElement c) {
        if (!c.children.isEmpty()) throw unsupported(c, "colocation with resource sets");
        for (String a : List.of("rsc-role", "with-rsc-role")) {
            String v = c.attr(a);
            if (v != null && !v.equalsIgnoreCase("Started")) throw unsupported(c, a + "=" + v);
            if (v != null) throw unsupported(c, a);
        }
        if (c.attr("rsc-instance") != null || c.attr("with-rsc-instance") != null) throw unsupported(c, "instance colocation");
        String rsc = c.attr("rsc");
        String with = c.attr("with-rsc");
        if (rsc == null || with == null) throw invalid(c, "rsc_colocation needs rsc and with-rsc");
        String score = c.attr("score");
        if (score == null) throw invalid(c, "rsc_colocation without score");
        String inf = c.attr("influence");
        return new ColocationDef(c.attr("id"), rsc, with, Score.parse(score, 0), c.attr("node-attribute"),
                inf == null ? null : isTrue(inf));
    }

    private OrderDef order(XmlElement c) {
        if (!c.children.isEmpty()) throw unsupported(c, "ordering with resource sets");
        String first = c.attr("first");
        String then = c.attr("then");
        if (first == null || then == null) throw invalid(c, "rsc_order needs first and then");
        if (c.attr("first-instance") != null || c.attr("then-instance") != null) throw unsupported(c, "instance ordering");
        String fa = c.attr("first-action");
        if (fa == null) fa = "start";
        String ta = c.attr("then-action");
        if (ta == null) ta = fa;
        for (String a : List.of(fa, ta)) {
            if (!a.equals("start") && !a.equals("stop")) throw unsupported(c, "order action " + a);
        }
        boolean mandatory = true;
        String kind = c.attr("kind");
        if (kind == null) {
            String score = c.attr("score");
            if (score != null && Score.parse(score, 0) == 0) mandatory = false;
        } else if (kind.equalsIgnoreCase("Optional")) {
            mandatory = false;
        } else if (kind.equalsIgnoreCase("Serialize")) {
            throw unsupported(c, "kind=Serialize");
        } else if (!kind.equalsIgnoreCase("Mandatory")) {
            throw invalid(c, "invalid order kind " + kind);
        }
        String sym = c.attr("symmetrical");
        boolean symmetrical = sym == null || isTrue(sym);
        return new OrderDef(c.attr("id"), first, fa, then, ta, mandatory, symmetrical);
    }

    private NodeState nodeState(XmlElement s, Set<String> rscIds) {
        String id = s.attr("id");
        if (id == null) throw invalid(s, "node_state without id");
        Map<String, String> attrs = new LinkedHashMap<>();
        List<ResourceHistory> hist = new ArrayList<>();
        if (s.attr("remote_node") != null && isTrue(s.attr("remote_node"))) throw unsupported(s, "remote node state");
        for (XmlElement c : s.children) {
            switch (c.name) {
                case "transient_attributes" -> {
                    for (XmlElement set : c.children) {
                        if (!set.name.equals("instance_attributes")) throw unsupported(set, "transient attribute element");
                        nvpairs(set, attrs);
                    }
                }
                case "lrm" -> {
                    for (XmlElement lr : c.children) {
                        if (!lr.name.equals("lrm_resources")) throw unsupported(lr, "lrm element");
                        for (XmlElement r : lr.children) {
                            if (!r.name.equals("lrm_resource")) throw unsupported(r, "lrm element");
                            String rid = r.attr("id");
                            if (rid == null) throw invalid(r, "lrm_resource without id");
                            if (!rscIds.contains(rid)) throw unsupported(r, "history of a resource that is not configured (orphan)");
                            List<OpRecord> ops = new ArrayList<>();
                            for (XmlElement op : r.children) {
                                if (!op.name.equals("lrm_rsc_op")) throw unsupported(op, "lrm_resource element");
                                ops.add(opRecord(op));
                            }
                            hist.add(new ResourceHistory(rid, ops));
                        }
                    }
                }
                default -> throw unsupported(c, "node_state element");
            }
        }
        return new NodeState(id, s.attr("uname"), s.attr("in_ccm"), s.attr("crmd"), s.attr("join"),
                s.attr("expected"), attrs, hist);
    }

    private OpRecord opRecord(XmlElement op) {
        String operation = op.attr("operation");
        if (operation == null) throw invalid(op, "lrm_rsc_op without operation");
        switch (operation) {
            case "start", "stop", "monitor" -> { }
            default -> throw unsupported(op, "operation " + operation + " in history");
        }
        int callId = parseInt(op, "call-id", -1);
        int opStatus = parseInt(op, "op-status", 0);
        if (callId < 0 || opStatus == -1) throw unsupported(op, "pending operation in history");
        int targetRc = -1;
        String key = op.attr("transition-key");
        if (key != null) {
            String[] parts = key.split(":");
            if (parts.length >= 4) {
                try {
                    targetRc = Integer.parseInt(parts[2]);
                } catch (NumberFormatException e) {
                    targetRc = -1;
                }
            }
        }
        return new OpRecord(op.attr("id"), operation, Durations.parseMs(op.attr("interval"), 1), callId,
                parseInt(op, "rc-code", 0), opStatus, targetRc, op.attr("crm_feature_set"), parseLong(op, "last-rc-change"));
    }

    private static long parseLong(XmlElement e, String attr) {
        String v = e.attr(attr);
        if (v == null) return -1;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException ex) {
            return -1;
        }
    }

    private int parseInt(XmlElement e, String attr, int dflt) {
        String v = e.attr(attr);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException ex) {
            throw invalid(e, "attribute " + attr + " is not an integer: " + v);
        }
    }
}
