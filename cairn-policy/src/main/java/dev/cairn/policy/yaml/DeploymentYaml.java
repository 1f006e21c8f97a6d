package dev.cairn.policy.yaml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cairn's deployment YAML converted to the scheduler's model (see docs/policy.md for the syntax):
 * {@code name}, {@code options}, {@code defaults}, {@code nodes}, {@code services}, {@code constraints}
 * and, for simulation, {@code running} (where services run now and which have failed).
 * Services become primitives of class "cairn", in document order.
 */
public final class DeploymentYaml {
    private static final String HINT = "see docs/policy.md, section 'Deployment YAML'";
    private final String source;

    private DeploymentYaml(String source) { this.source = source; }

    public static Cib read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + file + ": " + e.getMessage(),
                    "check the path and permissions", e);
        }
    }

    public static Cib parse(String yaml, String source) {
        JsonNode root;
        try {
            root = Json.YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, source + ": malformed YAML: "
                    + e.getOriginalMessage().replace('\n', ' '), "check the YAML syntax", e);
        }
        if (root == null || !root.isObject()) throw new CairnException(ErrorCode.INVALID_INPUT,
                source + ": a deployment must be a YAML mapping", HINT);
        return new DeploymentYaml(source).convert(root);
    }

    private CairnException bad(String what) {
        return new CairnException(ErrorCode.INVALID_INPUT, source + ": " + what, HINT);
    }

    private Cib convert(JsonNode root) {
        Set<String> known = Set.of("name", "options", "defaults", "nodes", "services", "constraints", "running");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) throw bad("unknown top-level key '" + f + "'");
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("stonith-enabled", "false");
        options.putAll(stringMap(root.path("options"), "options"));
        Map<String, String> defaults = stringMap(root.path("defaults"), "defaults");
        List<NodeDef> nodes = new ArrayList<>();
        List<NodeState> states = new ArrayList<>();
        Map<String, Map<String, String>> nodeAttrs = new LinkedHashMap<>();
        JsonNode ns = root.path("nodes");
        if (!ns.isMissingNode() && !ns.isNull()) {
            if (!ns.isObject()) throw bad("'nodes' must be a mapping of node name to {labels, standby, online, score}");
            for (Iterator<Map.Entry<String, JsonNode>> it = ns.fields(); it.hasNext(); ) {
                var e = it.next();
                String name = e.getKey();
                JsonNode n = e.getValue() == null || e.getValue().isNull() ? Json.YAML.createObjectNode() : e.getValue();
                if (!n.isObject()) throw bad("node '" + name + "' must be a mapping");
                Map<String, String> labels = stringMap(n.path("labels"), "labels of node " + name);
                nodes.add(new NodeDef(name, name, Score.parse(n.path("score").asText("0"), 0), labels));
                Map<String, String> attrs = new LinkedHashMap<>();
                if (n.path("standby").asBoolean(false)) attrs.put("standby", "on");
                nodeAttrs.put(name, attrs);
                boolean online = n.path("online").asBoolean(true);
                states.add(new NodeState(name, name, online ? "true" : "false", online ? "online" : "offline",
                        online ? "member" : "down", online ? "member" : "down", attrs, List.of()));
            }
        }
        List<ResourceDef> resources = new ArrayList<>();
        Map<String, Long> monitorMs = new LinkedHashMap<>();
        JsonNode ss = root.path("services");
        if (!ss.isObject() || ss.isEmpty()) throw bad("'services' must be a non-empty mapping of service id to settings");
        for (Iterator<Map.Entry<String, JsonNode>> it = ss.fields(); it.hasNext(); ) {
            var e = it.next();
            String id = e.getKey();
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) throw bad("service id '" + id + "' must be letters, digits, '_', '.' or '-'");
            JsonNode s = e.getValue() == null || e.getValue().isNull() ? Json.YAML.createObjectNode() : e.getValue();
            if (!s.isObject()) throw bad("service '" + id + "' must be a mapping");
            Map<String, String> meta = new LinkedHashMap<>(stringMap(s.path("meta"), "meta of service " + id));
            copy(s, "priority", meta, "priority");
            copy(s, "stickiness", meta, "resource-stickiness");
            copy(s, "migration-threshold", meta, "migration-threshold");
            copy(s, "multiple-active", meta, "multiple-active");
            if (s.has("enabled") && !s.get("enabled").asBoolean(true)) meta.put("target-role", "Stopped");
            long interval = duration(s.path("monitor").path("interval"), 10_000, "monitor interval of service " + id);
            monitorMs.put(id, interval);
            Map<String, String> opMeta = new LinkedHashMap<>();
            if (s.has("on-fail")) opMeta.put("on-fail", s.get("on-fail").asText());
            resources.add(new ResourceDef(id, "cairn", null, "service", null, Map.of(), meta,
                    List.of(new OpDef("monitor", interval, opMeta))));
        }
        Set<String> ids = new HashSet<>(monitorMs.keySet());
        List<LocationDef> locs = new ArrayList<>();
        List<ColocationDef> cols = new ArrayList<>();
        List<OrderDef> ords = new ArrayList<>();
        JsonNode cs = root.path("constraints");
        if (!cs.isMissingNode() && !cs.isNull()) {
            if (!cs.isArray()) throw bad("'constraints' must be a list");
            int i = 0;
            for (JsonNode c : cs) constraint(c, i++, ids, locs, cols, ords);
        }
        Configuration conf = new Configuration(options, defaults, Map.of(), nodes, resources, locs, cols, ords);
        return new Cib(conf, new Status(true, null, "3.0.14", running(root.path("running"), ids, states, nodeAttrs, monitorMs)));
    }

    private void constraint(JsonNode c, int i, Set<String> ids, List<LocationDef> locs, List<ColocationDef> cols,
                            List<OrderDef> ords) {
        if (!c.isObject()) throw bad("constraint " + i + " must be a mapping");
        String type = c.has("type") ? c.get("type").asText()
                : c.has("location") ? "location" : c.has("colocation") ? "colocation" : c.has("order") ? "order" : null;
        if (type == null) throw bad("constraint " + i + " needs one of 'location', 'colocation', 'order' (or 'type')");
        String cid = c.has("id") ? c.get("id").asText() : type + "-" + i;
        switch (type) {
            case "location" -> {
                String svc = service(ids, c.has("service") ? c.path("service") : c.path("location"), i);
                int score = score(c, i);
                if (c.has("node")) {
                    locs.add(new LocationDef(cid, svc, c.get("node").asText(), score, List.of()));
                } else if (c.path("label").isObject() && !c.get("label").isEmpty()) {
                    List<ExprDef> exprs = new ArrayList<>();
                    c.get("label").fields().forEachRemaining(
                            e -> exprs.add(new ExprDef(e.getKey(), "eq", e.getValue().asText(), "string")));
                    locs.add(new LocationDef(cid, svc, null, 0,
                            List.of(new RuleDef(cid + "-rule", Score.format(score), null, false, exprs))));
                } else {
                    throw bad("location constraint " + i + " needs 'node' or a 'label' mapping");
                }
            }
            case "colocation" -> {
                String svc = service(ids, c.has("service") ? c.path("service") : c.path("colocation"), i);
                String with = service(ids, c.path("with"), i);
                if (svc.equals(with)) throw bad("colocation constraint " + i + " colocates '" + svc + "' with itself");
                cols.add(new ColocationDef(cid, svc, with, score(c, i),
                        c.has("node-attribute") ? c.get("node-attribute").asText() : null,
                        c.has("influence") ? c.get("influence").asBoolean() : null));
            }
            case "order" -> {
                String first = service(ids, c.has("first") ? c.path("first") : c.path("order"), i);
                String then = service(ids, c.path("then"), i);
                String fa = c.path("first-action").asText("start");
                String ta = c.path("then-action").asText(fa);
                for (String a : List.of(fa, ta)) {
                    if (!a.equals("start") && !a.equals("stop")) throw bad("order constraint " + i + ": action '" + a + "' must be start or stop");
                }
                ords.add(new OrderDef(cid, first, fa, then, ta, c.path("mandatory").asBoolean(true),
                        c.path("symmetrical").asBoolean(true)));
            }
            default -> throw bad("constraint " + i + " has unknown type '" + type + "' (location, colocation, order)");
        }
    }

    private int score(JsonNode c, int i) {
        JsonNode s = c.path("score");
        if (s.isMissingNode() || s.isNull()) return Score.INFINITY;
        String text = s.asText().trim();
        if (!text.matches("[+-]?(INFINITY|inf|\\d+)") ) {
            throw bad("constraint " + i + ": score '" + text + "' must be an integer, INFINITY or -INFINITY");
        }
        return Score.parse(text.replace("inf", "INFINITY"), 0);
    }

    private String service(Set<String> ids, JsonNode n, int i) {
        if (n.isMissingNode() || n.isNull() || !n.isValueNode()) throw bad("constraint " + i + " names no service");
        String id = n.asText();
        if (!ids.contains(id)) throw bad("constraint " + i + " refers to unknown service '" + id + "'");
        return id;
    }

    private List<NodeState> running(JsonNode run, Set<String> ids, List<NodeState> states,
                                    Map<String, Map<String, String>> nodeAttrs, Map<String, Long> monitorMs) {
        if (run.isMissingNode() || run.isNull()) return states;
        if (!run.isObject()) throw bad("'running' must map service ids to a node or {node, failed, fail-count}");
        Map<String, List<ResourceHistory>> hist = new LinkedHashMap<>();
        int call = 1;
        for (Iterator<Map.Entry<String, JsonNode>> it = run.fields(); it.hasNext(); ) {
            var e = it.next();
            String svc = e.getKey();
            if (!ids.contains(svc)) throw bad("'running' names unknown service '" + svc + "'");
            JsonNode v = e.getValue();
            String node = v.isValueNode() ? v.asText() : v.path("node").asText(null);
            if (node == null || !nodeAttrs.containsKey(node)) throw bad("service '" + svc + "' runs on unknown node '" + node + "'");
            boolean failed = v.path("failed").asBoolean(false);
            int fc = v.path("fail-count").asInt(0);
            long iv = monitorMs.get(svc);
            List<OpRecord> ops = new ArrayList<>();
            ops.add(new OpRecord(svc + "_start_0", "start", 0, call++, 0, 0, 0, "3.0.14", -1));
            ops.add(new OpRecord(svc + "_monitor_" + iv, "monitor", iv, call++, failed ? 7 : 0, 0, 0, "3.0.14", -1));
            hist.computeIfAbsent(node, k -> new ArrayList<>()).add(new ResourceHistory(svc, ops));
            if (fc > 0) nodeAttrs.get(node).put("fail-count-" + svc + "#monitor_" + iv, Integer.toString(fc));
        }
        List<NodeState> out = new ArrayList<>();
        for (NodeState s : states) {
            out.add(new NodeState(s.id(), s.uname(), s.inCcm(), s.crmd(), s.join(), s.expected(),
                    nodeAttrs.get(s.id()), hist.getOrDefault(s.id(), List.of())));
        }
        return out;
    }

    private Map<String, String> stringMap(JsonNode n, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n.isMissingNode() || n.isNull()) return out;
        if (!n.isObject()) throw bad("'" + what + "' must be a mapping");
        n.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode()) throw bad("'" + what + "': value of '" + e.getKey() + "' must be a scalar");
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private static void copy(JsonNode s, String key, Map<String, String> meta, String metaKey) {
        if (s.has(key)) meta.put(metaKey, s.get(key).asText());
    }

    private long duration(JsonNode n, long dflt, String what) {
        if (n.isMissingNode() || n.isNull()) return dflt;
        String t = n.asText().trim().toLowerCase();
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(t);
        if (!m.matches()) throw bad(what + " '" + t + "' must look like 500ms, 10s, 1m");
        long v = Long.parseLong(m.group(1));
        String u = m.group(2) == null ? "s" : m.group(2);
        return switch (u) {
            case "ms" -> v;
            case "m" -> v * 60_000;
            case "h" -> v * 3_600_000;
            default -> v * 1000;
        };
    }
}
