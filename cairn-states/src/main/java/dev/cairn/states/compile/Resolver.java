package dev.cairn.states.compile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves requisite references to chunks and adds the edges (Salt's add_requisites /
 * add_dependency). References match by (module, id), (module, name), bare id or name
 * (2016.3+), {@code sls: NAME} (the SLS and those it includes) and fnmatch globs.
 */
final class Resolver {
    private final List<Chunk> chunks;
    private final DependencyGraph graph;
    private final Map<String, LinkedHashSet<Integer>> lookup = new LinkedHashMap<>();
    private final Map<String, LinkedHashSet<Integer>> slsToNodes = new LinkedHashMap<>();
    /** Per chunk: the non-prereq requisite edges it declared (dependency node, type). */
    private final Map<Integer, List<Object[]>> declared = new LinkedHashMap<>();
    final List<Plan.Edge> listens = new ArrayList<>();

    Resolver(List<Chunk> chunks, DependencyGraph graph) {
        this.chunks = chunks;
        this.graph = graph;
        for (Chunk c : chunks) {
            put(c.module(), c.name(), c.index());
            put(c.module(), c.id(), c.index());
            put("id", c.id(), c.index());
            put("id", c.name(), c.index());
            slsToNodes.computeIfAbsent(c.sls(), k -> new LinkedHashSet<>()).add(c.index());
            for (String from : c.includedFrom()) slsToNodes.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(c.index());
        }
    }

    private void put(String kind, String value, int chunk) {
        lookup.computeIfAbsent(kind + "\u0000" + value, k -> new LinkedHashSet<>()).add(chunk);
    }

    Set<Integer> byId(String id) { return lookup.getOrDefault("id\u0000" + id, new LinkedHashSet<>()); }

    /** Adds every requisite edge of a chunk; returns Salt's error for the first bad reference. */
    String addRequisites(Chunk c) {
        for (ReqType type : Compiler.addOrder()) {
            List<Object> refs = c.requisites().get(type);
            if (refs == null) continue;
            for (Object ref : refs) {
                String key;
                Object val;
                if (ref instanceof Map<?, ?> m) {
                    if (m.isEmpty()) continue;
                    Map.Entry<?, ?> e = m.entrySet().iterator().next();
                    key = String.valueOf(e.getKey());
                    val = e.getValue();
                    int dot = key.indexOf('.');
                    if (dot >= 0) key = key.substring(0, dot);
                } else if (ref == null) {
                    continue;
                } else {
                    key = "id";
                    val = String.valueOf(ref);
                }
                if (val == null) continue;
                if (!(val instanceof String s)) {
                    return "Requisite [" + type.key() + ": " + key + "] in state [" + c.name() + "] in SLS [" + c.sls()
                            + "] must have a string as the value";
                }
                if (!addDependency(c, type, key, s)) {
                    return "Referenced state does not exist for requisite [" + type.key() + ": (" + key + ": " + s
                            + ")] in state [" + c.name() + "] in SLS [" + c.sls() + "]";
                }
            }
        }
        return null;
    }

    private boolean addDependency(Chunk c, ReqType type, String key, String val) {
        if (key.equals("sls")) {
            if (isGlob(val)) {
                Pattern p = glob(val);
                for (Map.Entry<String, LinkedHashSet<Integer>> e : slsToNodes.entrySet()) {
                    if (p.matcher(e.getKey()).matches()) addReqs(c, type, e.getValue(), true);
                }
                return true;
            }
            LinkedHashSet<Integer> targets = slsToNodes.get(val);
            if (targets == null || targets.isEmpty()) return false;
            addReqs(c, type, targets, true);
            return true;
        }
        if (isGlob(val)) {
            Pattern p = glob(val);
            boolean found = false;
            String prefix = key + "\u0000";
            for (Map.Entry<String, LinkedHashSet<Integer>> e : lookup.entrySet()) {
                if (e.getKey().startsWith(prefix) && p.matcher(e.getKey().substring(prefix.length())).matches()) {
                    found = true;
                    addReqs(c, type, e.getValue(), true);
                }
            }
            return found;
        }
        LinkedHashSet<Integer> targets = lookup.get(key + "\u0000" + val);
        if (targets == null || targets.isEmpty()) return false;
        addReqs(c, type, targets, false);
        return true;
    }

    private void addReqs(Chunk c, ReqType type, Set<Integer> targets, boolean skipSelf) {
        for (int t : targets) {
            if (skipSelf && t == c.index()) continue;
            if (type == ReqType.LISTEN) {
                listens.add(new Plan.Edge(t, c.index(), ReqType.LISTEN));
            } else if (type == ReqType.PREREQ) {
                graph.addPrereq(c.index(), t);
            } else {
                addEdge(t, c.index(), type);
            }
        }
    }

    /** A plain requisite edge, remembered so a prereq test node of the dependent can inherit it. */
    void addEdge(int dependency, int dependent, ReqType type) {
        graph.addEdge(graph.nodeOf(dependency), graph.nodeOf(dependent), type);
        declared.computeIfAbsent(dependent, k -> new ArrayList<>()).add(new Object[] {dependency, type});
    }

    /**
     * A prereq test-run of X waits for X's own requisites (Salt: the check node inherits X's
     * in-edges), except an edge that would close a cycle through the prerequiring state; that one
     * is dropped, as Salt before the 3007 DAG did (case 37).
     */
    void inheritPrereqChecks() {
        for (Chunk c : chunks) {
            int check = graph.checkNodeOf(c.index());
            if (check < 0) continue;
            for (Object[] d : declared.getOrDefault(c.index(), List.of())) {
                int from = graph.nodeOf((Integer) d[0]);
                if (!graph.reaches(check, from)) graph.addEdge(from, check, (ReqType) d[1]);
            }
        }
    }

    static boolean isGlob(String v) {
        return v.indexOf('*') >= 0 || v.indexOf('?') >= 0 || v.indexOf('[') >= 0 || v.indexOf(']') >= 0;
    }

    /** Python fnmatch semantics: * ? [seq] [!seq]. */
    static Pattern glob(String g) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char ch = g.charAt(i);
            switch (ch) {
                case '*' -> b.append(".*");
                case '?' -> b.append('.');
                case '[' -> {
                    int j = g.indexOf(']', i + 1);
                    if (j < 0) { b.append("\\["); break; }
                    String set = g.substring(i + 1, j);
                    if (set.startsWith("!")) set = "^" + set.substring(1);
                    b.append('[').append(set.replace("\\", "\\\\")).append(']');
                    i = j;
                }
                default -> b.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(b.toString(), Pattern.DOTALL);
    }
}
