package dev.cairn.states.modules;

import dev.cairn.states.compile.ModuleInfo;
import dev.cairn.states.exec.ServiceSupervisor;
import dev.cairn.states.exec.ServiceSupervisor.ServiceSpec;
import dev.cairn.states.exec.StateCall;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.exec.StateReturn;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * service.running / service.dead for supervised processes: {@code command} (string via
 * /bin/sh -c, or argv list) runs in the foreground under the {@link ServiceSupervisor}.
 * mod_watch (a watched state changed) restarts a running service.
 */
public final class ServiceModule implements StateModule {
    private static final ModuleInfo INFO = new ModuleInfo("service", Set.of("running", "dead"), true, ModuleInfo.Kind.SERVICE);

    @Override public ModuleInfo info() { return INFO; }

    @Override
    public StateReturn call(StateCall c) {
        ServiceSupervisor sup = c.context() == null ? null : c.context().supervisor();
        if (sup == null) return StateReturn.failed("No service supervisor on this node");
        boolean running = sup.isRunning(c.name());
        if (c.function().equals("dead")) {
            if (!running) return StateReturn.ok("The service " + c.name() + " is already dead");
            if (c.test()) return StateReturn.wouldChange(Map.of(c.name(), false), "Service " + c.name() + " is set to be killed");
            sup.stop(c.name());
            return StateReturn.changed(Map.of(c.name(), false), "Service " + c.name() + " was killed");
        }
        if (running) return StateReturn.ok("The service " + c.name() + " is already running");
        if (c.test()) return StateReturn.wouldChange(Map.of(c.name(), true), "Service " + c.name() + " is set to start");
        try {
            String how = sup.start(spec(c));
            return StateReturn.changed(Map.of(c.name(), true), "Started service " + c.name() + " (" + how + ")");
        } catch (RuntimeException e) {
            return StateReturn.failed("Failed to start service " + c.name() + ": " + e.getMessage());
        }
    }

    @Override
    public StateReturn modWatch(StateCall c) {
        ServiceSupervisor sup = c.context() == null ? null : c.context().supervisor();
        if (sup == null) return StateReturn.failed("No service supervisor on this node");
        if (c.function().equals("dead")) return StateReturn.ok("Service " + c.name() + " is dead; watch does nothing");
        if (c.test()) return StateReturn.wouldChange(Map.of(c.name(), true), "Service " + c.name() + " is set to be restarted");
        try {
            String how = sup.restart(spec(c));
            return StateReturn.changed(Map.of(c.name(), true), "Service restarted (" + how + ")");
        } catch (RuntimeException e) {
            return StateReturn.failed("Failed to restart service " + c.name() + ": " + e.getMessage());
        }
    }

    static ServiceSpec spec(StateCall c) {
        Object cmd = c.args().get("command");
        if (cmd == null) throw new IllegalArgumentException("service." + c.function() + " needs a command");
        List<String> argv = cmd instanceof List<?> l ? l.stream().map(String::valueOf).toList() : Proc.shell(String.valueOf(cmd));
        Map<String, String> env = new LinkedHashMap<>();
        if (c.args().get("env") instanceof Map<?, ?> m) m.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        return new ServiceSpec(c.name(), argv, c.string("cwd"), env);
    }
}
