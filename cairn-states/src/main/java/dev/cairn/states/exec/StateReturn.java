package dev.cairn.states.exec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a state function returns: result (true, false, or null = "would change" in test mode),
 * changes, a comment, and outputs other states may reference (stdout, stderr, retcode).
 */
public record StateReturn(Boolean result, Map<String, Object> changes, String comment, Map<String, Object> outputs,
                          boolean skipWatch) {
    public StateReturn {
        changes = changes == null ? Map.of() : changes;
        outputs = outputs == null ? Map.of() : outputs;
        comment = comment == null ? "" : comment;
    }

    public static StateReturn ok(String comment) { return new StateReturn(true, Map.of(), comment, Map.of(), false); }

    public static StateReturn changed(Map<String, Object> changes, String comment) {
        return new StateReturn(true, changes, comment, Map.of(), false);
    }

    public static StateReturn failed(String comment) { return new StateReturn(false, Map.of(), comment, Map.of(), false); }

    /** Test mode: the state would change something. */
    public static StateReturn wouldChange(Map<String, Object> changes, String comment) {
        return new StateReturn(null, changes, comment, Map.of(), false);
    }

    public StateReturn withSkipWatch() { return new StateReturn(result, changes, comment, outputs, true); }

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put(String.valueOf(kv[i]), kv[i + 1]);
        return m;
    }
}
