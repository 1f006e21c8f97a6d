package dev.cairn.states.compile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Outputs as variables: {@code {{ states.<id>.stdout }}}, {@code .stderr}, {@code .retcode},
 * {@code .result}, {@code .comment}, {@code .changes.<key>…} in any argument. Each reference
 * implies a {@code require} on the referenced state.
 */
public final class OutputRefs {
    public static final Pattern REF = Pattern.compile("\\{\\{\\s*states\\.([^\\s.{}]+)\\.([A-Za-z_]+)((?:\\.[^\\s.{}]+)*)\\s*}}");
    private static final Set<String> FIELDS = Set.of("stdout", "stderr", "retcode", "result", "comment", "changes");

    private OutputRefs() {}

    /** A parsed reference: the state ID, the field and the path below {@code changes}. */
    public record Ref(String text, String id, String field, List<String> path) {}

    public static List<Ref> find(Object value) {
        List<Ref> out = new ArrayList<>();
        collect(value, out);
        return out;
    }

    private static void collect(Object v, List<Ref> out) {
        if (v instanceof String s) {
            Matcher m = REF.matcher(s);
            while (m.find()) {
                List<String> path = new ArrayList<>();
                for (String p : m.group(3).split("\\.")) if (!p.isEmpty()) path.add(p);
                out.add(new Ref(m.group(), m.group(1), m.group(2), path));
            }
        } else if (v instanceof Map<?, ?> m) {
            for (Object x : m.values()) collect(x, out);
        } else if (v instanceof List<?> l) {
            for (Object x : l) collect(x, out);
        }
    }

    static List<String> addEdges(Chunk c, Resolver resolver) {
        List<String> errors = new ArrayList<>();
        Set<Integer> added = new LinkedHashSet<>();
        for (Ref r : find(c.args())) {
            String where = " in state [" + c.name() + "] in SLS [" + c.sls() + "]";
            if (!FIELDS.contains(r.field())) {
                errors.add("Output reference '" + r.text() + "'" + where + " asks for unknown field '" + r.field()
                        + "' (use stdout, stderr, retcode, result, comment or changes.<key>)");
                continue;
            }
            Set<Integer> targets = resolver.byId(r.id());
            if (targets.isEmpty()) {
                errors.add("Output reference '" + r.text() + "'" + where + " names no state with ID '" + r.id() + "'");
                continue;
            }
            if (targets.contains(c.index())) {
                errors.add("Output reference '" + r.text() + "'" + where + " refers to the state itself");
                continue;
            }
            for (int t : targets) if (added.add(t)) resolver.addEdge(t, c.index(), ReqType.REQUIRE);
        }
        return errors;
    }
}
