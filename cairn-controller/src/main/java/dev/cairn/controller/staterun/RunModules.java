package dev.cairn.controller.staterun;

import dev.cairn.states.StateEngine;
import dev.cairn.states.compile.Chunk;
import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.compile.SlsParser;
import dev.cairn.states.exec.RunContext;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.modules.Modules;
import dev.cairn.states.sign.ExtensionModules;
import dev.cairn.states.sign.PublishedModule;
import dev.cairn.states.source.SlsTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The controller's compile of a cluster run: the built-in modules plus the published extension
 * modules the SLS names (their functions from the published manifest; they never run here). The
 * published modules the plan uses go to the agents with the run, pinned to the version compiled
 * against.
 */
final class RunModules {
    private RunModules() {}

    /** Published modules by name, for the names given (unknown names are left out). */
    interface Resolver extends Function<Collection<String>, Map<String, PublishedModule>> {
        Resolver NONE = names -> Map.of();
    }

    record Compiled(Compiler.Result result, List<PublishedModule> used) {}

    static Compiled compile(SlsTree tree, Mode mode, Resolver resolver) {
        SlsParser.Parsed parsed = SlsParser.parse(tree::load, tree.top());
        if (!parsed.ok()) return new Compiled(new Compiler.Result(null, parsed.errors()), List.of());
        Map<String, PublishedModule> published = resolver.apply(ExtensionModules.referenced(parsed.high()));
        Map<String, StateModule> modules = new LinkedHashMap<>(Modules.builtins());
        published.forEach((n, m) -> modules.putIfAbsent(n, ExtensionModules.unavailable(m, "runs on agents only")));
        Compiler.Result r = new StateEngine(modules, new RunContext(Path.of("."), null, null, Map.of())).compile(parsed.high(), mode);
        if (!r.ok()) return new Compiled(r, List.of());
        Set<String> names = new LinkedHashSet<>();
        for (Chunk c : r.plan().chunks()) names.add(c.module());
        List<PublishedModule> used = new ArrayList<>();
        for (String n : names) if (published.containsKey(n)) used.add(published.get(n));
        return new Compiled(r, used);
    }
}
