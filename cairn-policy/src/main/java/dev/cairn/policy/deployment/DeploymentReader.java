package dev.cairn.policy.deployment;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.policy.Score;
import dev.cairn.policy.cib.CibReader;
import dev.cairn.policy.deployment.YamlTree.Node;
import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.ColocationDef;
import dev.cairn.policy.model.ExprDef;
import dev.cairn.policy.model.LocationDef;
import dev.cairn.policy.model.OpDef;
import dev.cairn.policy.model.OrderDef;
import dev.cairn.policy.model.ResourceDef;
import dev.cairn.policy.model.RuleDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of deployment files, for {@code cairn deployment apply} ({@link #read}) and
 * {@code cairn policy simulate --yaml} ({@link #simulation}): Cairn's YAML (or JSON), with one
 * meaning for every field (docs/deployments.md, "The file"), or a Pacemaker CIB's configuration
 * section. Every mistake is one {@link CairnException} naming the field and its line, with a hint;
 * unknown fields are mistakes too.
 *
 * <p>A file for simulation may also describe a cluster ({@code nodes}, {@code running}); a
 * deployment that is applied gets its nodes from the cluster, so applying such a file is refused.
 * Simulation needs no {@code name} and no {@code command}s.
 */
public final class DeploymentReader {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern SCORE = Pattern.compile("[+-]?(\\d+|INFINITY|INF)");
    static final String HINT = "see docs/deployments.md, section 'The file'";

    private static final Set<String> TOP = Set.of("name", "services", "constraints", "options", "defaults", "nodes", "running");
    private static final Set<String> SERVICE_KEYS = Set.of("command", "env", "monitor", "priority", "stickiness",
            "resource-stickiness", "migration-threshold", "multiple-active", "target-role", "enabled", "on-fail", "meta");
    private static final Set<String> MONITOR_KEYS = Set.of("type", "interval", "timeout", "command", "url", "host", "port");
    private static final Set<String> LOCATION_KEYS = Set.of("type", "id", "location", "service", "node", "label", "score");
    private static final Set<String> COLOCATION_KEYS = Set.of("type", "id", "colocation", "service", "with", "score",
            "node-attribute", "influence");
    private static final Set<String> ORDER_KEYS = Set.of("type", "id", "order", "first", "then", "first-action", "then-action",
            "mandatory", "symmetrical");
    private static final Set<String> NODE_KEYS = Set.of("labels", "standby", "online", "score");
    private static final Set<String> RUNNING_KEYS = Set.of("node", "failed", "fail-count");
    /** Meta attributes whose value is a score. */
    private static final Set<String> SCORE_META = Set.of("priority", "resource-stickiness", "migration-threshold");
    private static final Set<String> MULTIPLE_ACTIVE = Set.of("stop_start", "stop_only", "block", "stop_unexpected");
    /** What a CIB primitive of a Dummy-like type runs: nothing but itself, as Pacemaker's Dummy agent does. */
    static final List<String> DUMMY = List.of("/bin/sh", "-c", "exec sleep 2147483647");

    private enum Use { APPLY, SIMULATE }

    private DeploymentReader() {}

    /**
     * A deployment to apply: {@code content} is Cairn's YAML or JSON, or with {@code xml} a CIB
     * whose deployment is called {@code name}.
     */
    public static DeploymentSpec read(String content, boolean xml, String name) {
        return xml ? fromCib(content, name) : yaml(content, null, Use.APPLY).spec();
    }

    /** A deployment file for simulation; {@code source} names it in messages (a file name), or is null. */
    public static DeploymentFile simulation(String content, String source) {
        return yaml(content, source, Use.SIMULATE);
    }

    public static DeploymentFile simulation(Path file) {
        try {
            return simulation(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "no such file: " + file, "check the path");
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + file + ": " + e.getMessage(),
                    "check the path and permissions", e);
        }
    }

    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new CairnException(ErrorCode.INVALID_NAME, "deployment name '" + name + "' is not allowed",
                    "use lower-case letters, digits and '-', starting with a letter or digit, e.g. 'web'");
        }
        return name;
    }

    public static String requireService(String id) {
        if (id == null || !SERVICE.matcher(id).matches()) {
            throw new CairnException(ErrorCode.INVALID_NAME, "service id '" + id + "' is not allowed",
                    "use letters, digits, '.', '_' or '-' (at most 63), e.g. 'hello'");
        }
        return id;
    }

    // ---- YAML ---------------------------------------------------------------------------

    private static DeploymentFile yaml(String content, String source, Use use) {
        Node root = YamlTree.parse(content, source, HINT).root;
        if (!root.isMapping()) throw root.bad("a deployment must be a YAML mapping with 'services' (and 'name', 'constraints', ...)");
        root.onlyKeys(TOP, "the deployment");
        if (use == Use.APPLY) {
            for (String k : List.of("nodes", "running")) {
                Node n = root.get(k);
                if (n.value != null) {
                    throw n.bad(ErrorCode.INVALID_INPUT, "'" + k + "' describes a cluster for 'cairn policy simulate'; an applied"
                            + " deployment runs on the cluster's nodes as their agents report them",
                            "remove 'nodes' and 'running' from the file to apply it ('cairn node list' shows the nodes)");
                }
            }
        }
        String name = null;
        Node nameNode = root.get("name");
        if (nameNode.present()) {
            if (!nameNode.isScalar()) throw nameNode.bad("'name' must be a name like 'web'");
            try {
                name = requireName(nameNode.text());
            } catch (CairnException e) {
                throw nameNode.at(e);
            }
        } else if (use == Use.APPLY) {
            throw root.bad("the deployment needs a 'name' (lower-case letters, digits and '-', e.g. 'web')");
        }
        Node svcs = root.get("services");
        if (!svcs.isMapping() || svcs.value.isEmpty()) throw svcs.bad("'services' must be a non-empty mapping of service id to settings");
        List<ServiceDef> services = new ArrayList<>();
        for (Map.Entry<String, Node> e : svcs.entries()) services.add(service(e.getKey(), e.getValue(), use));
        Set<String> ids = new HashSet<>();
        for (ServiceDef s : services) ids.add(s.id());

        List<LocationDef> locs = new ArrayList<>();
        List<ColocationDef> cols = new ArrayList<>();
        List<OrderDef> ords = new ArrayList<>();
        Node cons = root.get("constraints");
        if (cons.present() && !cons.isList()) throw cons.bad("'constraints' must be a list");
        Set<String> constraintIds = new HashSet<>();
        int i = 0;
        for (Node c : cons.items()) constraint(c, ++i, ids, constraintIds, locs, cols, ords);
        DeploymentSpec spec = new DeploymentSpec(name, services, locs, cols, ords, stringMap(root.get("options"), "options"),
                stringMap(root.get("defaults"), "defaults"), false);

        List<DeploymentCib.Node> nodes = nodes(root.get("nodes"));
        List<DeploymentCib.Copy> running = running(root.get("running"), ids, nodes);
        return new DeploymentFile(spec, nodes, running);
    }

    private static ServiceDef service(String id, Node n, Use use) {
        try {
            requireService(id);
        } catch (CairnException e) {
            throw n.at(e);
        }
        String what = "service '" + id + "'";
        if (n.present() && !n.isMapping()) throw n.bad(what + " must be a mapping with a 'command'");
        n.onlyKeys(SERVICE_KEYS, what);
        List<String> command = command(n.get("command"), what + ": 'command'");
        if (command.isEmpty() && use == Use.APPLY) {
            throw n.bad(what + " needs a 'command' (a list of arguments, or a shell command line)");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        Node metaNode = n.get("meta");
        if (metaNode.present() && !metaNode.isMapping()) throw metaNode.bad(what + ": 'meta' must be a mapping of names to values");
        for (Map.Entry<String, Node> e : metaNode.entries()) meta.put(e.getKey(), meta(e.getKey(), e.getValue(), what));
        if (n.has("stickiness") && n.has("resource-stickiness")) {
            throw n.get("resource-stickiness").bad(what + " gives both 'stickiness' and 'resource-stickiness'; keep one");
        }
        for (String k : List.of("priority", "migration-threshold", "multiple-active", "target-role", "resource-stickiness")) {
            if (n.has(k)) meta.put(k, meta(k, n.get(k), what));
        }
        if (n.has("stickiness")) meta.put("resource-stickiness", meta("resource-stickiness", n.get("stickiness"), what));
        Node enabled = n.get("enabled");
        if (enabled.present()) {
            if (meta.containsKey("target-role")) throw enabled.bad(what + " gives both 'enabled' and 'target-role'; keep one");
            if (!bool(enabled, what + ": 'enabled'")) meta.put("target-role", "Stopped");
        }
        OnFail onFail = null;
        Node of = n.get("on-fail");
        if (of.present()) {
            onFail = of.isScalar() ? OnFail.of(of.text()) : null;
            if (onFail == null) throw of.bad(what + ": on-fail '" + of.text() + "' is not one of " + OnFail.words());
        }
        return new ServiceDef(id, command, stringMap(n.get("env"), what + ": 'env'"), monitor(what, n.get("monitor")), meta, onFail);
    }

    /** A list of arguments, or a string run by {@code /bin/sh -c}; empty when absent. */
    private static List<String> command(Node c, String what) {
        if (!c.present()) return List.of();
        if (c.isScalar() && c.value.isTextual() && !c.text().isBlank()) return List.of("/bin/sh", "-c", c.text());
        if (c.isList() && !c.value.isEmpty()) {
            List<String> argv = new ArrayList<>();
            for (Node a : c.items()) {
                if (!a.isScalar()) throw a.bad(what + ": each argument must be a string");
                argv.add(a.text());
            }
            if (!argv.get(0).isBlank()) return argv;
        }
        throw c.bad(what + " must be a list of arguments (the first one the program) or a shell command line");
    }

    /** A meta attribute's value; scores, multiple-active and target-role are checked, scores written as Pacemaker does. */
    private static String meta(String key, Node v, String what) {
        if (!v.isScalar()) throw v.bad(what + ": the value of '" + key + "' must be a single value");
        if (SCORE_META.contains(key)) return Score.format(score(v, what + ": " + key));
        String text = v.text().trim();
        if (key.equals("multiple-active") && !MULTIPLE_ACTIVE.contains(text)) {
            throw v.bad(what + ": multiple-active '" + text + "' is not one of " + String.join(", ", new java.util.TreeSet<>(MULTIPLE_ACTIVE)));
        }
        if (key.equals("target-role") && !text.equalsIgnoreCase("Started") && !text.equalsIgnoreCase("Stopped")) {
            throw v.bad(what + ": target-role '" + text + "' must be Started or Stopped");
        }
        return v.text();
    }

    private static MonitorDef monitor(String what, Node m) {
        if (!m.present()) return MonitorDef.PROCESS;
        what = what + ": monitor";
        if (!m.isMapping()) throw m.bad(what + " must be a mapping like {interval: 1s, timeout: 2s}");
        m.onlyKeys(MONITOR_KEYS, what);
        String type = m.has("type") ? m.get("type").text()
                : m.has("command") ? "command" : m.has("url") ? "http" : m.has("port") ? "tcp" : "process";
        long interval = duration(m.get("interval"), 1_000, what + " interval");
        long timeout = duration(m.get("timeout"), 2_000, what + " timeout");
        List<String> command = command(m.get("command"), what + " 'command'");
        String url = m.has("url") ? m.get("url").text() : null;
        int port = 0;
        Node p = m.get("port");
        if (p.present()) {
            if (!p.isScalar() || !p.text().trim().matches("\\d{1,5}") || Integer.parseInt(p.text().trim()) < 1
                    || Integer.parseInt(p.text().trim()) > 65535) {
                throw p.bad(what + " port '" + p.text() + "' must be a number between 1 and 65535");
            }
            port = Integer.parseInt(p.text().trim());
        }
        switch (type) {
            case "process" -> { }
            case "command" -> { if (command.isEmpty()) throw m.bad(what + " of type command needs a 'command'"); }
            case "http" -> {
                if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                    throw m.bad(what + " of type http needs an http(s) 'url'");
                }
            }
            case "tcp" -> { if (port == 0) throw m.bad(what + " of type tcp needs a 'port' between 1 and 65535"); }
            default -> throw m.get("type").bad(what + " type '" + type + "' is unknown (process, command, http, tcp)");
        }
        return new MonitorDef(type, interval, timeout, command, url, m.has("host") ? m.get("host").text() : null, port);
    }

    private static void constraint(Node c, int i, Set<String> ids, Set<String> constraintIds, List<LocationDef> locs,
                                   List<ColocationDef> cols, List<OrderDef> ords) {
        String what = "constraint " + i;
        if (!c.isMapping()) throw c.bad(what + " must be a mapping like {location: SERVICE, node: NODE, score: 100}");
        String type;
        if (c.has("type")) {
            type = c.get("type").text();
        } else {
            List<String> given = new ArrayList<>();
            for (String t : List.of("location", "colocation", "order")) if (c.has(t)) given.add(t);
            if (given.size() != 1) throw c.bad(what + " needs exactly one of 'location', 'colocation', 'order' (or a 'type')");
            type = given.get(0);
        }
        if (c.has("id") && (!c.get("id").isScalar() || c.get("id").text().isBlank())) throw c.get("id").bad(what + ": 'id' must be a name");
        String cid = c.has("id") ? c.get("id").text() : type + "-" + i;
        if (!constraintIds.add(cid)) throw c.bad(what + ": id '" + cid + "' is used by an earlier constraint");
        switch (type) {
            case "location" -> {
                c.onlyKeys(LOCATION_KEYS, what + " (location)");
                String svc = service(c, "location", "service", ids, what);
                int score = c.has("score") ? score(c.get("score"), what + ": score") : Score.INFINITY;
                Node label = c.get("label");
                if (c.has("node") && label.present()) throw c.bad(what + " gives both 'node' and 'label'; a location is one or the other");
                if (c.has("node")) {
                    if (!c.get("node").isScalar()) throw c.get("node").bad(what + ": 'node' must be a node name");
                    locs.add(new LocationDef(cid, svc, c.get("node").text(), score, List.of()));
                } else if (label.isMapping() && !label.value.isEmpty()) {
                    List<ExprDef> exprs = new ArrayList<>();
                    for (Map.Entry<String, String> e : stringMap(label, what + ": 'label'").entrySet()) {
                        exprs.add(new ExprDef(e.getKey(), "eq", e.getValue(), "string"));
                    }
                    locs.add(new LocationDef(cid, svc, null, 0, List.of(new RuleDef(cid + "-rule", Score.format(score), null, false, exprs))));
                } else {
                    throw c.bad(what + " (location) needs a 'node' or a 'label' mapping like {zone: a}");
                }
            }
            case "colocation" -> {
                c.onlyKeys(COLOCATION_KEYS, what + " (colocation)");
                String svc = service(c, "colocation", "service", ids, what);
                String with = service(c, "with", null, ids, what);
                if (svc.equals(with)) throw c.bad(what + " colocates '" + svc + "' with itself");
                int score = c.has("score") ? score(c.get("score"), what + ": score") : Score.INFINITY;
                String attr = null;
                if (c.has("node-attribute")) {
                    if (!c.get("node-attribute").isScalar()) throw c.get("node-attribute").bad(what + ": 'node-attribute' must be a label name");
                    attr = c.get("node-attribute").text();
                }
                Boolean influence = c.has("influence") ? bool(c.get("influence"), what + ": 'influence'") : null;
                cols.add(new ColocationDef(cid, svc, with, score, attr, influence));
            }
            case "order" -> {
                c.onlyKeys(ORDER_KEYS, what + " (order)");
                String first = service(c, "order", "first", ids, what);
                String then = service(c, "then", null, ids, what);
                String fa = action(c.get("first-action"), "start", what);
                String ta = action(c.get("then-action"), fa, what);
                boolean mandatory = !c.has("mandatory") || bool(c.get("mandatory"), what + ": 'mandatory'");
                boolean symmetrical = !c.has("symmetrical") || bool(c.get("symmetrical"), what + ": 'symmetrical'");
                ords.add(new OrderDef(cid, first, fa, then, ta, mandatory, symmetrical));
            }
            default -> throw c.get("type").bad(what + " has unknown type '" + type + "' (location, colocation or order)");
        }
    }

    /** The service a constraint names under {@code key} (or its synonym {@code alt}), which must be defined. */
    private static String service(Node c, String key, String alt, Set<String> ids, String what) {
        boolean hasKey = c.has(key);
        boolean hasAlt = alt != null && c.has(alt);
        if (hasKey && hasAlt) throw c.bad(what + " gives both '" + key + "' and '" + alt + "'; keep one");
        Node n = hasAlt ? c.get(alt) : c.get(key);
        String field = hasAlt ? alt : key;
        if (!n.present()) throw c.bad(what + " needs '" + key + "'" + (alt == null ? "" : " (or '" + alt + "')"));
        if (!n.isScalar()) throw n.bad(what + ": '" + field + "' must name a service");
        String id = n.text();
        if (!ids.contains(id)) throw n.bad(what + " refers to unknown service '" + id + "'");
        return id;
    }

    private static String action(Node a, String dflt, String what) {
        if (!a.present()) return dflt;
        String v = a.text();
        if (!v.equals("start") && !v.equals("stop")) throw a.bad(what + ": action '" + v + "' must be start or stop");
        return v;
    }

    /** A score: an integer, INFINITY or -INFINITY (also +INFINITY, inf, -inf, any case), clamped to +-INFINITY. */
    private static int score(Node n, String what) {
        if (n.isScalar() && n.value.isIntegralNumber()) {
            return Score.clamp(n.value.asLong());
        } else if (n.isScalar() && !n.value.isNumber()) {
            String t = n.text().trim().toUpperCase(Locale.ROOT);
            if (SCORE.matcher(t).matches()) return Score.parse(t.replace("INFINITY", "INF").replace("INF", "INFINITY"), 0);
        }
        throw n.bad(what + " '" + (n.present() ? n.text() : "") + "' must be an integer, INFINITY or -INFINITY");
    }

    /** A duration like 500ms, 2s, 1m or 1h; a bare number is milliseconds. */
    private static long duration(Node n, long dflt, String what) {
        if (!n.present()) return dflt;
        long ms;
        if (n.isScalar() && n.value.isIntegralNumber()) {
            ms = n.value.asLong();
        } else {
            Matcher m = DURATION.matcher(n.isScalar() ? n.text().trim() : "");
            if (!m.matches()) throw n.bad(what + " '" + n.text() + "' is not a duration (like 500ms, 2s, 1m or 1h)");
            long v = Long.parseLong(m.group(1));
            ms = switch (m.group(2) == null ? "ms" : m.group(2)) {
                case "s" -> v * 1_000;
                case "m" -> v * 60_000;
                case "h" -> v * 3_600_000;
                default -> v;
            };
        }
        if (ms <= 0) throw n.bad(what + " must be longer than 0");
        return ms;
    }

    private static boolean bool(Node n, String what) {
        if (n.isScalar() && n.value.isBoolean()) return n.value.asBoolean();
        if (n.isScalar() && (n.text().equals("true") || n.text().equals("false"))) return Boolean.parseBoolean(n.text());
        throw n.bad(what + " must be true or false");
    }

    private static Map<String, String> stringMap(Node n, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!n.present()) return out;
        if (!n.isMapping()) throw n.bad(what + " must be a mapping of names to values");
        for (Map.Entry<String, Node> e : n.entries()) {
            if (!e.getValue().isScalar()) throw e.getValue().bad(what + ": the value of '" + e.getKey() + "' must be a single value");
            out.put(e.getKey(), e.getValue().text());
        }
        return out;
    }

    /** Simulation only: the cluster's nodes. */
    private static List<DeploymentCib.Node> nodes(Node ns) {
        List<DeploymentCib.Node> out = new ArrayList<>();
        if (!ns.present()) return out;
        if (!ns.isMapping()) throw ns.bad("'nodes' must be a mapping of node name to {labels, standby, online, score}");
        for (Map.Entry<String, Node> e : ns.entries()) {
            String name = e.getKey();
            Node n = e.getValue();
            String what = "node '" + name + "'";
            if (n.present() && !n.isMapping()) throw n.bad(what + " must be a mapping like {labels: {rack: r1}}");
            n.onlyKeys(NODE_KEYS, what);
            int score = n.has("score") ? score(n.get("score"), what + ": score") : 0;
            boolean standby = n.has("standby") && bool(n.get("standby"), what + ": 'standby'");
            boolean online = !n.has("online") || bool(n.get("online"), what + ": 'online'");
            out.add(new DeploymentCib.Node(name, stringMap(n.get("labels"), what + ": 'labels'"), score, standby, online));
        }
        return out;
    }

    /** Simulation only: where services run now, as their agents would report them. */
    private static List<DeploymentCib.Copy> running(Node run, Set<String> ids, List<DeploymentCib.Node> nodes) {
        List<DeploymentCib.Copy> out = new ArrayList<>();
        if (!run.present()) return out;
        if (!run.isMapping()) throw run.bad("'running' must map service ids to a node or {node, failed, fail-count}");
        Set<String> nodeNames = new LinkedHashSet<>();
        for (DeploymentCib.Node n : nodes) nodeNames.add(n.name());
        for (Map.Entry<String, Node> e : run.entries()) {
            String svc = e.getKey();
            Node v = e.getValue();
            if (!ids.contains(svc)) throw v.bad("'running' names unknown service '" + svc + "'");
            String what = "'running' of service '" + svc + "'";
            Node node = v;
            boolean failed = false;
            int failCount = 0;
            if (v.isMapping()) {
                v.onlyKeys(RUNNING_KEYS, what);
                node = v.get("node");
                failed = v.has("failed") && bool(v.get("failed"), what + ": 'failed'");
                Node fc = v.get("fail-count");
                if (fc.present()) {
                    if (!fc.isScalar() || !fc.text().trim().matches("\\d{1,9}")) throw fc.bad(what + ": 'fail-count' must be a number");
                    failCount = Integer.parseInt(fc.text().trim());
                }
            }
            if (!node.isScalar()) throw v.bad(what + " must be a node name or {node, failed, fail-count}");
            if (!nodeNames.contains(node.text())) throw node.bad("service '" + svc + "' runs on unknown node '" + node.text() + "'");
            out.add(new DeploymentCib.Copy(svc, node.text(), failed ? DeploymentCib.CopyState.FAILED : DeploymentCib.CopyState.RUNNING,
                    failCount));
        }
        return out;
    }

    // ---- CIB ----------------------------------------------------------------------------

    /**
     * A CIB's configuration section as a deployment: each primitive becomes a service. A primitive
     * runs its {@code cairn-command} meta attribute (a shell command line); primitives of Pacemaker's
     * {@code Dummy} and {@code Stateful} test types without one run a placeholder process, as those
     * agents do nothing either. The on-fail of its recurring monitor is kept. The CIB's own node list
     * and status are ignored: Cairn's nodes are its registered agents, and the status is what they report.
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
            services.add(new ServiceDef(r.id(), command, Map.of(), MonitorDef.PROCESS, meta, monitorOnFail(r)));
        }
        if (services.isEmpty()) throw new CairnException(ErrorCode.INVALID_INPUT, "the CIB defines no primitives", HINT);
        var conf = cib.configuration();
        return new DeploymentSpec(name, services, conf.locations(), conf.colocations(), conf.orders(), conf.clusterOptions(),
                conf.resourceDefaults(), false);
    }

    /** The on-fail of a primitive's recurring monitor ({@code nothing} is ignore; {@code fence} is stop: Cairn never fences). */
    private static OnFail monitorOnFail(ResourceDef r) {
        for (OpDef op : r.ops()) {
            if (!op.name().equals("monitor") || op.intervalMs() <= 0) continue;
            String v = op.meta().get("on-fail");
            if (v == null) return null;
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "nothing" -> OnFail.IGNORE;
                case "fence" -> OnFail.STOP;
                default -> OnFail.of(v);
            };
        }
        return null;
    }
}
