package dev.cairn.states;

import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.exec.RunContext;
import dev.cairn.states.exec.RunOptions;
import dev.cairn.states.exec.RunReport;
import dev.cairn.states.exec.StateResult;
import dev.cairn.states.modules.DefaultSourceFetcher;
import dev.cairn.states.modules.LocalServiceSupervisor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test helper: compile and run SLS text. */
final class Sls {
    private Sls() {}

    static RunContext context(Path stateDir) {
        return new RunContext(stateDir, new LocalServiceSupervisor(stateDir), new DefaultSourceFetcher(null, stateDir), Map.of());
    }

    static Compiler.Result compile(String text, Mode mode) {
        return StateEngine.withBuiltins(context(Path.of("/tmp"))).compile(n -> n.equals("s") ? Optional.of(text) : Optional.empty(), List.of("s"), mode);
    }

    static RunReport run(String text, Mode mode, boolean test, Path stateDir) {
        StateEngine e = StateEngine.withBuiltins(context(stateDir));
        Compiler.Result c = e.compile(n -> n.equals("s") ? Optional.of(text) : Optional.empty(), List.of("s"), mode);
        if (!c.ok()) throw new AssertionError("compile errors: " + c.errors());
        return e.run(c.plan(), RunOptions.defaults().withTest(test));
    }

    static StateResult byId(RunReport r, String id) {
        return r.results().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no result for " + id + " in " + r.results()));
    }
}
