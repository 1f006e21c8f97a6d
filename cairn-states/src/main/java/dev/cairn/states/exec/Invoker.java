package dev.cairn.states.exec;

import dev.cairn.states.compile.Chunk;
import dev.cairn.states.compile.OutputRefs;
import dev.cairn.states.compile.OutputRefs.Ref;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Calls a module for a chunk: renders output references ({@code {{ states.X.stdout }}}) from the
 * results so far, invokes the function (and mod_watch when a watch fired), and times it.
 * Thread-safe: justdoit/genius call it from many virtual threads.
 */
final class Invoker {
    private final Map<String, StateModule> modules;
    private final RunContext context;

    Invoker(Map<String, StateModule> modules, RunContext context) {
        this.modules = modules;
        this.context = context;
    }

    /** One timed module return. */
    record Timed(StateReturn ret, Instant start, Instant end, String function) {}

    /**
     * @param lookup results by state ID (for output references)
     * @return one return, or two when the watch fired mod_watch (the second replaces the first)
     */
    List<Timed> invoke(Chunk chunk, boolean test, boolean watch, Function<String, List<StateResult>> lookup) {
        Instant start = Instant.now();
        List<Timed> out = new ArrayList<>();
        Map<String, Object> args;
        try {
            args = render(chunk.args(), lookup);
        } catch (RenderException e) {
            out.add(new Timed(StateReturn.failed(e.getMessage()), start, Instant.now(), chunk.function()));
            return out;
        }
        String name = String.valueOf(args.getOrDefault("name", chunk.name()));
        StateModule module = modules.get(chunk.module());
        StateCall call = new StateCall(chunk.id(), chunk.module(), chunk.function(), name, args, test, context);
        StateReturn ret = safeCall(() -> module.call(call));
        Instant end = Instant.now();
        out.add(new Timed(ret, start, end, chunk.function()));
        if (watch && ret.changes().isEmpty() && !ret.skipWatch() && module.info().modWatch()) {
            StateReturn w = safeCall(() -> module.modWatch(call));
            out.add(new Timed(w, end, Instant.now(), "mod_watch"));
        }
        return out;
    }

    /** A listener's mod_watch at the end of the run (listen requisite). */
    Timed modWatch(Chunk chunk, boolean test, Function<String, List<StateResult>> lookup) {
        Instant start = Instant.now();
        try {
            Map<String, Object> args = render(chunk.args(), lookup);
            StateModule module = modules.get(chunk.module());
            StateCall call = new StateCall(chunk.id(), chunk.module(), chunk.function(),
                    String.valueOf(args.getOrDefault("name", chunk.name())), args, test, context);
            StateReturn r = safeCall(() -> module.info().modWatch() ? module.modWatch(call) : module.call(call));
            return new Timed(r, start, Instant.now(), "mod_watch");
        } catch (RenderException e) {
            return new Timed(StateReturn.failed(e.getMessage()), start, Instant.now(), "mod_watch");
        }
    }

    private static StateReturn safeCall(java.util.function.Supplier<StateReturn> s) {
        try {
            StateReturn r = s.get();
            return r == null ? StateReturn.failed("module returned nothing") : r;
        } catch (dev.cairn.core.CairnException e) {
            return StateReturn.failed(e.getMessage() + (e.hint() == null ? "" : " (hint: " + e.hint() + ")"));
        } catch (RuntimeException e) {
            return StateReturn.failed("An exception occurred in this state: " + e);
        }
    }

    static final class RenderException extends Exception {
        RenderException(String m) { super(m); }
    }

    static Map<String, Object> render(Map<String, Object> args, Function<String, List<StateResult>> lookup) throws RenderException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : args.entrySet()) out.put(e.getKey(), renderValue(e.getValue(), lookup));
        return out;
    }

    private static Object renderValue(Object v, Function<String, List<StateResult>> lookup) throws RenderException {
        if (v instanceof String s) {
            List<Ref> refs = OutputRefs.find(s);
            if (refs.isEmpty()) return s;
            String r = s;
            for (Ref ref : refs) r = r.replace(ref.text(), resolve(ref, lookup));
            return r;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), renderValue(e.getValue(), lookup));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(renderValue(x, lookup));
            return out;
        }
        return v;
    }

    private static String resolve(Ref ref, Function<String, List<StateResult>> lookup) throws RenderException {
        List<StateResult> rs = lookup.apply(ref.id());
        StateResult r = rs.isEmpty() ? null : rs.get(0);
        if (r == null || !r.ran()) {
            throw new RenderException("Cannot render " + ref.text() + ": state '" + ref.id() + "' did not run"
                    + (r == null ? "" : " (" + r.comment() + ")"));
        }
        Object value = switch (ref.field()) {
            case "stdout", "stderr", "retcode" -> r.outputs().containsKey(ref.field()) ? r.outputs().get(ref.field()) : r.changes().get(ref.field());
            case "result" -> r.result();
            case "comment" -> r.comment();
            default -> {
                Object cur = r.changes();
                for (String p : ref.path()) cur = cur instanceof Map<?, ?> m ? m.get(p) : null;
                yield ref.path().isEmpty() ? dev.cairn.core.Json.string(r.changes()) : cur;
            }
        };
        if (value == null) {
            throw new RenderException("Cannot render " + ref.text() + ": state '" + ref.id() + "' has no "
                    + ref.field() + (ref.path().isEmpty() ? "" : "." + String.join(".", ref.path())));
        }
        return value instanceof Map<?, ?> || value instanceof List<?> ? dev.cairn.core.Json.string(value) : String.valueOf(value);
    }
}
