package dev.cairn.states.modules;

import dev.cairn.states.compile.ModuleInfo;
import dev.cairn.states.exec.StateCall;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.exec.StateReturn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * pkg.installed / pkg.removed through {@link PackageManager} (PackageKit's pkcon when its daemon
 * answers, else apt-get or dnf). Accepts {@code name} or {@code pkgs: [..]}.
 */
public final class PkgModule implements StateModule {
    private static final ModuleInfo INFO = new ModuleInfo("pkg", Set.of("installed", "removed"), false, ModuleInfo.Kind.PKG);
    private final java.util.function.Supplier<PackageManager> detector;
    private volatile PackageManager pm;

    /** Detects the package manager on first use (the probe runs pkcon, so not at start-up). */
    public PkgModule() { this.detector = PackageManager::detect; }

    public PkgModule(PackageManager pm) { this.pm = pm; this.detector = () -> pm; }

    private PackageManager pm() {
        if (pm == null) pm = detector.get();
        return pm;
    }

    @Override public ModuleInfo info() { return INFO; }

    @Override
    public StateReturn call(StateCall c) {
        PackageManager pm = pm();
        List<String> names = c.args().containsKey("pkgs") ? c.strings("pkgs") : List.of(c.name());
        boolean install = c.function().equals("installed");
        List<String> todo = new ArrayList<>();
        for (String n : names) if (pm.installedVersion(n).isPresent() != install) todo.add(n);
        if (todo.isEmpty()) {
            return StateReturn.ok(install ? "All specified packages are already installed" : "None of the targeted packages are installed");
        }
        if (c.test()) {
            return StateReturn.wouldChange(Map.of(), "The following packages would be " + (install ? "installed" : "removed")
                    + ": " + String.join(", ", todo));
        }
        PackageManager.Outcome o = install ? pm.install(todo) : pm.remove(todo);
        Map<String, Object> changes = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (String n : todo) {
            var v = pm.installedVersion(n);
            if (v.isPresent() == install) {
                changes.put(n, install ? StateReturn.map("old", "", "new", v.get()) : StateReturn.map("old", "installed", "new", ""));
            } else {
                failed.add(n);
            }
        }
        if (!failed.isEmpty()) {
            return new StateReturn(false, changes, "Failed to " + (install ? "install" : "remove") + " " + String.join(", ", failed)
                    + " with " + o.tool() + ": " + o.output(), Map.of(), false);
        }
        return StateReturn.changed(changes, "The following packages were " + (install ? "installed" : "removed") + ": "
                + String.join(", ", todo) + " (" + o.tool() + ")");
    }
}
