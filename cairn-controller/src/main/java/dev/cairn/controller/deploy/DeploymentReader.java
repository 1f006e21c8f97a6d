package dev.cairn.controller.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.policy.Score;
import dev.cairn.policy.cib.CibReader;
import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.ColocationDef;
import dev.cairn.policy.model.ExprDef;
import dev.cairn.policy.model.LocationDef;
import dev.cairn.policy.model.OrderDef;
import dev.cairn.policy.model.ResourceDef;
import dev.cairn.policy.model.RuleDef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a deployment from Cairn's YAML (or JSON) or from a Pacemaker CIB's configuration section.
 * Every mistake is one {@link CairnException} naming the field, with a hint.
 */
public final class DeploymentReader {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");
    private static final Set<String> SERVICE_KEYS = Set.of("command", "env", "monitor", "migration-threshold", "stickiness",
            "resource-stickiness", "target-role", "priority", "multiple-active", "meta");
    private static final String YAML_HINT = "see docs/deployments.md for the deployment file format";
    /** What a CIB primitive of a Dummy-like type runs: nothing but itself, as Pacemaker's Dummy agent does. */
    static final List<String> DUMMY = List.of("/bin/sh", "-c", "exec sleep 2147483647");

    private DeploymentReader() {}

    /** Reads {@code content}; {@code xml} selects the CIB reader, {@code name} names a CIB deployment. */
    public static DeploymentSpec read(String content, boolean xml, String name) {
        return xml ? fromCib(content, name) : fromYaml(content);
    }

    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new CairnException(ErrorCode.INVALID_NAME, "deployment name '" + name + "' is not allowed",
                    "use lower-case letters, digits and '-', starting with a letter or digit, e.g. 'web'");
        }
        return name;
    }

    static String requireService(String id) {
        if (id == null || !SERVICE.matcher(id).matches()) {
            throw new CairnException(ErrorCode.INVALID_NAME, "service id '" + id + "' is not allowed",
                    "use letters, digits, '.', '_' or '-' (at most 63), e.g. 'hello'");
        }
        return id;
    }

    // ---- YAML ---------------------------------------------------------------------------

    static DeploymentSpec fromYaml(String content) {
        JsonNode root;
        try {
            root = Json.YAML.readTree(content);
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new CairnException(ErrorCode.INVALID_INPUT, "the deployment file is not valid YAML: " + m, YAML_HINT);
        }
        if (root == null || !root.isObject()) throw bad("the deployment file must be a mapping with 'name' and 'services'");
        String name = requireName(text(root, "name"));
        JsonNode svcs = root.path("services");
        if (!svcs.isObject() || svcs.isEmpty()) throw bad("deployment '" + name + "' needs at least one service under 'services'");
        List<ServiceDef> services = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = svcs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            services.add(service(requireService(e.getKey()), e.getValue()));
        }
        Set<String> ids = new java.util.HashSet<>();
        for (ServiceDef s : services) ids.add(s.id());
        List<LocationDef> locs = new ArrayList<>();
        List<ColocationDef> cols = new ArrayList<>();
        List<OrderDef> ords = new ArrayList<>();
        JsonNode cons = root.path("constraints");
        if (!cons.isMissingNode() && !cons.isNull() && !cons.isArray()) throw bad("'constraints' must be a list");
        int i = 0;
        for (JsonNode c : cons) {
            i++;
            constraint(c, i, ids, locs, cols, ords);
        }
        return new DeploymentSpec(name, services, locs, cols, ords, stringMap(root.path("options"), "options"),
                stringMap(root.path("defaults"), "defaults"), false);
    }

    private static ServiceDef service(String id, JsonNode n) {
        if (!n.isObject()) throw bad("service '" + id + "' must be a mapping with a 'command'");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!SERVICE_KEYS.contains(k)) throw bad("service '" + id + "' has an unknown field '" + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(SERVICE_KEYS)) + ")");
        }
        List<String> command = new ArrayList<>();
        JsonNode cmd = n.path("command");
        if (cmd.isTextual() && !cmd.asText().isBlank()) {
            command.addAll(List.of("/bin/sh", "-c", cmd.asText()));
        } else if (cmd.isArray()) {
            for (JsonNode a : cmd) command.add(a.asText());
        }
        if (command.isEmpty() || command.get(0).isBlank()) throw bad("service '" + id + "' needs a 'command' (a list of arguments, or a shell string)");
        Map<String, String> meta = new LinkedHashMap<>(stringMap(n.path("meta"), "service '" + id + "' meta"));
        for (String k : List.of("migration-threshold", "target-role", "priority", "multiple-active", "resource-stickiness")) {
            if (n.has(k)) meta.put(k, n.get(k).asText());
        }
        if (n.has("stickiness")) meta.put("resource-stickiness", n.get("stickiness").asText());
        return new ServiceDef(id, command, stringMap(n.path("env"), "service '" + id + "' env"), monitor(id, n.path("monitor")), meta);
    }

    private static MonitorDef monitor(String id, JsonNode m) {
        if (m.isMissingNode() || m.isNull()) return MonitorDef.PROCESS;
        if (!m.isObject()) throw bad("service '" + id + "' monitor must be a mapping like {interval: 1s, timeout: 2s}");
        String type = m.has("type") ? m.get("type").asText()
                : m.has("command") ? "command" : m.has("url") ? "http" : m.has("port") ? "tcp" : "process";
        long interval = duration(m.path("interval"), 1_000, "service '" + id + "' monitor interval");
        long timeout = duration(m.path("timeout"), 2_000, "service '" + id + "' monitor timeout");
        List<String> command = new ArrayList<>();
        if (m.path("command").isTextual()) command.addAll(List.of("/bin/sh", "-c", m.get("command").asText()));
        else for (JsonNode a : m.path("command")) command.add(a.asText());
        String url = m.has("url") ? m.get("url").asText() : null;
        int port = m.path("port").asInt(0);
        switch (type) {
            case "process" -> { }
            case "command" -> { if (command.isEmpty()) throw bad("service '" + id + "' monitor of type command needs a 'command'"); }
            case "http" -> { if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) throw bad("service '" + id + "' monitor of type http needs an http(s) 'url'"); }
            case "tcp" -> { if (port <= 0 || port > 65535) throw bad("service '" + id + "' monitor of type tcp needs a 'port' between 1 and 65535"); }
            default -> throw bad("service '" + id + "' monitor type '" + type + "' is unknown (process, command, http, tcp)");
        }
        return new MonitorDef(type, interval, timeout, command, url, m.has("host") ? m.get("host").asText() : null, port);
    }

    private static void constraint(JsonNode c, int i, Set<String> ids, List<LocationDef> locs, List<ColocationDef> cols, List<OrderDef> ords) {
        String type = c.has("type") ? c.get("type").asText()
                : c.has("location") ? "location" : c.has("colocation") ? "colocation" : c.has("order") ? "order" : null;
        if (type == null) throw bad("constraint " + i + " needs a 'type' (location, colocation or order)");
        String cid = c.has("id") ? c.get("id").asText() : type + "-" + i;
        switch (type) {
            case "location" -> {
                String svc = known(ids, c.has("service") ? text(c, "service") : text(c, "location"), i);
                int score = Score.parse(c.path("score").asText("INFINITY"), 0);
                if (c.has("node")) {
                    locs.add(new LocationDef(cid, svc, text(c, "node"), score, List.of()));
                } else if (c.path("label").isObject() && !c.get("label").isEmpty()) {
                    List<ExprDef> exprs = new ArrayList<>();
                    c.get("label").fields().forEachRemaining(e -> exprs.add(new ExprDef(e.getKey(), "eq", e.getValue().asText(), "string")));
                    locs.add(new LocationDef(cid, svc, null, 0, List.of(new RuleDef(cid + "-rule", Score.format(score), null, false, exprs))));
                } else {
                    throw bad("location constraint " + i + " needs a 'node' or a 'label' mapping");
                }
            }
            case "colocation" -> {
                String svc = known(ids, c.has("service") ? text(c, "service") : text(c, "colocation"), i);
                String with = known(ids, text(c, "with"), i);
                cols.add(new ColocationDef(cid, svc, with, Score.parse(c.path("score").asText("INFINITY"), 0), null, null));
            }
            case "order" -> {
                String first = known(ids, c.has("first") ? text(c, "first") : text(c, "order"), i);
                String then = known(ids, text(c, "then"), i);
                ords.add(new OrderDef(cid, first, "start", then, "start", c.path("mandatory").asBoolean(true), c.path("symmetrical").asBoolean(true)));
            }
            default -> throw bad("constraint " + i + " has unknown type '" + type + "' (location, colocation or order)");
        }
    }

    private static String known(Set<String> ids, String svc, int i) {
        if (!ids.contains(svc)) throw bad("constraint " + i + " names service '" + svc + "', which the deployment does not define");
        return svc;
    }

    private static long duration(JsonNode n, long dflt, String what) {
        if (n.isMissingNode() || n.isNull()) return dflt;
        if (n.isNumber()) return n.asLong();
        Matcher m = DURATION.matcher(n.asText().trim());
        if (!m.matches()) throw bad(what + " '" + n.asText() + "' is not a duration (like 500ms, 2s or 1m)");
        long v = Long.parseLong(m.group(1));
        long ms = m.group(2) == null || m.group(2).equals("ms") ? v : m.group(2).equals("s") ? v * 1_000 : v * 60_000;
        if (ms <= 0) throw bad(what + " must be positive");
        return ms;
    }

    private static Map<String, String> stringMap(JsonNode n, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n.isMissingNode() || n.isNull()) return out;
        if (!n.isObject()) throw bad("'" + what + "' must be a mapping of names to values");
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode f = n.get(field);
        if (f == null || f.isNull() || !f.isValueNode() || f.asText().isBlank()) throw bad("missing '" + field + "'");
        return f.asText();
    }

    private static CairnException bad(String message) {
        return new CairnException(ErrorCode.INVALID_INPUT, message, YAML_HINT);
    }

    // ---- CIB ----------------------------------------------------------------------------

    /**
     * A CIB's configuration section as a deployment: each primitive becomes a service. A primitive
     * runs its {@code cairn-command} meta attribute (a shell command line); primitives of Pacemaker's
     * {@code Dummy} and {@code Stateful} test types without one run a placeholder process, as those
     * agents do nothing either. The CIB's own node list and status are ignored: Cairn's nodes are
     * its registered agents, and the status is what they report.
     */
    static DeploymentSpec fromCib(String xml, String name) {
        requireName(name);
        String doc = xml.strip();
        if (doc.startsWith("<?xml")) doc = doc.substring(doc.indexOf("?>") + 2).strip();
        if (doc.startsWith("<configuration")) doc = "<cib>" + doc + "</cib>";
        Cib cib = CibReader.parse(doc);
        List<ServiceDef> services = new ArrayList<>();
        for (ResourceDef r : cib.configuration().resources()) {
            requireService(r.id());
            Map<String, String> meta = new LinkedHashMap<>(r.groupMeta());
            meta.putAll(r.meta());
            String cmd = meta.remove("cairn-command");
            List<String> command;
            if (cmd != null && !cmd.isBlank()) {
                command = List.of("/bin/sh", "-c", cmd);
            } else if (r.type() != null && (r.type().equals("Dummy") || r.type().equals("Stateful"))) {
                command = DUMMY;
            } else {
                throw new CairnException(ErrorCode.UNSUPPORTED, "primitive " + r.id() + " (" + r.agent() + ") says nothing Cairn can run",
                        "give it a meta attribute cairn-command with the command line to run");
            }
            services.add(new ServiceDef(r.id(), command, Map.of(), MonitorDef.PROCESS, meta));
        }
        if (services.isEmpty()) throw bad("the CIB defines no primitives");
        var conf = cib.configuration();
        return new DeploymentSpec(name, services, conf.locations(), conf.colocations(), conf.orders(), conf.clusterOptions(),
                conf.resourceDefaults(), false);
    }
}
