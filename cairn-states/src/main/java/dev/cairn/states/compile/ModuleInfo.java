package dev.cairn.states.compile;

import java.util.Set;

/**
 * What the compiler knows about a state module: its functions (empty = any, as for extension
 * modules), whether it has a {@code mod_watch}, and its kind for genius ordering.
 */
public record ModuleInfo(String name, Set<String> functions, boolean modWatch, Kind kind) {
    public enum Kind { PKGREPO, PKG, FILE, SERVICE, OTHER }

    public ModuleInfo {
        functions = Set.copyOf(functions);
    }

    public boolean hasFunction(String fn) { return functions.isEmpty() || functions.contains(fn); }
}
