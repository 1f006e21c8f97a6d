package dev.cairn.states.modules;

import dev.cairn.states.compile.ModuleInfo;
import dev.cairn.states.exec.StateModule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The built-in modules, and the catalog the compiler checks states against. */
public final class Modules {
    private Modules() {}

    public static Map<String, StateModule> builtins() {
        Map<String, StateModule> m = new LinkedHashMap<>();
        for (StateModule s : List.<StateModule>of(new TestModule(), new CmdModule(), new FileModule(), new PkgModule(),
                new PkgrepoModule(), new ServiceModule())) {
            m.put(s.info().name(), s);
        }
        return m;
    }

    public static Map<String, ModuleInfo> catalog(Map<String, StateModule> modules) {
        Map<String, ModuleInfo> m = new LinkedHashMap<>();
        modules.forEach((k, v) -> m.put(k, v.info()));
        return m;
    }
}
