package dev.cairn.states.compile;

import java.util.ArrayList;
import java.util.List;

/**
 * Salt's "high data": every ID declaration of the SLS files of a run, in definition order
 * (included SLS first, depth-first, then the including file).
 */
public record HighData(List<IdBlock> blocks) {

    /** One ID declaration: {@code id: {module.function: [args…], …}}. */
    public record IdBlock(String id, String sls, List<String> includedFrom, List<StateDecl> states) {}

    /**
     * One state declaration inside an ID. {@code function} is null when none was declared and
     * {@code functions} lists every function named (Salt allows exactly one).
     */
    public record StateDecl(String module, List<String> functions, List<Arg> args) {
        public StateDecl {
            functions = new ArrayList<>(functions);
            args = new ArrayList<>(args);
        }

        public String function() { return functions.isEmpty() ? null : functions.get(0); }
    }

    /** One argument of a state declaration: a single-key mapping such as {@code - name: x}. */
    public record Arg(String key, Object value) {}

    public IdBlock find(String id) {
        for (IdBlock b : blocks) if (b.id().equals(id)) return b;
        return null;
    }
}
