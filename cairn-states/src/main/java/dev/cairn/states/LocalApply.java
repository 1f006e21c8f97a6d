package dev.cairn.states;

import dev.cairn.states.compile.Chunk;
import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.compile.Plan;
import dev.cairn.states.exec.RunContext;
import dev.cairn.states.exec.RunOptions;
import dev.cairn.states.exec.RunReport;
import dev.cairn.states.exec.StateListener;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.modules.DefaultSourceFetcher;
import dev.cairn.states.modules.LocalServiceSupervisor;
import dev.cairn.states.modules.Modules;
import dev.cairn.states.sign.ExtensionModules;
import dev.cairn.states.sign.ModuleKeys;
import dev.cairn.states.source.SlsTree;
import dev.cairn.states.source.StateSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code cairn state apply SOURCE --local}: open the source, load built-in and verified extension
 * modules, compile (errors reject the run before anything executes), execute on this machine.
 */
public record LocalApply(String source, Mode mode, boolean test, boolean failhard, Path stateDir, Path modulesDir,
                         Path trustedKeys, int parallelism, StateListener listener) {

    /** Compile errors (nothing ran) or the run's report. */
    public record Outcome(List<String> errors, Plan plan, RunReport report) {}

    public static Path defaultHome() {
        String h = System.getenv("CAIRN_HOME");
        return h != null && !h.isBlank() ? Path.of(h) : Path.of(System.getProperty("user.home"), ".cairn");
    }

    public Outcome run() {
        SlsTree tree = StateSources.open(source);
        Map<String, StateModule> modules = new LinkedHashMap<>(Modules.builtins());
        ExtensionModules.Loaded ext = modulesDir != null && java.nio.file.Files.isDirectory(modulesDir)
                ? ExtensionModules.load(modulesDir, ModuleKeys.readTrusted(trustedKeys), stateDir)
                : new ExtensionModules.Loaded(Map.of(), Map.of());
        ext.modules().forEach(modules::putIfAbsent);
        Path base = source.startsWith("git+") ? null : Path.of(source).toAbsolutePath().normalize();
        if (base != null && !java.nio.file.Files.isDirectory(base)) base = base.getParent();
        RunContext ctx = new RunContext(stateDir, new LocalServiceSupervisor(stateDir), new DefaultSourceFetcher(null, base), Map.of());
        StateEngine engine = new StateEngine(modules, ctx);
        Compiler.Result compiled = engine.compile(tree::load, tree.top(), mode);
        if (!compiled.ok()) {
            List<String> errors = new ArrayList<>(compiled.errors());
            for (Map.Entry<String, String> r : ext.refused().entrySet()) {
                errors.add("Extension module '" + r.getKey() + "' refused: " + r.getValue());
            }
            return new Outcome(errors, null, null);
        }
        LinkedHashSet<String> used = new LinkedHashSet<>();
        for (Chunk c : compiled.plan().chunks()) used.add(c.module());
        List<String> refusedErrors = new ArrayList<>();
        for (String m : used) {
            if (ext.refused().containsKey(m)) refusedErrors.add("Extension module '" + m + "' refused: " + ext.refused().get(m));
        }
        if (!refusedErrors.isEmpty()) return new Outcome(refusedErrors, compiled.plan(), null);
        RunOptions opts = new RunOptions(test, failhard, parallelism, listener);
        return new Outcome(List.of(), compiled.plan(), engine.run(compiled.plan(), opts));
    }
}
