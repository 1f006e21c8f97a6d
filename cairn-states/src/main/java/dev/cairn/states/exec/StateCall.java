package dev.cairn.states.exec;

import java.util.List;
import java.util.Map;

/**
 * One invocation of a state function: arguments already rendered (output references replaced),
 * {@code test} true for a dry run or a prereq pre-run.
 */
public record StateCall(String id, String module, String function, String name, Map<String, Object> args,
                        boolean test, RunContext context) {

    public String string(String key) {
        Object v = args.get(key);
        return v == null ? null : String.valueOf(v);
    }

    public String string(String key, String dflt) {
        String v = string(key);
        return v == null ? dflt : v;
    }

    public boolean bool(String key, boolean dflt) {
        Object v = args.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).trim().toLowerCase();
        return s.equals("true") || s.equals("yes") || s.equals("1");
    }

    /** A string or a list of strings as a list. */
    public List<String> strings(String key) {
        Object v = args.get(key);
        if (v == null) return List.of();
        if (v instanceof List<?> l) return l.stream().map(String::valueOf).toList();
        return List.of(String.valueOf(v));
    }
}
