package dev.cairn.states.compile;

import dev.cairn.states.compile.HighData.Arg;
import dev.cairn.states.compile.HighData.IdBlock;
import dev.cairn.states.compile.HighData.StateDecl;
import dev.cairn.states.compile.Plan.Edge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state compiler: high data + mode → a {@link Plan} or a list of errors. Pure (no I/O).
 * Follows Salt's pipeline: verify the high data, rewrite {@code *_in} requisites onto their
 * targets, compile chunks with definition order, resolve every requisite into one graph, order it.
 * Any error rejects the whole run.
 */
public final class Compiler {
    /** Forward requisite keys a state may declare, plus Salt's use (accepted, not applied). */
    private static final List<ReqType> ADD_ORDER = List.of(ReqType.REQUIRE, ReqType.REQUIRE_ANY, ReqType.WATCH,
            ReqType.WATCH_ANY, ReqType.PREREQ, ReqType.ONFAIL, ReqType.ONFAIL_ANY, ReqType.ONFAIL_ALL,
            ReqType.ONCHANGES, ReqType.ONCHANGES_ANY, ReqType.LISTEN);
    private static final Set<String> IN_KEYS = Set.of("require_in", "watch_in", "onfail_in", "onchanges_in", "prereq_in", "listen_in");
    static final double BASE_IORDER = 10000;

    /** The compiler's answer: a plan, or the errors (never both). */
    public record Result(Plan plan, List<String> errors) {
        public boolean ok() { return errors.isEmpty(); }
    }

    private final Map<String, ModuleInfo> modules;

    private Compiler(Map<String, ModuleInfo> modules) {
        this.modules = modules;
    }

    public static Result compile(HighData high, Mode mode, Map<String, ModuleInfo> modules) {
        return new Compiler(modules).run(high, mode);
    }

    private Result run(HighData input, Mode mode) {
        List<IdBlock> blocks = copy(input);
        List<String> errors = verify(blocks);
        if (!errors.isEmpty()) return fail(errors);
        errors = RequisiteIn.apply(blocks);
        if (!errors.isEmpty()) return fail(errors);
        List<Chunk> chunks = new ArrayList<>();
        errors = new ArrayList<>(chunk(blocks, chunks));
        if (!errors.isEmpty()) return fail(errors);
        DependencyGraph graph = new DependencyGraph(chunks);
        Resolver resolver = new Resolver(chunks, graph);
        for (Chunk c : chunks) {
            String err = resolver.addRequisites(c);
            if (err != null) errors.add(err);
        }
        for (Chunk c : chunks) errors.addAll(OutputRefs.addEdges(c, resolver));
        if (!errors.isEmpty()) return fail(errors);
        resolver.inheritPrereqChecks();
        List<String> explanations = mode == Mode.GENIUS ? GeniusEdges.add(chunks, graph, modules) : List.of();
        List<Integer> order = graph.order();
        if (order == null) return fail(List.of("Recursive requisites were found: " + cycleString(graph, chunks)));
        return new Result(new Plan(mode, List.copyOf(chunks), List.copyOf(graph.nodes), List.copyOf(graph.edges),
                List.copyOf(order), List.copyOf(resolver.listens), List.copyOf(explanations)), List.of());
    }

    private static Result fail(List<String> errors) { return new Result(null, List.copyOf(errors)); }

    private static List<IdBlock> copy(HighData high) {
        List<IdBlock> out = new ArrayList<>();
        for (IdBlock b : high.blocks()) {
            List<StateDecl> decls = new ArrayList<>();
            for (StateDecl d : b.states()) {
                List<Arg> args = new ArrayList<>();
                for (Arg a : d.args()) args.add(new Arg(a.key(), deepCopy(a.value())));
                decls.add(new StateDecl(d.module(), d.functions(), args));
            }
            out.add(new IdBlock(b.id(), b.sls(), b.includedFrom(), decls));
        }
        return out;
    }

    static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), deepCopy(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(deepCopy(x));
            return out;
        }
        return v;
    }

    /** Salt's verify_high plus Cairn's module check: shape errors found before anything else. */
    private List<String> verify(List<IdBlock> blocks) {
        List<String> errors = new ArrayList<>();
        for (IdBlock b : blocks) {
            for (StateDecl d : b.states()) {
                if (d.functions().isEmpty()) {
                    errors.add("No function declared in state '" + d.module() + "' in SLS '" + b.sls() + "'");
                } else if (d.functions().size() > 1) {
                    errors.add("Too many functions declared in state '" + d.module() + "' in SLS '" + b.sls() + "'");
                } else {
                    ModuleInfo m = modules.get(d.module());
                    if (m == null) {
                        errors.add("State '" + d.module() + "." + d.function() + "' was not found in SLS '" + b.sls()
                                + "' (ID '" + b.id() + "'): no module named '" + d.module() + "'");
                    } else if (!m.hasFunction(d.function())) {
                        errors.add("State '" + d.module() + "." + d.function() + "' was not found in SLS '" + b.sls()
                                + "' (ID '" + b.id() + "'): module '" + d.module() + "' has no function '" + d.function() + "'");
                    }
                }
                for (Arg a : d.args()) {
                    boolean forward = ReqType.ofKey(a.key()).isPresent() || a.key().equals("use");
                    if (forward && !(a.value() instanceof List<?>)) {
                        errors.add("The " + a.key() + " statement in state '" + b.id() + "' in SLS '" + b.sls() + "' needs to be formed as a list");
                    } else if (forward) {
                        for (Object item : (List<?>) a.value()) {
                            if (item instanceof Map<?, ?> m && m.size() > 1) {
                                errors.add("Multiple dictionaries defined in argument of state '" + b.id() + "' in SLS '" + b.sls() + "'");
                            }
                        }
                    } else if (IN_KEYS.contains(a.key()) && !(a.value() instanceof List<?>) && !(a.value() instanceof Map<?, ?>)) {
                        errors.add("The " + a.key() + " statement in state '" + b.id() + "' in SLS '" + b.sls() + "' needs to be formed as a list");
                    }
                }
            }
        }
        return errors;
    }

    /** Salt's compile_high_data + _handle_iorder + order normalisation. */
    private List<String> chunk(List<IdBlock> blocks, List<Chunk> out) {
        record Raw(IdBlock block, StateDecl decl, String name, Map<String, Object> args, Object order, int nameOrder) {}
        List<Raw> raws = new ArrayList<>();
        double iorder = BASE_IORDER;
        for (IdBlock b : blocks) {
            for (StateDecl d : b.states()) {
                Map<String, Object> args = new LinkedHashMap<>();
                List<Object> names = new ArrayList<>();
                Object order = null;
                boolean hasOrder = false;
                for (Arg a : d.args()) {
                    switch (a.key()) {
                        case "names" -> {
                            if (a.value() instanceof List<?> l) for (Object n : l) if (!names.contains(n)) names.add(n);
                        }
                        case "state" -> { }
                        case "order" -> { order = a.value(); hasOrder = true; }
                        case "name" -> {
                            if (a.value() instanceof List<?> argv && !argv.isEmpty()) {
                                // an argv list (cmd.run without a shell): named by its words
                                args.put("argv", argv);
                                args.put("name", String.join(" ", argv.stream().map(String::valueOf).toList()));
                            } else {
                                args.put("name", a.value() instanceof String s ? s : a.value() == null ? b.id() : String.valueOf(a.value()));
                            }
                        }
                        default -> args.put(a.key(), a.value());
                    }
                }
                if (!hasOrder) order = iorder++;
                if (names.isEmpty()) {
                    raws.add(new Raw(b, d, (String) args.getOrDefault("name", b.id()), args, order, 0));
                } else {
                    int nameOrder = 1;
                    for (Object entry : names) {
                        Map<String, Object> live = new LinkedHashMap<>(args);
                        String name;
                        if (entry instanceof Map<?, ?> m && !m.isEmpty()) {
                            Map.Entry<?, ?> e = m.entrySet().iterator().next();
                            name = String.valueOf(e.getKey());
                            if (e.getValue() instanceof List<?> extra) {
                                for (Object x : extra) if (x instanceof Map<?, ?> xm) xm.forEach((k, v) -> live.put(String.valueOf(k), v));
                            }
                        } else {
                            name = String.valueOf(entry);
                        }
                        live.put("name", name);
                        raws.add(new Raw(b, d, name, live, order, nameOrder++));
                    }
                }
            }
        }
        double cap = 1;
        for (Raw r : raws) {
            if (r.order() instanceof Integer || r.order() instanceof Long) {
                double o = ((Number) r.order()).doubleValue();
                if (o > cap - 1 && o > 0) cap = o + 100;
            } else if (r.order() instanceof Double d && d == Math.rint(d)) {
                if (d > cap - 1 && d > 0) cap = d + 100; // an auto (definition) order
            }
        }
        List<String> errors = new ArrayList<>();
        Map<String, Chunk> byTag = new LinkedHashMap<>();
        for (Raw r : raws) {
            double order;
            if (r.order() instanceof Number n) order = n.doubleValue();
            else if ("last".equals(r.order())) order = cap + 1_000_000;
            else if ("first".equals(r.order())) order = 0;
            else order = cap;
            if (r.nameOrder() > 0) order += r.nameOrder() / 10000.0;
            if (order < 0) order = cap + 1_000_000 + order;
            Map<ReqType, List<Object>> reqs = new LinkedHashMap<>();
            Map<String, Object> plain = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : r.args().entrySet()) {
                var t = ReqType.ofKey(e.getKey());
                if (t.isPresent() && e.getValue() instanceof List<?> l) reqs.put(t.get(), new ArrayList<>(l));
                else if (IN_KEYS.contains(e.getKey()) || e.getKey().equals("use") || e.getKey().equals("use_in")
                        || e.getKey().equals("failhard")) continue;
                else plain.put(e.getKey(), e.getValue());
            }
            plain.put("name", r.name());
            ModuleInfo mod = modules.get(r.decl().module());
            if (mod != null && !mod.modWatch()) {
                moveList(reqs, ReqType.WATCH, ReqType.REQUIRE);
                moveList(reqs, ReqType.WATCH_ANY, ReqType.REQUIRE_ANY);
            }
            boolean failhard = truthy(r.args().get("failhard"));
            Chunk c = new Chunk(out.size(), r.block().id(), r.block().sls(), r.block().includedFrom(), r.decl().module(),
                    r.decl().function(), r.name(), plain, order, reqs, failhard);
            if (byTag.containsKey(c.tag())) {
                errors.add("State '" + c.fullName() + "' with ID '" + c.id() + "' and name '" + c.name()
                        + "' is declared twice in SLS '" + c.sls() + "'");
                continue;
            }
            byTag.put(c.tag(), c);
            out.add(c);
        }
        return errors;
    }

    private static void moveList(Map<ReqType, List<Object>> reqs, ReqType from, ReqType to) {
        List<Object> l = reqs.remove(from);
        if (l != null) reqs.computeIfAbsent(to, k -> new ArrayList<>()).addAll(l);
    }

    static boolean truthy(Object o) {
        return o instanceof Boolean b ? b : o instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("yes"));
    }

    static List<ReqType> addOrder() { return ADD_ORDER; }

    /** Salt's get_cycles_str. */
    private static String cycleString(DependencyGraph graph, List<Chunk> chunks) {
        List<String> parts = new ArrayList<>();
        for (Edge e : graph.findCycle()) {
            Chunk dependency = chunks.get(graph.nodes.get(e.from()).chunk());
            Chunk dependent = chunks.get(graph.nodes.get(e.to()).chunk());
            ReqType t = e.type();
            if (t == ReqType.REQUIRE && !dependent.requisites().containsKey(ReqType.REQUIRE)) t = ReqType.PREREQ;
            parts.add("(" + chunkStr(dependent) + ", '" + t.key() + "', " + chunkStr(dependency) + ")");
        }
        return String.join(", ", parts);
    }

    private static String chunkStr(Chunk c) {
        StringBuilder b = new StringBuilder("{'SLS': ").append(pyRepr(c.sls())).append(", 'ID': ").append(pyRepr(c.id()));
        if (!c.id().equals(c.name())) b.append(", 'NAME': ").append(pyRepr(c.name()));
        return b.append('}').toString();
    }

    static String pyRepr(String s) {
        if (s.contains("'") && !s.contains("\"")) return "\"" + s.replace("\\", "\\\\") + "\"";
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    static Set<String> inKeys() { return new LinkedHashSet<>(IN_KEYS); }
}
