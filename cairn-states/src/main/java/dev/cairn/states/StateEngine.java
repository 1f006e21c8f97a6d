package dev.cairn.states;

import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.HighData;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.compile.Plan;
import dev.cairn.states.compile.SlsParser;
import dev.cairn.states.exec.RunContext;
import dev.cairn.states.exec.RunOptions;
import dev.cairn.states.exec.RunReport;
import dev.cairn.states.exec.StateExecutor;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.modules.Modules;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Entry point of the states subsystem: parse SLS → compile (pure) → execute. A controller can
 * compile once and ship the {@link Plan}; an agent executes it with {@link #run}.
 */
public final class StateEngine {
    private final Map<String, StateModule> modules;
    private final RunContext context;

    public StateEngine(Map<String, StateModule> modules, RunContext context) {
        this.modules = Map.copyOf(modules);
        this.context = context;
    }

    public static StateEngine withBuiltins(RunContext context) {
        return new StateEngine(Modules.builtins(), context);
    }

    public Map<String, StateModule> modules() { return modules; }

    /** Parses the top SLS (and its includes) and compiles it; every problem is a compile error. */
    public Compiler.Result compile(Function<String, Optional<String>> loader, List<String> topSls, Mode mode) {
        SlsParser.Parsed parsed = SlsParser.parse(loader, topSls);
        if (!parsed.ok()) return new Compiler.Result(null, parsed.errors());
        return compile(parsed.high(), mode);
    }

    public Compiler.Result compile(HighData high, Mode mode) {
        return Compiler.compile(high, mode, Modules.catalog(modules));
    }

    public RunReport run(Plan plan, RunOptions options) {
        return new StateExecutor(plan, modules, context, options).run();
    }
}
